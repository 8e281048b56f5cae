import ArgumentParser
import GreenlightCore

struct Estimate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Estimate the energy and carbon of a planned run without running it.",
        discussion: """
            From time: greenlight estimate --gpu H100 --count 8 --hours 100 [--utilization 0.8] [--country DEU] [--pue 1.2]
            From compute: greenlight estimate --gpu H100 --count 8 --flops 6e21 [--mfu 0.4] [--precision bf16]
            Training rule (FLOPs = 6·N·D): greenlight estimate --gpu A100 --count 64 --params 7e9 --tokens 2e12
            Devices come from the bundled catalogue (vendor datasheets); the report is marked as an estimate.
            """
    )

    @OptionGroup var options: EstimateOptions

    func run() throws {
        let request = try options.resolve()
        let report = try options.output.resolve().produce { try Estimator.estimate(request) }
        if !options.output.quiet { printError(ReportSummary.render(report, naming: FlagNames.flag)) }
    }
}

/// `estimate`'s flags.
struct EstimateOptions: ParsableArguments {
    @Option(name: [.customLong("gpu"), .customLong("device")], help: "Device model from the catalogue, e.g. H100, A100, L4, MI300X, EPYC 9654.")
    var device: String

    @Option(help: "Number of devices (default 1).")
    var count: Int = 1

    @Option(help: "Planned wall-clock hours.")
    var hours: Double?

    @Option(help: "Total floating-point operations of the job.")
    var flops: Double?

    @Option(help: "Model parameters N, for FLOPs = 6·N·D.")
    var params: Double?

    @Option(help: "Training tokens D, for FLOPs = 6·N·D.")
    var tokens: Double?

    @Option(help: "Mean device utilisation 0–1 (default 1.0, stated).")
    var utilization: Double?

    @Option(help: "Model FLOPs utilisation for compute-based estimates (default 0.4, stated).")
    var mfu: Double?

    @Option(help: "Precision of the FLOP rate (default bf16).")
    var precision: Precision?

    @OptionGroup var location: LocationOptions
    @OptionGroup var impact: ImpactOptions
    @OptionGroup var context: ContextOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        let ways = [hours != nil, flops != nil, params != nil || tokens != nil].filter { $0 }.count
        guard ways == 1 else { throw ValidationError("give exactly one of --hours, --flops, or --params with --tokens") }
        if (params == nil) != (tokens == nil) { throw ValidationError("--params and --tokens go together") }
        try checkRange("--count", count, 1...1_000_000_000)
        // Frontier-scale plans run to years of single-device time: the ranges only keep out typos and NaN.
        if let hours { try checkRange("--hours", hours, 1e-9...Estimator.maximumHours, unit: "h") }
        if let flops { try checkRange("--flops", flops, 1...1e40, unit: "FLOP") }
        if let params { try checkRange("--params", params, 1...1e18, unit: "") }
        if let tokens { try checkRange("--tokens", tokens, 1...1e20, unit: "") }
        if let utilization { try checkRange("--utilization", utilization, 0...1, unit: "") }
        if let mfu { try checkRange("--mfu", mfu, 1e-6...1, unit: "") }
    }
}
