import Foundation
public import GreenlightCore

extension Anonymizer {
    /// The layout of a dataset file.
    public enum Format: String, Sendable {
        /// Comma-separated values with a header row.
        case csv
        /// JSON Lines: one JSON object per line.
        case jsonl

        /// The format a file name implies (`.csv`; `.jsonl`, `.ndjson`, `.json`).
        public static func infer(fromPath path: String) throws -> Format {
            switch URL(fileURLWithPath: path).pathExtension.lowercased() {
            case "csv": return .csv
            case "jsonl", "ndjson", "json": return .jsonl
            default: throw GreenlightError.invalidInput("\(path): cannot tell the format from the extension; use .csv or .jsonl")
            }
        }
    }

    /// Anonymizes a CSV or JSON Lines file, streaming: rows are read, transformed and written one batch at a
    /// time, so memory does not grow with the file.
    ///
    /// The output is written atomically: a temporary file renamed into place at the end, removed on any error,
    /// so a failed run leaves no output file.
    ///
    /// - Parameters:
    ///   - inputPath: The dataset.
    ///   - outputPath: Where to write the anonymized dataset (same format).
    ///   - format: The format; inferred from `inputPath` by default.
    ///   - encoding: How the input's bytes are decoded; invalid UTF-8 is an error naming its line and column.
    /// - Returns: Rows, each column's class and operator, and entities transformed in free text.
    /// - Throws: ``GreenlightError`` naming the column, line or key at fault: a config column missing from the
    ///   header (with the header listed), a malformed row (with its line), a field that cannot take its operator.
    public mutating func anonymizeFile(inputPath: String, outputPath: String, format: Format? = nil,
                                       encoding: TextEncoding = .utf8) throws -> AnonymizationSummary {
        switch try format ?? Format.infer(fromPath: inputPath) {
        case .csv: return try anonymizeCSV(inputPath: inputPath, outputPath: outputPath, encoding: encoding)
        case .jsonl: return try anonymizeJSONL(inputPath: inputPath, outputPath: outputPath, encoding: encoding)
        }
    }

    static let classificationSample = 200

    mutating func anonymizeCSV(inputPath: String, outputPath: String, encoding: TextEncoding) throws -> AnonymizationSummary {
        var table = try CSVTableReader(path: inputPath, encoding: encoding)
        defer { table.close() }
        let header = table.header
        for (name, _) in config.columns where !header.contains(name) {
            throw GreenlightError.invalidInput("\(config.source): columns.\(name): no such column in \(inputPath); its header is: \(header.joined(separator: ", "))")
        }
        let operators = header.map { name in config.columns.first { $0.name == name }?.operator ?? .keep }
        var samples = Array(repeating: [String](), count: header.count)
        var rows = 0
        try ByteWriter.withOutput(outputPath) { w in
            try w.write(CSVTableReader.encode([header]))
            var batch: [[String]] = []
            batch.reserveCapacity(512)
            while var row = try table.next() {
                if rows < Anonymizer.classificationSample {
                    for (k, v) in row.enumerated() { samples[k].append(v) }
                }
                for (k, op) in operators.enumerated() where op != .keep {
                    row[k] = try apply(op, to: row[k], label: header[k]) ?? ""
                }
                rows += 1
                batch.append(row)
                if batch.count == 512 {
                    try w.write(CSVTableReader.encode(batch))
                    batch.removeAll(keepingCapacity: true)
                }
            }
            try w.write(CSVTableReader.encode(batch))
        }
        let classifier = ColumnClassifier()
        let columns = header.enumerated().map { k, name in
            ColumnTreatment(column: name, classification: classifier.classify(header: name, values: samples[k]).classification.rawValue,
                            operation: operators[k].name)
        }
        return AnonymizationSummary(rows: rows, columns: columns, entitiesTransformed: entitiesTransformed)
    }

    mutating func anonymizeJSONL(inputPath: String, outputPath: String, encoding: TextEncoding) throws -> AnonymizationSummary {
        var reader = try LineReader(path: inputPath, encoding: encoding)
        defer { reader.close() }
        // Fields without an operator in the config are kept, except the text field, which gets `entities`.
        var operators: [String: AnonymizerOperator] = [:]
        for (name, op) in config.columns { operators[name] = op }
        if operators[config.textField] == nil { operators[config.textField] = .entities }
        var seen: Set<String> = []
        var fields: Set<String> = []
        var samples: [String: [String]] = [:]
        var rows = 0
        // Compared byte for byte with each member's raw key: no allocation per member.
        let rawKeys = operators.keys.map { (Array($0.utf8), $0) }
        try ByteWriter.withOutput(outputPath) { w in
            while let line = try reader.next() {
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                // JSONSerialization validates the line and decodes the values; the output is spliced.
                let parsed: Any
                do {
                    parsed = try JSONSerialization.jsonObject(with: Data(line))
                } catch {
                    throw GreenlightError.invalidInput("\(inputPath):\(reader.lineNumber): not a JSON object: \(JSONObjectLine.reason(error))")
                }
                guard let record = parsed as? [String: Any], let object = JSONObjectLine(line) else {
                    throw GreenlightError.invalidInput("\(inputPath):\(reader.lineNumber): not a JSON object (each line must be one {...})")
                }
                if fields.count < 1000 { fields.formUnion(record.keys) }
                try w.write(CollectionOfOne(UInt8(ascii: "{")))
                var first = true
                for member in object.members {
                    var replacement: [UInt8]?
                    var drop = false
                    if let field = rawKeys.first(where: { $0.0.elementsEqual(member.rawKey) })?.1, let op = operators[field], let value = record[field], !(value is NSNull) {
                        seen.insert(field)
                        if rows < Anonymizer.classificationSample, let s = value as? String { samples[field, default: []].append(s) }
                        switch op {
                        case .keep: break
                        case .redact: drop = true
                        default:
                            let text: String
                            if let s = value as? String {
                                text = s
                            } else if let n = value as? NSNumber {
                                text = String(cString: n.objCType) == "c" ? (n.boolValue ? "true" : "false") : n.stringValue
                            } else {
                                throw GreenlightError.invalidInput("\(inputPath):\(reader.lineNumber): field \"\(field)\" is an array or object; \(op.name) needs a string (use redact or keep)")
                            }
                            if let new = try apply(op, to: text, label: field) {
                                // Unchanged strings (free text without PII) keep their bytes.
                                if new != text || !(value is String) {
                                    replacement = JSONObjectLine.quoted(field) + [UInt8(ascii: ":")] + JSONObjectLine.quoted(new)
                                }
                            } else {
                                drop = true
                            }
                        }
                    }
                    if drop { continue }
                    if !first { try w.write(CollectionOfOne(UInt8(ascii: ","))) }
                    first = false
                    if let replacement { try w.write(replacement) } else { try w.write(line[member.member]) }
                }
                try w.write("}\n")
                rows += 1
            }
            for (name, _) in config.columns where !seen.contains(name) {
                throw GreenlightError.invalidInput("\(config.source): columns.\(name): no record in \(inputPath) has this field; fields seen: \(fields.sorted().joined(separator: ", "))")
            }
        }
        let classifier = ColumnClassifier()
        let columns = operators.keys.sorted().filter(seen.contains).map { name in
            ColumnTreatment(column: name, classification: classifier.classify(header: name, values: samples[name] ?? []).classification.rawValue,
                            operation: operators[name]!.name)
        }
        return AnonymizationSummary(rows: rows, columns: columns, entitiesTransformed: entitiesTransformed)
    }
}
