import ArgumentParser
import Foundation
import GreenlightCore
import GreenlightPrivacy

extension Privacy {
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

        func run() throws {
            do {
                try checkPrivacyOutputs([output, json], reading: [input, hierarchy, keyFile])
                let table = try CSVTable(contentsOfFile: input, encoding: encoding.encoding)
                let qis = Self.list(qi)
                if measure {
                    try runMeasure(table, qis)
                } else {
                    try runAnonymize(table, qis)
                }
            } catch {
                throw error
            }
        }

        private func runMeasure(_ table: CSVTable, _ qis: [String]) throws {
            // Validates k, l, t as enforcing would.
            _ = try AnonymityRequirements(k: k ?? 1, l: l, entropyL: entropyL, t: t)
            if sensitive == nil, l != nil || entropyL != nil || t != nil {
                throw GreenlightError.invalidInput("l-diversity and t-closeness need a sensitive column: give --sensitive")
            }
            var summary = try KAnonymity.measure(table, quasiIdentifiers: qis, sensitive: sensitive)
            summary.kRequired = k
            summary.lRequired = l
            summary.tRequired = t
            let notes = try methodNotes(table)
            say(Self.describe(summary, entropyLRequired: entropyL))
            notes.forEach { say("  \($0.message)") }
            try writeReport(summary, anonymization: nil, notes: notes)
            let met = (k.map { summary.kReached >= $0 } ?? true)
                && (l.map { (summary.lReached ?? 0) >= $0 } ?? true)
                && (entropyL.map { (summary.entropyLReached ?? 0) >= $0 - 1e-9 } ?? true)
                && (t.map { (summary.tReached ?? 1) <= $0 + 1e-9 } ?? true)
            if !met {
                printError("greenlight: the table does not meet the requirements")
                throw ExitCode(1)
            }
        }

        private func runAnonymize(_ table: CSVTable, _ qis: [String]) throws {
            let requirements = try AnonymityRequirements(k: k ?? 1, l: l, entropyL: entropyL, t: t, suppressionLimit: suppress)
            var hierarchies: [String: GeneralizationHierarchy] = [:]
            if let hierarchy {
                let data: Data
                do { data = try Data(contentsOf: URL(fileURLWithPath: hierarchy)) } catch {
                    throw GreenlightError.notFound("cannot read the hierarchy file \(hierarchy): \(reason(error))")
                }
                let parsed: [(String, GeneralizationHierarchy?)]
                do {
                    parsed = try GeneralizationHierarchy.hierarchies(yaml: String(decoding: data, as: UTF8.self)).map { ($0.0, $0.1) }
                } catch let error as GreenlightError {
                    throw GreenlightError.invalidInput("\(hierarchy): \(error.message)")
                }
                for (column, h) in parsed {
                    let values = try table.columns[table.columnIndex(column)]
                    hierarchies[column] = h ?? .numeric(fitting: values.compactMap { Double($0) })
                }
            }
            let plan = try ReleasePlan(table: table, quasiIdentifiers: qis, sensitive: sensitive, drop: drop.map(Self.list) ?? [],
                                       pseudonymize: pseudonymize.map(Self.list) ?? [], keep: keep.map(Self.list) ?? [])
            let result = try KAnonymity.anonymize(
                table, quasiIdentifiers: qis, sensitive: sensitive, hierarchies: hierarchies, requirements: requirements)
            var transforms: [String: @Sendable (String) -> String] = [:]
            if let keyFile {
                let data: Data
                do { data = try Data(contentsOf: URL(fileURLWithPath: keyFile)) } catch {
                    throw GreenlightError.notFound("cannot read --key-file \(keyFile): \(reason(error))")
                }
                let pseudonymizer = try Pseudonymizer(keyText: String(decoding: data, as: UTF8.self), source: "--key-file \(keyFile)")
                for name in plan.pseudonymized {
                    let key = pseudonymizer.domainKey(name)
                    transforms[name] = { Pseudonymizer.pseudonym($0, key: key) }
                }
            }
            let csv = try result.csvData(dropping: plan.dropped, transforming: transforms)
            let treatments = plan.treatments
            let notes = try methodNotes(table)
            try AtomicFile.write(csv, to: output ?? "")
            say(Self.describe(result.summary, entropyLRequired: entropyL))
            notes.forEach { say("  \($0.message)") }
            if !plan.droppedByDefault.isEmpty {
                say("direct identifiers dropped by default: \(plan.droppedByDefault.joined(separator: ", ")) (release one with --keep or --pseudonymize)")
            }
            plan.warnings.forEach { say("warning: \($0)") }
            let planNotes = plan.warnings.map { Note(.warning, code: "kanon-column", $0) }
            try writeReport(result.summary, anonymization: AnonymizationSummary(rows: table.rowCount, columns: treatments), notes: notes + planNotes)
        }

