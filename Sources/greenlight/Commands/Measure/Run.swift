import ArgumentParser
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

    @OptionGroup var options: RunOptions

    func run() throws {
        let outcome = try options.resolve().run()
        for line in outcome.problems { printError(line) }
        if !options.output.quiet { printError(ReportSummary.render(outcome.report, naming: FlagNames.flag)) }
        throw ExitCode(outcome.exitStatus)
    }
}

/// `run`'s flags.
struct RunOptions: ParsableArguments {
    @Option(help: "Seconds between samples (default 0.1, at least 0.01).")
    var interval: Double = 0.1

    @Option(help: "Which RAPL domains count: packages, packages-dram (adds DRAM) or psys (the platform domain).")
    var rapl: RAPLChoice?

    @Flag(name: .customLong("rapl-dram"), help: "Add the RAPL DRAM domains to the package domains (--rapl packages-dram).")
    var raplDRAM = false

    @Flag(name: .customLong("rapl-psys"), help: "Use the RAPL platform (psys) domain instead of packages (--rapl psys).")
    var raplPsys = false

    @Flag(name: .customLong("no-rapl"), help: "Do not read RAPL counters.")
    var noRAPL = false

    @Flag(name: .customLong("no-gpu"), help: "Do not load NVML.")
    var noGPU = false

    @Option(name: .customLong("cpu-tdp"), help: "CPU TDP in watts, overriding the bundled table (estimation only).")
    var cpuTDP: Double?

    @OptionGroup var location: LocationOptions
    @OptionGroup var impact: ImpactOptions
    @OptionGroup var context: ContextOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "The run's floating-point operations, as the training framework counts them (stated in the report's context).")
    var flops: Double?

    @Option(help: "Write one JSON line per sample here.")
    var timeline: String?

    @Flag(name: .customLong("wait-tree"), help: "After the command exits, measure its tree until its last process exits (daemons it left behind).")
    var waitTree = false

    @Argument(parsing: .postTerminator, help: "The command to run, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the command to measure after --, e.g. greenlight run -- python train.py") }
        try RAPLChoice.check(rapl, dram: raplDRAM, psys: raplPsys)
        try checkRange("--interval", interval, MeterConfiguration.intervalRange, unit: "s")
        if let cpuTDP { try checkRange("--cpu-tdp", cpuTDP, CPUPowerModel.tdpRange, unit: "W") }
        if let flops { try checkRange("--flops", flops, 1...1e40, unit: "FLOP") }
    }
}
