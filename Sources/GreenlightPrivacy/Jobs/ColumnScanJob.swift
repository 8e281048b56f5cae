public import GreenlightCore

/// One `privacy scan` as a value: classify the columns of a CSV file (direct identifier, quasi-identifier,
/// sensitive, other) from their headers and a sample of values. It changes nothing.
public struct ColumnScanJob: Sendable {
    /// A CSV file with a header row.
    public var inputPath: String
    /// The JSON report, when wanted.
    public var reportPath: String?
    /// Rows sampled from the start of the file.
    public var sampleRows: Int
    /// How the input is decoded.
    public var encoding: TextEncoding

    /// A job.
    public init(inputPath: String, reportPath: String? = nil, sampleRows: Int = 1000, encoding: TextEncoding = .utf8) {
        self.inputPath = inputPath
        self.reportPath = reportPath
        self.sampleRows = sampleRows
        self.encoding = encoding
    }

    /// Checks the report path, classifies the columns and writes the report.
    ///
    /// - Returns: The section reported: PII found in the sample, and each column's class and reason (every
    ///   operation `keep`).
    /// - Throws: ``GreenlightError`` for a refused output or an unreadable or malformed file.
    public func run() throws -> PrivacySection {
        try OutputTarget.check(outputs: [reportPath], reading: [inputPath], stdout: true)
        let scan = try ColumnClassifier(sampleRows: sampleRows).scan(csvPath: inputPath, encoding: encoding)
        let section = PrivacySection(
            pii: PIISummary(records: scan.rows, findings: scan.findings, method: PIIAnalyzer.method),
            anonymization: AnonymizationSummary(rows: scan.rows, columns: scan.columns.map {
                ColumnTreatment(column: $0.column, classification: $0.classification.rawValue, operation: "keep", reason: $0.reason)
            })
        )
        let note = Note(.info, code: "pii-scan-only", "privacy scan classifies columns and changes nothing: every column's operation is keep")
        try section.write(to: reportPath, notes: [note])
        return section
    }
}
