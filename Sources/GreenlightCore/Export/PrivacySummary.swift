import Foundation

/// The human summaries of the `privacy` commands, from the report sections they write: what was found,
/// released or spent, each figure with how it was measured.
public enum PrivacySummary {
    /// `privacy detect`: `N records, M findings: TYPE n, …`.
    public static func detection(_ pii: PIISummary) -> String {
        let counts = pii.findings.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "\(pii.records) records, \(pii.findings.values.reduce(0, +)) findings\(counts.isEmpty ? "" : ": " + counts)"
    }

    /// `privacy evaluate`: the score table, the types found but not scored, and how it was scored.
    public static func evaluation(_ pii: PIISummary, notes: [Note]) -> String {
        var text = detectionScores(pii.evaluation ?? [:]) + "\n"
        for note in notes { text += note.message + "\n" }
        return text + "\(pii.records) records; exact span match; \(pii.method.source)\n"
    }

    /// A plain-text table of per-type precision, recall and F1 with their counts, types in name order.
    public static func detectionScores(_ scores: [String: DetectionScore]) -> String {
        func f(_ x: Double) -> String { String(format: "%.3f", x) }
        var lines = [pad("entity", 16) + pad("precision", 10, right: true) + pad("recall", 8, right: true) + pad("F1", 7, right: true)
                     + pad("TP", 7, right: true) + pad("FP", 6, right: true) + pad("FN", 6, right: true)]
        for type in scores.keys.sorted() {
            let s = scores[type]!
            lines.append(pad(type, 16) + pad(f(s.precision), 10, right: true) + pad(f(s.recall), 8, right: true) + pad(f(s.f1), 7, right: true)
                         + pad(String(s.truePositives), 7, right: true) + pad(String(s.falsePositives), 6, right: true)
                         + pad(String(s.falseNegatives), 6, right: true))
        }
        return lines.joined(separator: "\n")
    }

    /// `privacy scan`: one line per column (name, class, reason) and the sample it came from.
    public static func columnScan(_ section: PrivacySection) -> String {
        let columns = section.anonymization?.columns ?? []
        // Names escaped before padding, so the columns line up as printed.
        let names = columns.map { TerminalText.escaped($0.column) }
        let width = max(6, names.map(\.count).max() ?? 0) + 2
        var text = pad("column", width) + pad("class", 19) + "reason\n"
        for (c, name) in zip(columns, names) {
            text += pad(name, width) + pad(c.classification, 19) + TerminalText.escaped(c.reason ?? "") + "\n"
        }
        let rows = section.pii?.records ?? section.anonymization?.rows ?? 0
        return text + "\(rows) rows sampled; \(section.pii?.method.source ?? "")\n"
    }

    /// `privacy anonymize`: rows written and entities transformed.
    public static func anonymization(_ summary: AnonymizationSummary, output: String) -> String {
        let entities = summary.entitiesTransformed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "\(summary.rows) rows anonymized into \(output)\(entities.isEmpty ? "" : "; entities: " + entities)"
    }

    /// `privacy kanon`: rows released and suppressed, k, l and t reached (and required), the generalisation and
    /// the information loss, each with how it was measured.
    public static func kAnonymity(_ s: KAnonymitySummary, entropyLRequired: Double?) -> String {
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

    /// `privacy kanon`: the figures, how t was measured and the entropy l asked for (the info notes), the direct
    /// identifiers dropped by default and how to release one, then the warnings.
    ///
    /// - Parameter spell: How a setting is named (a CLI gives its flag); the library's name by default.
    public static func kAnonymity(_ s: KAnonymitySummary, entropyLRequired: Double?, notes: [Note], droppedByDefault: [String],
                                  naming spell: (String) -> String = { $0 }) -> String {
        var lines = [kAnonymity(s, entropyLRequired: entropyLRequired)]
        lines += notes.filter { $0.level == .info }.map { "  \($0.message)" }
        if !droppedByDefault.isEmpty {
            lines.append("direct identifiers dropped by default: \(droppedByDefault.joined(separator: ", ")) (release one with \(spell("keep")) or \(spell("pseudonymize")))")
        }
        lines += notes.filter { $0.level == .warning }.map { "warning: \($0.message)" }
        return lines.joined(separator: "\n")
    }

    /// `privacy dp`: the release's mechanism, ε, δ, sensitivity and noise scale, how it was computed, and the
    /// dataset's budget after it.
    public static func differentialPrivacy(_ dp: DifferentialPrivacySummary, notes: [String], contentsChanged: Bool) -> String {
        let g = { (x: Double) in String(format: "%g", x) }
        var lines: [String] = []
        for r in dp.releases {
            lines.append("\(r.query) [\(r.mechanism), ε = \(g(r.epsilon)), δ = \(g(r.delta)), sensitivity \(g(r.sensitivity)), noise scale \(g(r.noiseScale))]")
        }
        lines += notes.map { "  \($0)" }
        if contentsChanged {
            lines.append("  the contents of \(dp.dataset) changed since its last query; the budget is the dataset's, shared by every version")
        }
        lines.append("budget of \(dp.dataset): spent ε = \(g(dp.epsilonSpent)) of \(g(dp.epsilonBudget)), "
                     + "δ = \(g(dp.deltaSpent)) of \(g(dp.deltaBudget)) (ledger \(dp.ledger))")
        return lines.joined(separator: "\n")
    }

    private static func pad(_ s: String, _ n: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, n - s.count))
        return right ? fill + s : s + fill
    }
}
