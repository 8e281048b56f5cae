import ArgumentParser
import GreenlightCore
import GreenlightPrivacy

extension Privacy {
    /// `privacy dp`: a differentially private answer, charged to a budget.
    struct DP: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dp",
            abstract: "Answer count, sum or mean with differential privacy, charging a persistent privacy budget.",
            discussion: """
                Prints the noisy answer on stdout. Sensitivities (one row added or removed): count 1; sum \
                max(|lower|, |upper|) with values clamped to [lower, upper]; mean = noisy sum / noisy count with \
                ε (and δ) split in half. Laplace: b = Δ/ε. Gaussian: σ = Δ·√(2 ln(1.25/δ))/ε, for ε < 1. Noise comes \
                from the system's secure generator. The ledger (a JSON file, locked while updated) records every \
                query per dataset (its name: --dataset, default the file's canonical path; the contents' SHA-256 is \
                recorded beside it), refuses one that would exceed the budget, and is refused itself when edited \
                (its entries are chained by SHA-256). An answer that cannot be printed is not charged.
                """
        )

        @OptionGroup var options: DPOptions

        func run() throws {
            let outcome = try options.resolve().run { try writeOut("\($0.value)\n") }
            say(PrivacySummary.differentialPrivacy(outcome.summary, notes: outcome.notes, contentsChanged: outcome.contentsChanged))
        }
    }
}

/// `--query`: what `privacy dp` answers.
enum DPQueryChoice: String, ExpressibleByArgument, CaseIterable {
    case count, sum, mean

    /// The library's query, over `column` for sum and mean.
    func query(column: String?) -> DPQuery {
        switch self {
        case .count: .count
        case .sum: .sum(column: column ?? "")
        case .mean: .mean(column: column ?? "")
        }
    }
}

/// `privacy dp`'s flags.
struct DPOptions: ParsableArguments {
    @Argument(help: "The CSV file; its first row is the header.")
    var input: String

    @Option(help: "The query.")
    var query: DPQueryChoice

    @Option(help: "The numeric column, for sum and mean.")
    var column: String?

    @Option(parsing: .unconditional, help: "Clamp values to at least this (required for sum and mean).")
    var lower: Double?

    @Option(parsing: .unconditional, help: "Clamp values to at most this (required for sum and mean).")
    var upper: Double?

    @Option(help: "ε spent by this query.")
    var epsilon: Double

    @Option(help: "δ spent by this query (Gaussian only).")
    var delta: Double?

    @Option(help: "The noise mechanism.")
    var mechanism: DPMechanism.Kind = .laplace

    @Option(help: "The dataset's total ε budget.")
    var budget: Double

    @Option(name: .customLong("delta-budget"), help: "The dataset's total δ budget (default 0: Laplace only).")
    var deltaBudget: Double = 0

    @Option(help: "The dataset's name in the ledger, which its budget belongs to (default: the data file's canonical path). The SHA-256 of the contents is recorded beside it.")
    var dataset: String?

    @Option(help: "The ledger file (default: $XDG_STATE_HOME/greenlight/dp-ledger.json, else ~/.local/state/greenlight/dp-ledger.json).")
    var ledger: String?

    @Option(help: "Write the JSON report here (atomically).")
    var json: String?

    @OptionGroup var encoding: EncodingOptions

    func validate() throws {
        if query == .count, column != nil { throw ValidationError("count counts rows; --column applies to sum and mean") }
        if query != .count, column == nil { throw ValidationError("\(query.rawValue) needs --column") }
        if mechanism == .laplace, delta != nil { throw ValidationError("--delta applies to --mechanism gaussian (Laplace is pure ε-DP)") }
        if mechanism == .gaussian, delta == nil { throw ValidationError("--mechanism gaussian needs --delta") }
    }
}
