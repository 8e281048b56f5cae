import ArgumentParser
import Foundation
import GreenlightCore
import GreenlightPrivacy

/// Which entity types to look for.
struct EntityOptions: ParsableArguments {
    @Option(help: "Comma-separated entity types to detect (default: all), e.g. EMAIL_ADDRESS,PHONE_NUMBER.")
    var entities: String?

    @Option(name: .customLong("text-field"), help: "The record field holding the free text.")
    var textField: String = "text"

    func analyzer() throws -> PIIAnalyzer {
        guard let entities else { return PIIAnalyzer() }
        let types = try entities.split(separator: ",").map { try PIIEntityType(name: $0.trimmingCharacters(in: .whitespaces)) }
        return PIIAnalyzer(entities: Set(types))
    }
}

/// How text inputs are decoded, the same for every command that reads CSV or JSON Lines.
struct EncodingOptions: ParsableArguments {
    @Option(name: .customLong("encoding"), help: "The input's text encoding: utf-8 (default; invalid UTF-8 is an error naming line and column) or latin1 (ISO-8859-1, transcoded).")
    var name: String = "utf-8"

    var encoding: TextEncoding { (try? TextEncoding(name: name)) ?? .utf8 }

    func validate() throws {
        do {
            _ = try TextEncoding(name: name)
        } catch let error as GreenlightError {
            throw ValidationError(error.message)
        }
    }
}

/// Writes a privacy report when `--json` is given.
func writePrivacyReport(_ section: PrivacySection, notes: [Note] = [], to path: String?) throws {
    guard let path else { return }
    try AtomicFile.write(try Report(kind: .privacy, privacy: section, notes: notes).jsonData(), to: path)
}

extension Privacy {
    struct Detect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find PII in the text of JSON Lines records; write each record back with \"findings\".",
            discussion: """
                Findings are Presidio-shaped: {"entity_type","start","end","score"}, offsets in Unicode code points. \
                Without -o the records go to standard output.
                """
        )

        @Argument(help: "JSON Lines records, one object per line with a text field.")
        var file: String

        @Option(name: [.customShort("o"), .customLong("output")], help: "Write the records with findings here (atomically).")
        var output: String?

        @Option(help: "Write the JSON report here (atomically).")
        var json: String?

        @OptionGroup var entityOptions: EntityOptions
        @OptionGroup var encoding: EncodingOptions

        func run() throws {
            do {
                try checkPrivacyOutputs([output, json], reading: [file], stdout: output == nil)
                let scanner = PIIRecordScanner(analyzer: try entityOptions.analyzer(), textField: entityOptions.textField)
                let result = try scanner.scan(inputPath: file, outputPath: output ?? "-", encoding: encoding.encoding)
                try writePrivacyReport(PrivacySection(pii: result.summary()), to: json)
                let counts = result.findings.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                say("\(result.records) records, \(result.findings.values.reduce(0, +)) findings\(counts.isEmpty ? "" : ": " + counts)")
            } catch {
                throw error
            }
        }
    }

    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare findings with the records' \"entities\" labels: precision, recall and F1 per type.",
            discussion: """
                Exact span match: a finding counts only if a label has the same type, start and end. Types no \
                label mentions are not scored (the corpus did not annotate them) unless named with --score.
                """
        )

        @Argument(help: "JSON Lines records with \"text\" and \"entities\": [{\"entity\",\"start\",\"end\"}].")
        var file: String

        @Option(help: "Write the JSON report here (atomically).")
        var json: String?

        @Option(help: "Comma-separated types to score (default: the types the labels mention).")
        var score: String?

        @OptionGroup var entityOptions: EntityOptions
        @OptionGroup var encoding: EncodingOptions

        func run() throws {
            do {
                try checkPrivacyOutputs([json], reading: [file], stdout: true)
                let scanner = PIIRecordScanner(analyzer: try entityOptions.analyzer(), textField: entityOptions.textField)
                let result = try scanner.scan(inputPath: file, outputPath: nil, encoding: encoding.encoding)
                guard result.labelled else {
                    throw GreenlightError.invalidInput("\(file): no record has \"entities\" labels to evaluate against")
                }
                let types = score.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
                let summary = result.summary(scoring: types)
                var text = PIIEvaluation.table(summary.evaluation ?? [:]) + "\n"
                let unscored = result.findings.keys.filter { summary.evaluation?[$0] == nil }.sorted()
                var notes: [Note] = []
                if !unscored.isEmpty {
                    let list = unscored.map { "\($0) (\(result.findings[$0] ?? 0) findings)" }.joined(separator: ", ")
                    let message = "not annotated in \(file), so not scored: \(list)"
                    text += message + "\n"
                    notes.append(Note(.info, code: "pii-unscored-types", message))
                }
                text += "\(result.records) records; exact span match; \(PIIAnalyzer.version)\n"
                // The report is written first; printing is the last step, so a failed print leaves the report
                // and says so with a non-zero exit.
                try writePrivacyReport(PrivacySection(pii: summary), notes: notes, to: json)
                try writeOut(text)
            } catch {
                throw error
            }
        }
    }
}

