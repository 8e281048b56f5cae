public import GreenlightCore

/// One `privacy evaluate` as a value: compare the findings in JSON Lines records with their `entities` labels
/// (exact span match) and score precision, recall and F1 per type.
public struct PIIEvaluationJob: Sendable {
    /// Records with `text` and `entities` labels.
    public var inputPath: String
    /// The JSON report, when wanted.
    public var reportPath: String?
    /// The types to score; `nil` scores the types the labels mention (the corpus did not annotate the rest).
    public var scoring: Set<String>?
    /// What to look for and in which field.
    public var scanner: PIIRecordScanner
    /// How the input is decoded.
    public var encoding: TextEncoding

    /// A job.
    public init(inputPath: String, reportPath: String? = nil, scoring: Set<String>? = nil, scanner: PIIRecordScanner = PIIRecordScanner(),
                encoding: TextEncoding = .utf8) {
        self.inputPath = inputPath
        self.reportPath = reportPath
        self.scoring = scoring
        self.scanner = scanner
        self.encoding = encoding
    }

    /// The scores, and what was found but not scored.
    public struct Outcome: Sendable {
        /// Records, findings and the scores per type.
        public var summary: PIISummary
        /// Findings per type no label mentions (so not scored), also a note in the report.
        public var unscored: [String: Int]
        /// The notes written to the report.
        public var notes: [Note]
    }

    /// Checks the report path, scans and scores the records, and writes the report.
    ///
    /// - Throws: ``GreenlightError`` for a refused output, a malformed record, or records with no labels at all.
    public func run() throws -> Outcome {
        try OutputTarget.check(outputs: [reportPath], reading: [inputPath], stdout: true)
        let result = try scanner.scan(inputPath: inputPath, outputPath: nil, encoding: encoding)
        guard result.labelled else {
            throw GreenlightError.invalidInput("\(inputPath): no record has \"entities\" labels to evaluate against")
        }
        let summary = result.summary(scoring: scoring)
        let unscored = result.findings.filter { summary.evaluation?[$0.key] == nil }
        var notes: [Note] = []
        if !unscored.isEmpty {
            notes.append(Note(.info, code: "pii-unscored-types", Self.unscoredMessage(unscored, file: inputPath)))
        }
        try PrivacySection(pii: summary).write(to: reportPath, notes: notes)
        return Outcome(summary: summary, unscored: unscored, notes: notes)
    }

    /// `not annotated in F, so not scored: TYPE (n findings), …`.
    public static func unscoredMessage(_ unscored: [String: Int], file: String) -> String {
        let list = unscored.keys.sorted().map { "\($0) (\(unscored[$0] ?? 0) findings)" }.joined(separator: ", ")
        return "not annotated in \(file), so not scored: \(list)"
    }
}
