import Foundation
public import GreenlightCore

/// Runs an analyzer over a JSON Lines file of records (`{"id", "text", "entities": [...]}`), streaming.
///
/// Each output line is the input record's own bytes with `"findings": [...]` added before its closing
/// brace, so fields and their order are kept exactly. Records with `entities` labels are evaluated.
public struct PIIRecordScanner: Sendable {
    /// The analyzer applied to each record's text.
    public var analyzer: PIIAnalyzer
    /// The record field holding the free text.
    public var textField: String

    /// Creates a scanner.
    public init(analyzer: PIIAnalyzer = PIIAnalyzer(), textField: String = "text") {
        self.analyzer = analyzer
        self.textField = textField
    }

    /// What a pass over the records found.
    public struct Result: Sendable {
        /// Records read.
        public var records: Int
        /// Findings per entity type.
        public var findings: [String: Int]
        /// Findings compared with the records' labels.
        public var evaluation: PIIEvaluation
        /// Whether any record carried an `entities` array.
        public var labelled: Bool

        /// The report's PII summary; evaluation scores for the labelled types (or `types`) when labelled.
        public func summary(scoring types: Set<String>? = nil) -> PIISummary {
            PIISummary(records: records, findings: findings,
                       evaluation: labelled ? evaluation.scores(for: types) : nil, method: PIIAnalyzer.method)
        }
    }

    /// Reads records from `inputPath`, finds PII, and optionally writes each record with its findings.
    ///
    /// - Parameters:
    ///   - inputPath: A JSON Lines file; blank lines are skipped.
    ///   - outputPath: Where to write records with findings (atomically); `nil` writes nothing, `"-"` writes to
    ///     standard output.
    ///   - encoding: How the input's bytes are decoded; invalid UTF-8 is an error naming its line and column.
    /// - Returns: Counts and the evaluation.
    /// - Throws: ``GreenlightError`` naming the line of a record that is not a JSON object with a string text
    ///   field, or that already has `findings`; on error no output file is left.
    public func scan(inputPath: String, outputPath: String?, encoding: TextEncoding = .utf8) throws -> Result {
        var reader = try LineReader(path: inputPath, encoding: encoding)
        defer { reader.close() }
        var result = Result(records: 0, findings: [:], evaluation: PIIEvaluation(), labelled: false)
        func body(_ out: inout ByteWriter?) throws {
            while let line = try reader.next() {
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                let record = try parse(line, lineNumber: reader.lineNumber, path: inputPath)
                let findings = analyzer.analyze(record.text)
                result.records += 1
                for f in findings { result.findings[f.entityType.rawValue, default: 0] += 1 }
                if let labels = record.labels {
                    result.labelled = true
                    result.evaluation.add(findings: findings, labels: labels)
                }
                if out != nil {
                    var end = line.endIndex
                    while end > line.startIndex, line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
                    try out!.write(line[line.startIndex..<(end - 1)])
                    try out!.write(",\"findings\":")
                    try out!.write(PIIRecordScanner.json(findings))
                    try out!.write("}\n")
                }
            }
        }
        guard let outputPath else {
            var none: ByteWriter? = nil
            try body(&none)
            return result
        }
        try ByteWriter.withOutput(outputPath == "-" ? nil : outputPath) { w in
            var out: ByteWriter? = w
            try body(&out)
            w = out!
        }
        return result
    }

    struct Record {
        var text: String
        var labels: [PIILabel]?
    }

    func parse(_ line: ArraySlice<UInt8>, lineNumber: Int, path: String) throws -> Record {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(line))
        } catch {
            throw GreenlightError.invalidInput("\(path):\(lineNumber): not a JSON object: \(JSONObjectLine.reason(error))")
        }
        guard let dict = object as? [String: Any], line.last(where: { $0 != 0x20 && $0 != 0x09 }) == UInt8(ascii: "}") else {
            throw GreenlightError.invalidInput("\(path):\(lineNumber): each line must be one JSON object")
        }
        guard let text = dict[textField] as? String else {
            throw GreenlightError.invalidInput("\(path):\(lineNumber): no string field \"\(textField)\" (fields: \(dict.keys.sorted().joined(separator: ", ")))")
        }
        guard dict["findings"] == nil else {
            throw GreenlightError.invalidInput("\(path):\(lineNumber): the record already has \"findings\"; detect its text from the original records")
        }
        var labels: [PIILabel]?
        if let raw = dict["entities"] {
            guard let array = raw as? [[String: Any]] else {
                throw GreenlightError.invalidInput("\(path):\(lineNumber): \"entities\" must be an array of {\"entity\",\"start\",\"end\"}")
            }
            labels = try array.map { item in
                guard let entity = item["entity"] as? String ?? item["entity_type"] as? String,
                      let start = (item["start"] as? NSNumber)?.intValue, let end = (item["end"] as? NSNumber)?.intValue else {
                    throw GreenlightError.invalidInput("\(path):\(lineNumber): each entity needs \"entity\", \"start\" and \"end\"")
                }
                return PIILabel(entity: entity, start: start, end: end)
            }
        }
        return Record(text: text, labels: labels)
    }

    /// Findings as a JSON array in Presidio's key order.
    static func json(_ findings: [PIIFinding]) -> String {
        var s = "["
        for (k, f) in findings.enumerated() {
            if k > 0 { s += "," }
            s += "{\"entity_type\":\"\(f.entityType.rawValue)\",\"start\":\(f.start),\"end\":\(f.end),\"score\":\(f.score)}"
        }
        return s + "]"
    }
}
