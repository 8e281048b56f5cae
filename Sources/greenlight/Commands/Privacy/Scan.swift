import ArgumentParser
import GreenlightCore
import GreenlightPrivacy

extension Privacy {
    /// `privacy scan`: the columns of a CSV file classified.
    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Classify the columns of a CSV file: direct identifier, quasi-identifier, sensitive or other.",
            discussion: """
                From the header words and a sample of the first rows' values (what the PII recognizers find in them). \
                The rules are listed in the ColumnClassifier documentation and docs/PRIVACY.md.
                """
        )

        @OptionGroup var options: ScanOptions

        func run() throws {
            try writeOut(PrivacySummary.columnScan(try options.resolve().run()))
        }
    }
}

/// `privacy scan`'s flags.
struct ScanOptions: ParsableArguments {
    @Argument(help: "A CSV file with a header row.")
    var file: String

    @Option(help: "Rows sampled from the start of the file.")
    var sample: Int = 1000

    @Option(help: "Write the JSON report here (atomically).")
    var json: String?

    @OptionGroup var encoding: EncodingOptions

    func validate() throws {
        guard sample > 0 else { throw ValidationError("--sample must be > 0") }
    }
}