        /// What the summary has no field for: how t was measured, the entropy l asked for.
        private func methodNotes(_ table: CSVTable) throws -> [Note] {
            var notes: [Note] = []
            if let sensitive {
                notes.append(Note(.info, code: "t-closeness-distance", "t: " + (try KAnonymity.tClosenessMethod(table, sensitive: sensitive))))
            }
            if let entropyL { notes.append(Note(.info, code: "entropy-l-required", "entropy l required: \(entropyL)")) }
            return notes
        }

        private func writeReport(_ summary: KAnonymitySummary, anonymization: AnonymizationSummary?, notes: [Note]) throws {
            guard let json else { return }
            let report = Report(kind: .privacy, privacy: PrivacySection(anonymization: anonymization, kAnonymity: summary), notes: notes)
            try AtomicFile.write(report.jsonData(), to: json)
        }

        static func list(_ text: String) -> [String] {
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        /// The figures a person reads, each with how it was measured.
        static func describe(_ s: KAnonymitySummary, entropyLRequired: Double?) -> String {
            func required<T>(_ value: T?) -> String { value.map { " (required \($0))" } ?? "" }
            let released = s.rows - s.suppressedRows
            let percent = s.rows == 0 ? 0 : 100 * Double(s.suppressedRows) / Double(s.rows)
            var lines = [
                "rows: \(s.rows) read, \(released) released, \(s.suppressedRows) suppressed (\(String(format: "%.2f", percent))%)",
                "equivalence classes: \(s.equivalenceClasses)",
                "k: \(s.kReached)\(required(s.kRequired))",
            ]
            if let lr = s.lReached { lines.append("l (distinct): \(lr)\(required(s.lRequired))") }
            if let el = s.entropyLReached { lines.append("l (entropy, exp of the class entropy): \(String(format: "%.4f", el))\(required(entropyLRequired))") }
            if let t = s.tReached { lines.append("t (earth mover's distance to the table): \(String(format: "%.4f", t))\(required(s.tRequired))") }
            let levels = s.quasiIdentifiers.map { "\($0) \(s.generalization[$0] ?? "none")" }.joined(separator: ", ")
            lines.append("generalisation: \(levels)")
            lines.append("information loss: \(String(format: "%.4f", s.informationLoss.value)) [\(s.informationLoss.method)]")
            return lines.joined(separator: "\n")
        }
    }

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

        @Argument(help: "The CSV file; its first row is the header.")
        var input: String

        @Option(help: "count, sum or mean.")
        var query: String

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

