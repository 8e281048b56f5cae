import GreenlightCore

/// The text a person reads: a verdict line first (coloured on a terminal), then each result that is not a pass.
struct TextCheckFormatter {
    let color: Bool

    private func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    func render(_ report: CheckReport) -> String {
        let c = report.counts
        let head: String
        switch report.verdict {
        case "fail": head = paint("✘ FAIL", "1;31")
        case "warn": head = paint("! WARN", "1;33")
        default: head = paint("✔ PASS", "1;32")
        }
        var parts = ["\(c.passed) passed", "\(c.failed) failed", "\(c.warned) warned"]
        if c.errored > 0 { parts.append("\(c.errored) could not be evaluated") }
        if c.excepted > 0 { parts.append("\(c.excepted) excepted") }
        if c.skipped > 0 { parts.append("\(c.skipped) not selected") }
        let subjects = report.subjects.count == 1 ? "1 report" : "\(report.subjects.count) reports"
        var lines = ["\(head)  greenlight check: \(parts.joined(separator: ", ")) (\(report.policies.count) polic\(report.policies.count == 1 ? "y" : "ies"), \(subjects))"]
        if report.results.isEmpty { lines.append("  no rules: the policies have none") }
        for result in report.results where result.outcome != .pass && result.outcome != .skip {
            let tag: String
            switch result.outcome {
            case .fail: tag = paint("FAIL ", "31")
            case .warn: tag = paint("WARN ", "33")
            case .error: tag = paint("ERROR", result.action == .enforce ? "31" : "33")
            case .excepted: tag = paint("EXCPT", "36")
            case .pass, .skip: tag = ""
            }
            lines.append("\(tag) \(result.rule) [\(result.severity.rawValue)] \(result.at)  \(TerminalText.escaped(result.subject))")
            lines += result.detailLines.map { "      " + $0 }
        }
        let passes = report.results.filter { $0.outcome == .pass }
        if !passes.isEmpty {
            lines.append(paint("PASS ", "32") + " " + passes.map { "\($0.rule) (\(Self.shortValues($0)))" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `energy.total = 3.2 kWh [measured:rapl + user:pue]` — what a pass read, and how it was obtained.
    private static func shortValues(_ r: RuleResult) -> String { PolicyEvaluator.found(r.measured) }
}
