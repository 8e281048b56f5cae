import Foundation
import GreenlightCore

/// GitHub Actions workflow commands: `::error` for failures and errors on enforced rules, `::warning` for
/// warnings, `::notice` for excepted breaches, each at the rule's file and line; then a summary line.
struct GitHubCheckFormatter {
    func render(_ report: CheckReport) -> String {
        var lines: [String] = []
        for r in report.results {
            let command: String
            switch r.outcome {
            case .fail: command = "error"
            case .error: command = r.action == .enforce ? "error" : "warning"
            case .warn: command = "warning"
            case .excepted: command = "notice"
            case .pass, .skip: continue
            }
            // A built-in pack is no file of the repository: its annotation goes on the run, not a file.
            let place = r.position.source.hasPrefix("builtin:") ? [] : [
                "file=" + Self.property(TerminalText.escaped(r.position.source)), "line=\(r.position.line)", "col=\(r.position.column)",
            ]
            let properties = place + [
                "title=" + Self.property("greenlight \(r.rule) [\(r.severity.rawValue)] \(TerminalText.escaped(r.subject))"),
            ]
            lines.append("::\(command) \(properties.joined(separator: ","))::" + Self.data(r.detailLines.joined(separator: "\n")))
        }
        let c = report.counts
        lines.append("greenlight check: \(report.verdict.uppercased()) — \(c.passed) passed, \(c.failed) failed, \(c.warned) warned, "
            + "\(c.errored) could not be evaluated, \(c.excepted) excepted, \(c.skipped) not selected")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A command's message: `%`, CR and LF escaped as the runner expects.
    static func data(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    /// A property value: as data, and `:` and `,` too.
    static func property(_ s: String) -> String {
        data(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