extension Privacy {
    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Classify the columns of a CSV file: direct identifier, quasi-identifier, sensitive or other.",
            discussion: """
                From the header words and a sample of the first rows' values (what the PII recognizers find in them). \
                The rules are listed in the ColumnClassifier documentation and docs/PRIVACY.md.
                """
        )

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

        func run() throws {
            do {
                try checkPrivacyOutputs([json], reading: [file], stdout: true)
                let scan = try ColumnClassifier(sampleRows: sample).scan(csvPath: file, encoding: encoding.encoding)
                // Names escaped before padding, so the columns line up as printed.
                let names = scan.columns.map { TerminalText.escaped($0.column) }
                let width = max(6, names.map(\.count).max() ?? 0) + 2
                var text = "column".padding(toLength: width, withPad: " ", startingAt: 0) + "class".padding(toLength: 19, withPad: " ", startingAt: 0) + "reason\n"
                for (c, name) in zip(scan.columns, names) {
                    text += name.padding(toLength: width, withPad: " ", startingAt: 0)
                        + c.classification.rawValue.padding(toLength: 19, withPad: " ", startingAt: 0) + TerminalText.escaped(c.reason) + "\n"
                }
                text += "\(scan.rows) rows sampled; \(PIIAnalyzer.version)\n"
                let section = PrivacySection(
                    pii: PIISummary(records: scan.rows, findings: scan.findings, method: PIIAnalyzer.method),
                    anonymization: AnonymizationSummary(rows: scan.rows, columns: scan.columns.map {
                        ColumnTreatment(column: $0.column, classification: $0.classification.rawValue, operation: "keep", reason: $0.reason)
                    })
                )
                let note = Note(.info, code: "pii-scan-only", "privacy scan classifies columns and changes nothing: every column's operation is keep")
                try writePrivacyReport(section, notes: [note], to: json)
                try writeOut(text)
            } catch {
                throw error
            }
        }
    }

    struct Anonymize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply operators per column and per entity found in free text to a CSV or JSON Lines file.",
            discussion: """
                Operators: replace, redact, mask, pseudonymize (HMAC-SHA256, per-domain keys by HKDF), encrypt \
                (Fernet), keep, and entities (free text). Streams in constant memory; the output appears only if \
                the whole file succeeded. The config schema is in docs/PRIVACY.md.
                """
        )

        @Argument(help: "The dataset: .csv (with a header row) or .jsonl.")
        var file: String

        @Option(help: "The YAML config: key_file, columns, entities.")
        var config: String

        @Option(name: [.customShort("o"), .customLong("output")], help: "Write the anonymized dataset here (atomically).")
        var output: String

        @Option(help: "Write the JSON report here (atomically).")
        var json: String?

        @OptionGroup var encoding: EncodingOptions

        func run() throws {
            do {
                let loaded = try AnonymizerConfig.load(path: config)
                try checkPrivacyOutputs([output, json], reading: [file, config, loaded.keyFile])
                var anonymizer = try Anonymizer(config: loaded)
                let summary = try anonymizer.anonymizeFile(inputPath: file, outputPath: output, encoding: encoding.encoding)
                let entities = summary.entitiesTransformed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                say("\(summary.rows) rows anonymized into \(output)\(entities.isEmpty ? "" : "; entities: " + entities)")
                let pii = PIISummary(records: summary.rows, findings: summary.entitiesTransformed, method: PIIAnalyzer.method)
                // Direct identifiers the config leaves as they are: said, not silently released.
                let kept = summary.columns.filter { $0.classification == ColumnClass.directIdentifier.rawValue && $0.operation == "keep" }.map(\.column)
                var notes: [Note] = []
                if !kept.isEmpty {
                    let message = "columns classified as direct identifiers have no operator in \(config) and are kept as they are: \(kept.joined(separator: ", "))"
                    say("warning: " + message)
                    notes.append(Note(.warning, code: "anonymize-direct-identifier-kept", message))
                }
                try writePrivacyReport(PrivacySection(pii: pii, anonymization: summary), notes: notes, to: json)
            } catch {
                throw error
            }
        }
    }
}
