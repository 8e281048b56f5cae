import ArgumentParser
import Foundation
import GreenlightCore
import GreenlightMeter

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a command and measure the energy, power, time and carbon of its process tree.",
        discussion: """
            Energy sources, strongest first: RAPL counters (/sys/class/powercap), NVIDIA GPUs through NVML, \
            then estimation from the CPU's TDP and the RAM size. Every figure says which one produced it.
            Exits with the command's exit code (128+N when it died of signal N; 127 when not found).
            Example: greenlight run --country DEU --json run.json -- python train.py
            """
    )

    @Option(help: "Seconds between samples (default 0.1, at least 0.01).")
    var interval: Double = 0.1

    @Flag(name: .customLong("rapl-dram"), help: "Add the RAPL DRAM domains to the package domains.")
    var raplDRAM = false

    @Flag(name: .customLong("rapl-psys"), help: "Use the RAPL platform (psys) domain instead of packages.")
    var raplPsys = false

    @Flag(name: .customLong("no-rapl"), help: "Do not read RAPL counters.")
    var noRAPL = false

    @Flag(name: .customLong("no-gpu"), help: "Do not load NVML.")
    var noGPU = false

    @Option(name: .customLong("cpu-tdp"), help: "CPU TDP in watts, overriding the bundled table (estimation only).")
    var cpuTDP: Double?

    @OptionGroup var location: LocationOptions
    @OptionGroup var impact: ImpactOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Write one JSON line per sample here.")
    var timeline: String?

    @Flag(name: .customLong("wait-tree"), help: "After the command exits, measure its tree until its last process exits (daemons it left behind).")
    var waitTree = false

    @Argument(parsing: .postTerminator, help: "The command to run, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the command to measure after --, e.g. greenlight run -- python train.py") }
        if raplDRAM && raplPsys { throw ValidationError("--rapl-dram and --rapl-psys overlap; choose one") }
        try checkRange("--interval", interval, MeterConfiguration.intervalRange, unit: "s")
        if let cpuTDP { try checkRange("--cpu-tdp", cpuTDP, CPUPowerModel.tdpRange, unit: "W") }
    }

    func run() throws {
        var config = MeterConfiguration()
        config.interval = .seconds(interval)
        config.rapl = raplPsys ? .psys : (raplDRAM ? .packagesAndDRAM : .packages)
        config.enableRAPL = !noRAPL
        config.enableNVML = !noGPU
        config.cpuTDP = cpuTDP.map { Power(watts: $0) }
        config.location = try location.query()
        (config.pue, config.embodied, config.functionalUnit) = try impact.values()

        let outcome: CommandRunner.Outcome
        do {
            // Every output is checked before the command starts: a late failure would lose the measurement.
            try output.outputs.check()
            if let timeline, timeline == output.json || timeline == output.csv {
                throw GreenlightError.invalidInput("--timeline and the report are both \(TerminalText.escaped(timeline)); give two paths")
            }
            let measured = try RunGlue.measure(command, configuration: config, timelinePath: timeline, waitForTree: waitTree)
            outcome = measured.outcome
            if let timelineError = measured.timelineError {
                printError("greenlight: error: \(timelineError); the timeline was not written, the report still is")
            }
        } catch let e as SpawnError {
            printError(e.message)
            throw ExitCode(e.exitCode)
        } catch {
            throw error
        }
        do {
            try output.outputs.write(outcome.report)
        } catch {
            // The measurement is not lost: the report goes to stderr, and the command's exit code stands.
            printError("greenlight: error: \(error); the report follows on stderr")
            if let json = try? outcome.report.jsonData() { printError(String(decoding: json, as: UTF8.self)) }
            throw ExitCode(outcome.exit.shellExitCode)
        }
        if !output.quiet { printError(ReportSummary.render(outcome.report)) }
        throw ExitCode(outcome.exit.shellExitCode)
    }
}