        @Option(help: "laplace (default) or gaussian.")
        var mechanism: String = "laplace"

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
            guard ["count", "sum", "mean"].contains(query) else { throw ValidationError("--query must be count, sum or mean") }
            guard let kind = DPMechanism.Kind(rawValue: mechanism) else { throw ValidationError("--mechanism must be laplace or gaussian") }
            if query == "count", column != nil { throw ValidationError("count counts rows; --column applies to sum and mean") }
            if query != "count", column == nil { throw ValidationError("\(query) needs --column") }
            if kind == .laplace, delta != nil { throw ValidationError("--delta applies to --mechanism gaussian (Laplace is pure ε-DP)") }
            if kind == .gaussian, delta == nil { throw ValidationError("--mechanism gaussian needs --delta") }
        }

        func run() throws {
            do {
                let dpQuery: DPQuery = switch query {
                case "sum": .sum(column: column ?? "")
                case "mean": .mean(column: column ?? "")
                default: .count
                }
                let bounds = try DPQuery.bounds(lower: lower, upper: upper)
                if case .count = dpQuery {} else if bounds == nil {
                    throw GreenlightError.invalidInput("\(dpQuery) needs clamping bounds: give --lower and --upper")
                }
                let mech: DPMechanism = mechanism == "gaussian"
                    ? try .gaussian(epsilon: epsilon, delta: delta ?? 0) : try .laplace(epsilon: epsilon)
                let ledgerPath = try ledger ?? Self.defaultLedger()
                // The ledger and the report are outputs: checked before any work, and neither may be the data.
                try checkPrivacyOutputs([ledgerPath, json], reading: [input], stdout: true)
                let bytes = try Self.readBytes(input)
                let table = try CSVTable(bytes: bytes, name: input, encoding: encoding.encoding)
                let contentHash = PrivacyBudgetLedger.datasetID(contentsOf: Data(bytes))
                let datasetName = try dataset ?? Self.canonicalPath(input)
                var rng = SystemRandomNumberGenerator()
                let g = { (x: Double) in String(format: "%g", x) }
                _ = try PrivacyBudgetLedger(path: ledgerPath).spend(
                    dataset: datasetName, contentSHA256: contentHash, epsilon: mech.epsilon, delta: mech.delta, query: dpQuery.description,
                    mechanism: mechanism, epsilonBudget: budget, deltaBudget: deltaBudget
                ) {
                    try dpQuery.release(on: table, bounds: bounds, mechanism: mech, using: &rng)
                } deliver: { outcome, account in
                    // The report first (to a temporary file), then the answer, then the report published:
                    // if printing fails the report is discarded and the ledger entry taken back.
                    var report: AtomicFileWriter?
                    if let json {
                        let summary = DifferentialPrivacySummary(
                            dataset: datasetName, contentSHA256: contentHash, releases: [outcome.release],
                            epsilonSpent: account.epsilonSpent, deltaSpent: account.deltaSpent,
                            epsilonBudget: account.epsilonBudget, deltaBudget: account.deltaBudget, ledger: ledgerPath)
                        let data = try Report(kind: .privacy, privacy: PrivacySection(differentialPrivacy: summary),
                                              notes: outcome.notes.map { Note(.info, code: "dp-mean-split", $0) }).jsonData()
                        let writer = try AtomicFileWriter(path: json, mode: 0o644)
                        try data.withUnsafeBytes { try writer.write($0) }
                        report = writer
                    }
                    do {
                        try writeOut("\(outcome.release.value)\n")
                    } catch {
                        report?.discard()
                        throw error
                    }
                    let r = outcome.release
                    say("\(r.query) [\(r.mechanism), ε = \(g(r.epsilon)), δ = \(g(r.delta)), sensitivity \(g(r.sensitivity)), noise scale \(g(r.noiseScale))]")
                    for note in outcome.notes { say("  \(note)") }
                    let previous = account.queries.dropLast().last?.contentSHA256
                    if let previous, previous != contentHash {
                        say("  the contents of \(datasetName) changed since its last query; the budget is the dataset's, shared by every version")
                    }
                    say("budget of \(datasetName): spent ε = \(g(account.epsilonSpent)) of \(g(account.epsilonBudget)), δ = \(g(account.deltaSpent)) of \(g(account.deltaBudget)) (ledger \(ledgerPath))")
                    if let report {
                        do {
                            try report.commit()
                        } catch {
                            // The answer is out: the charge must stay.
                            throw GreenlightError.io("the answer was printed and charged, but the report was not written: \(error)")
                        }
                    }
                }
            } catch {
                throw error
            }
        }

        /// The file's bytes, with errno's reason when it cannot be read.
        static func readBytes(_ path: String) throws -> [UInt8] {
            do {
                return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw GreenlightError.notFound("cannot read \(path): \(reason(error))")
            }
        }

        /// The path with symbolic links, `.` and `..` resolved: one name per file, however it is reached.
        static func canonicalPath(_ path: String) throws -> String {
            guard let resolved = realpath(path, nil) else {
                throw GreenlightError.notFound("cannot resolve \(path): \(String(cString: strerror(errno)))")
            }
            defer { free(resolved) }
            return String(cString: resolved)
        }

        static func defaultLedger() throws -> String {
            let env = ProcessInfo.processInfo.environment
            let state = env["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.local/state")
            let dir = state + "/greenlight"
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw GreenlightError.io("cannot create \(dir) for the privacy ledger; give --ledger FILE")
            }
            return dir + "/dp-ledger.json"
        }
    }
}
