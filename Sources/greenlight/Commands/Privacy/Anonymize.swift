import ArgumentParser
import GreenlightCore
import GreenlightPrivacy

extension Privacy {
    /// `privacy anonymize`: operators per column and per entity.
    struct Anonymize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply operators per column and per entity found in free text to a CSV or JSON Lines file.",
            discussion: """
                Operators: replace, redact, mask, pseudonymize (HMAC-SHA256, per-domain keys by HKDF), encrypt \
                (Fernet), keep, and entities (free text). Streams in constant memory; the output appears only if \
                the whole file succeeded. The config schema is in docs/PRIVACY.md.
                """
        )

        @OptionGroup var options: AnonymizeOptions

        func run() throws {
            let outcome = try options.resolve().run()
            say(PrivacySummary.anonymization(outcome.summary, output: options.output))
            outcome.warnings.forEach { say("warning: " + $0.message) }
        }
    }
}

/// `privacy anonymize`'s flags.
struct AnonymizeOptions: ParsableArguments {
    @Argument(help: "The dataset: .csv (with a header row) or .jsonl.")
    var file: String

    @Option(help: "The YAML config: key_file, columns, entities.")
    var config: String

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the anonymized dataset here (atomically).")
    var output: String

    @Option(help: "Write the JSON report here (atomically).")
    var json: String?

    @OptionGroup var encoding: EncodingOptions
}
