import Foundation
import GreenlightCore
import GreenlightPolicy

/// Reports made in code, with every figure a pack reads, and a way to change the one a test is about.
enum PolicyFixtures {
    static let created = Date(timeIntervalSince1970: 1_780_000_000)  // 2026-05-28

    /// A measured training run: 10 kWh of host energy, 5 kWh of it the tree's, PUE 1.2 given, Germany's 2024
    /// intensity (380 g/kWh), 50 kg embodied, an SCI per 1e9 tokens, 1e21 FLOP stated, team nlp.
    static func run(stage: ReportContext.Stage? = .training, team: String = "nlp") -> Report {
        let started = created.addingTimeInterval(-3600)
        let rapl = Method(.measured, "rapl")
        let share = Method(.derived, "cpu-time-share")
        let components = [
            EnergyComponent(kind: .cpu, name: "package-0", energy: Energy(joules: 1.8e7), idleEnergy: Energy(joules: 3.6e6),
                            processEnergy: Energy(joules: 9e6), meanPower: Power(watts: 5000), method: rapl, idleMethod: rapl,
                            attributionMethod: share),
            EnergyComponent(kind: .gpu, name: "gpu-0 NVIDIA H100", energy: Energy(joules: 1.8e7), idleEnergy: Energy(joules: 3.6e6),
                            processEnergy: Energy(joules: 9e6), meanPower: Power(watts: 5000), method: Method(.measured, "nvml-energy"),
                            idleMethod: rapl, attributionMethod: share),
        ]
        let energy = EnergySection.summing(components, duration: .seconds(3600), pue: Figure(1.2, Method(.user, "pue")), processMethod: share)
        let intensity = IntensityFigure(value: CarbonIntensity(gramsPerKilowattHour: 380), method: Method(.estimated, "owid-ember"),
                                        location: Location(countryISO3: "DEU", countryName: "Germany"), year: 2024)
        let embodied = EmbodiedCarbon(total: CarbonMass(kilograms: 1000), lifetime: .seconds(4 * 8766 * 3600), resourceShare: 1,
                                      timeReserved: .seconds(3600), method: Method(.user, "embodied"))
        let carbon = CarbonSection(intensity: intensity, process: intensity.value * energy.processFacilityEnergy,
                                   host: intensity.value * energy.hostFacilityEnergy, embodied: embodied)
        let sci = SCIScore(functionalUnit: "training-token", units: 1e9, energy: energy.processFacilityEnergy, intensity: intensity.value,
                           embodied: embodied.attributed)
        return Report(
            kind: .run, createdAt: created,
            host: HostInfo(hostname: "h", os: "Linux", cpuModel: "EPYC", logicalCPUs: 8, memoryBytes: 16 << 30,
                           gpus: [GPUInfo(index: 0, name: "NVIDIA H100")]),
            run: RunInfo(command: ["python", "train.py"], startedAt: started, endedAt: created, duration: .seconds(3600),
                         exit: ExitInfo(status: .exited, code: 0), interval: .seconds(1), samples: 3600),
            process: ProcessUsage(userCPU: .seconds(3000), systemCPU: .seconds(100), peakRSSBytes: 3 << 30, meanRSSBytes: 2 << 30,
                                  peakThreads: 10, processesSeen: 2, method: Method(.measured, "procfs")),
            energy: energy, carbon: carbon, sci: sci,
            context: ReportContext(stage: stage, model: "llama-mini", task: "text-generation", tags: ["team": team], flops: 1e21))
    }

    /// An estimate with no functional unit and the world-average default intensity.
    static func estimate() throws -> Report {
        try Estimator.estimate(EstimateRequest(device: "H100", count: 8, work: .hours(100), context: ReportContext(stage: .training)))
    }

    /// A policy from YAML text.
    static func policy(_ yaml: String, source: String = "policy.yaml") throws -> Policy {
        try PolicyLoader().parse(yaml, source: source)
    }

    /// The results of `yaml`'s rules on `report`.
    static func results(_ yaml: String, on report: Report, now: Date = created) throws -> [RuleResult] {
        PolicyEvaluator(policies: [try policy(yaml)], now: now).evaluate(CheckSubject(name: "r.json", report: report))
    }

    /// The outcome of a one-rule policy asserting `assertion` on `report`.
    static func outcome(_ assertion: String, on report: Report = run(), action: String = "enforce") throws -> RuleResult.Outcome {
        let yaml = "rules:\n  - id: r\n    action: \(action)\n    assert: '\(assertion.replacingOccurrences(of: "'", with: "''"))'\n"
        return try results(yaml, on: report)[0].outcome
    }
}
