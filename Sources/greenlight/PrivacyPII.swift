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

        func run() throws {
            do {
                let scanner = PIIRecordScanner(analyzer: try entityOptions.analyzer(), textField: entityOptions.textField)
                let result = try scanner.scan(inputPath: file, outputPath: output ?? "-")
                try writePrivacyReport(PrivacySection(pii: result.summary()), to: json)
                let counts = result.findings.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                printError("\(result.records) records, \(result.findings.values.reduce(0, +)) findings\(counts.isEmpty ? "" : ": " + counts)")
            } catch {
                throw fail(error)
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

        func run() throws {
            do {
                let scanner = PIIRecordScanner(analyzer: try entityOptions.analyzer(), textField: entityOptions.textField)
                let result = try scanner.scan(inputPath: file, outputPath: nil)
                guard result.labelled else {
                    throw GreenlightError.invalidInput("\(file): no record has \"entities\" labels to evaluate against")
                }
                let types = score.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
                let summary = result.summary(scoring: types)
                print(PIIEvaluation.table(summary.evaluation ?? [:]))
                let unscored = result.findings.keys.filter { summary.evaluation?[$0] == nil }.sorted()
                var notes: [Note] = []
                if !unscored.isEmpty {
                    let list = unscored.map { "\($0) (\(result.findings[$0]!) findings)" }.joined(separator: ", ")
                    let message = "not annotated in \(file), so not scored: \(list)"
                    print(message)
                    notes.append(Note(.info, code: "pii-unscored-types", message))
                }
                print("\(result.records) records; exact span match; \(PIIAnalyzer.version)")
                try writePrivacyReport(PrivacySection(pii: summary), notes: notes, to: json)
            } catch {
                throw fail(error)
            }
        }
    }
}
