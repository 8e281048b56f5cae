import ArgumentParser
import GreenlightCore
import GreenlightPrivacy

extension Privacy {
    /// `privacy detect`: PII in JSON Lines records.
    struct Detect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find PII in the text of JSON Lines records; write each record back with \"findings\".",
            discussion: """
                Findings are Presidio-shaped: {"entity_type","start","end","score"}, offsets in Unicode code points. \
                Without -o the records go to standard output.
                """
        )

        @OptionGroup var options: DetectOptions

        func run() throws {
            say(PrivacySummary.detection(try options.resolve().run()))
        }
    }
}

/// `privacy detect`'s flags.
struct DetectOptions: ParsableArguments {
    @Argument(help: "JSON Lines records, one object per line with a text field.")
    var file: String

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the records with findings here (atomically).")
    var output: String?

    @Option(help: "Write the JSON report here (atomically).")
    var json: String?

    @OptionGroup var entityOptions: EntityOptions
    @OptionGroup var encoding: EncodingOptions
}
