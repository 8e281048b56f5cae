import ArgumentParser
import GreenlightCore
import GreenlightPrivacy

extension Privacy {
    /// `privacy evaluate`: findings scored against labels.
    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare findings with the records' \"entities\" labels: precision, recall and F1 per type.",
            discussion: """
                Exact span match: a finding counts only if a label has the same type, start and end. Types no \
                label mentions are not scored (the corpus did not annotate them) unless named with --score.
                """
        )

        @OptionGroup var options: EvaluateOptions

        func run() throws {
            // The report is written first; printing is the last step, so a failed print leaves the report and
            // says so with a non-zero exit.
            let outcome = try options.resolve().run()
            try writeOut(PrivacySummary.evaluation(outcome.summary, notes: outcome.notes))
        }
    }
}

/// `privacy evaluate`'s flags.
struct EvaluateOptions: ParsableArguments {
    @Argument(help: "JSON Lines records with \"text\" and \"entities\": [{\"entity\",\"start\",\"end\"}].")
    var file: String

    @Option(help: "Write the JSON report here (atomically).")
    var json: String?

    @Option(help: "Comma-separated types to score (default: the types the labels mention).")
    var score: String?

    @OptionGroup var entityOptions: EntityOptions
    @OptionGroup var encoding: EncodingOptions
}
