import ArgumentParser
import GreenlightCore
import GreenlightPrivacy

extension Privacy {
    /// `privacy kanon`: k-anonymity, l-diversity and t-closeness.
    struct KAnon: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kanon",
            abstract: "Measure or enforce k-anonymity, l-diversity and t-closeness of a CSV table.",
            discussion: """
                Enforcing searches every combination of one generalisation level per quasi-identifier, suppresses \
                the rows of classes that fail, and keeps the combination with the least information loss \
                (normalised certainty penalty, suppressed rows counting 1) whose suppressed rows fit --suppress. \
                Hierarchies: dates to month, year, decade, *; zip codes to shorter prefixes; numbers to ranges; \
                categories by a YAML tree (--hierarchy). t is the earth mover's distance to the whole table's \
                sensitive distribution (equal distance for categories, ordered for numbers). With --measure the \
                table is only measured; given --k/--l/--t, the exit status is 1 when they are not met.
                """
        )

        @OptionGroup var options: KAnonOptions

        func run() throws {
            let outcome = try options.resolve().run()
            say(PrivacySummary.kAnonymity(outcome.summary, entropyLRequired: options.entropyL, notes: outcome.notes,
                                          droppedByDefault: outcome.droppedByDefault, naming: FlagNames.flag))
            try outcome.requireMet()
        }
    }
}

/// `privacy kanon`'s flags.
struct KAnonOptions: ParsableArguments {
    @Argument(help: "The CSV file; its first row is the header.")
    var input: String

    @Option(help: "Quasi-identifier columns, comma-separated.")
    var qi: String

    @Option(help: "The sensitive column, for l-diversity and t-closeness.")
    var sensitive: String?

    @Option(name: .customLong("k"), help: "Every equivalence class has at least k rows.")
    var k: Int?

    @Option(name: .customLong("l"), help: "Distinct l-diversity: at least l sensitive values per class.")
    var l: Int?

    @Option(name: .customLong("entropy-l"), help: "Entropy l-diversity: sensitive entropy at least ln(l) per class.")
    var entropyL: Double?

    @Option(name: .customLong("t"), help: "t-closeness: earth mover's distance at most t per class.")
    var t: Double?

    @Option(help: "The largest fraction of rows that may be suppressed.")
    var suppress: Double = 0

    @Option(help: "YAML hierarchies by column (date, zip, numeric, {numeric: [widths]}, {categories: tree}).")
    var hierarchy: String?

    @Option(help: "Columns to leave out of the output, comma-separated. Columns `privacy scan` classifies as direct identifiers are left out by default.")
    var drop: String?

    @Option(help: "Columns to release as they are, comma-separated, even direct identifiers (which are otherwise dropped).")
    var keep: String?

    @Option(help: "Direct identifiers to replace by keyed pseudonyms (HMAC-SHA256 under the HKDF key of the column name as domain), comma-separated; needs --key-file.")
    var pseudonymize: String?

    @Option(name: .customLong("key-file"), help: "The pseudonym key (from `greenlight privacy keygen --fernet`); the same key gives the same pseudonyms as `anonymize`, so joins still work.")
    var keyFile: String?

    @Flag(help: "Only measure k, l and t of the table as it is.")
    var measure = false

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the anonymised CSV here (atomically).")
    var output: String?

    @Option(help: "Write the JSON report here (atomically).")
    var json: String?

    @OptionGroup var encoding: EncodingOptions

    func validate() throws {
        if measure {
            if output != nil || drop != nil || keep != nil || pseudonymize != nil || hierarchy != nil {
                throw ValidationError("--measure writes no table: drop -o, --drop, --keep, --pseudonymize, --hierarchy")
            }
        } else {
            guard k != nil else { throw ValidationError("give --k (or --measure to only measure)") }
            guard output != nil else { throw ValidationError("give -o/--output for the anonymised table") }
            if (pseudonymize == nil) != (keyFile == nil) { throw ValidationError("--pseudonymize and --key-file go together") }
        }
    }
}
