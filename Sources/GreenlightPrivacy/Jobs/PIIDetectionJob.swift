public import GreenlightCore

/// One `privacy detect` as a value: find PII in the text of JSON Lines records and write each record back with
/// its `findings`.
public struct PIIDetectionJob: Sendable {
    /// JSON Lines records, one object per line with a text field.
    public var inputPath: String
    /// The records with findings, written atomically; `nil` is standard output.
    public var outputPath: String?
    /// The JSON report, when wanted.
    public var reportPath: String?
    /// What to look for and in which field.
    public var scanner: PIIRecordScanner
    /// How the input is decoded.
    public var encoding: TextEncoding

    /// A job.
    public init(inputPath: String, outputPath: String? = nil, reportPath: String? = nil, scanner: PIIRecordScanner = PIIRecordScanner(),
                encoding: TextEncoding = .utf8) {
        self.inputPath = inputPath
        self.outputPath = outputPath
        self.reportPath = reportPath
        self.scanner = scanner
        self.encoding = encoding
    }

    /// Checks the outputs, scans the records and writes them and the report.
    ///
    /// - Returns: Records read and findings per type.
    /// - Throws: ``GreenlightError`` for a refused output or a record that is not a JSON object with the text field.
    public func run() throws -> PIISummary {
        try OutputTarget.check(outputs: [outputPath, reportPath], reading: [inputPath], stdout: outputPath == nil)
        let result = try scanner.scan(inputPath: inputPath, outputPath: outputPath ?? "-", encoding: encoding)
        let summary = result.summary()
        try PrivacySection(pii: summary).write(to: reportPath)
        return summary
    }
}

extension PIIAnalyzer {
    /// An analyzer for the named entity types (`EMAIL_ADDRESS`, …); `nil` looks for every type.
    ///
    /// - Throws: ``GreenlightError`` for an unknown type, listing the known ones.
    public init(entityNames: [String]?) throws {
        guard let entityNames else {
            self.init()
            return
        }
        self.init(entities: Set(try entityNames.map { try PIIEntityType(name: $0) }))
    }
}

extension PrivacySection {
    /// Writes this section as a privacy report to `path`, atomically; nothing when `path` is `nil`.
    public func write(to path: String?, notes: [Note] = []) throws {
        guard let path else { return }
        try AtomicFile.write(try Report(kind: .privacy, privacy: self, notes: notes).jsonData(), to: path)
    }
}
