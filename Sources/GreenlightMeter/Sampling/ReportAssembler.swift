import Foundation
import GreenlightCore

/// Turns a finished measurement into the report: energy, carbon, SCI and every note.
enum ReportAssembler {
    static func assemble(
        plan: PowerPlan, configuration: MeterConfiguration, session: MeterSession, command: [String],
        exit: ExitInfo, extraNotes: [Note]
    ) throws -> Report {
        let (components, usage, sessionNotes) = session.finish()
        let duration = session.elapsed
        var notes = plan.notes + sessionNotes + extraNotes

        let pue: Figure<Double>
        if let value = configuration.pue {
            pue = Figure(value, Method(.user, "pue", detail: "given by the user"))
        } else {
            pue = Figure(1.0, Method(.default, "pue", detail: "1.0: no data-centre overhead assumed"))
            notes.append(Note(.info, code: "default-pue", "PUE 1.0 assumed (no facility overhead); give the data centre's PUE, e.g. 1.2", parameter: "pue"))
        }
        let energy = EnergySection.summing(
            components, duration: duration, pue: pue,
            processMethod: Method(.derived, "attribution",
                detail: "sum of each component's process share: CPU by CPU time, memory by RSS, GPU by compute context"))

        let resolution = try GridIntensityDatabase.bundled.lookup(configuration.location)
        notes += resolution.notes
        let intensity = resolution.intensity
        let embodied = try configuration.embodied.map {
            try SCI.embodied($0, timeReserved: duration, method: Method(.user, "embodied", detail: "embodied emissions, lifetime and machine share given by the user"))
        }
        let carbon = CarbonSection(
            intensity: intensity, process: intensity.value * energy.processFacilityEnergy,
            host: intensity.value * energy.hostFacilityEnergy, embodied: embodied)
        let sci = try configuration.functionalUnit.map {
            try SCI.score(unit: $0, energy: energy.processFacilityEnergy, intensity: intensity.value, embodied: embodied)
        }

        if exit.status == .signaled {
            notes.append(Note(.warning, code: "child-signaled",
                "the command was killed by signal \(exit.signal ?? 0) (\(signalName(exit.signal ?? 0)))\(exit.coreDumped ? ", core dumped" : ""); figures cover the run until then"))
        } else if let code = exit.code, code != 0 {
            notes.append(Note(.info, code: "child-failed", "the command exited with code \(code)"))
        }

        let system = plan.system
        let host = HostInfo(
            hostname: system.hostname, os: system.os, cpuModel: system.cpuModel, logicalCPUs: system.logicalCPUs,
            memoryBytes: system.memoryBytes, cpuTDP: plan.estimatedCPUTDP, gpus: plan.gpus)
        let run = RunInfo(
            command: command, startedAt: session.startDate, endedAt: session.startDate.addingTimeInterval(duration.seconds),
            duration: duration, exit: exit, interval: configuration.interval, samples: session.sampleCount)
        return Report(
            kind: .run, host: host, run: run, process: usage, energy: energy, carbon: carbon, sci: sci,
            context: configuration.context, notes: dedupe(notes))
    }

    private static func dedupe(_ notes: [Note]) -> [Note] {
        var seen = Set<Note>()
        return notes.filter { seen.insert($0).inserted }
    }

    static func signalName(_ signo: Int32) -> String {
        let names: [Int32: String] = [1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS",
                                      8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM"]
        return names[signo] ?? "signal \(signo)"
    }
}
