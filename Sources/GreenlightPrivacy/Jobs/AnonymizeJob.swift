public import GreenlightCore

/// One `privacy anonymize` as a value: apply a YAML config's operators per column, and per entity found in free
/// text, to a CSV or JSON Lines file, streaming; the output appears only if the whole file succeeded.
public struct AnonymizeJob: Sendable {
    /// The dataset: `.csv` (with a header row) or `.jsonl`.
    public var inputPath: String
    /// The YAML config (key_file, columns, entities).
    public var configPath: String
    /// The anonymized dataset, written atomically.
    public var outputPath: String
    /// The JSON report, when wanted.
    public var reportPath: String?
    /// How the input is decoded.
    public var encoding: TextEncoding

    /// A job.
    public init(inputPath: String, configPath: String, outputPath: String, reportPath: String? = nil, encoding: TextEncoding = .utf8) {
        self.inputPath = inputPath
        self.configPath = configPath
        self.outputPath = outputPath
        self.reportPath = reportPath
        self.encoding = encoding
    }

    /// What was done.
    public struct Outcome: Sendable {
        /// Rows, each column's treatment and the entities transformed.
        public var summary: AnonymizationSummary
        /// Things a person must know (a direct identifier the config leaves as it is), also in the report.
        public var warnings: [Note]
    }

    /// Loads the config, checks the outputs, anonymizes the file and writes the report.
    ///
    /// - Throws: ``GreenlightError`` for a malformed config, a refused output, an unreadable key or a malformed row.
    public func run() throws -> Outcome {
        let config = try AnonymizerConfig.load(path: configPath)
        try OutputTarget.check(outputs: [outputPath, reportPath], reading: [inputPath, configPath, config.keyFile])
        var anonymizer = try Anonymizer(config: config)
        let summary = try anonymizer.anonymizeFile(inputPath: inputPath, outputPath: outputPath, encoding: encoding)
        let pii = PIISummary(records: summary.rows, findings: summary.entitiesTransformed, method: PIIAnalyzer.method)
        // Direct identifiers the config leaves as they are: said, not silently released.
        let kept = summary.columns.filter { $0.classification == ColumnClass.directIdentifier.rawValue && $0.operation == "keep" }.map(\.column)
        let warnings = kept.isEmpty ? [] : [Note(
            .warning, code: "anonymize-direct-identifier-kept",
            "columns classified as direct identifiers have no operator in \(configPath) and are kept as they are: \(kept.joined(separator: ", "))")]
        try PrivacySection(pii: pii, anonymization: summary).write(to: reportPath, notes: warnings)
        return Outcome(summary: summary, warnings: warnings)
    }
}
