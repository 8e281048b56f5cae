import Foundation
import GreenlightCore

/// TAP version 14: a test point per rule and report, with a YAML diagnostic block for anything but a pass.
/// A warning is `not ok … # TODO` (reported, not failing) unless warnings fail.
struct TAPCheckFormatter {
    let failOnWarn: Bool

    func render(_ report: CheckReport) -> String {
        var lines = ["TAP version 14", "1..\(report.results.count)"]
        for (i, r) in report.results.enumerated() {
            let n = i + 1
            let name = "\(Self.clean(r.rule)) (\(Self.clean(r.subject)))"
            switch r.outcome {
            case .pass:
                lines.append("ok \(n) - \(name)")
            case .skip:
                lines.append("ok \(n) - \(name) # SKIP \(Self.clean(r.message))")
            case .excepted:
                lines.append("ok \(n) - \(name) # SKIP excepted: \(Self.clean(r.exception?.reason ?? ""))")
            case .fail:
                lines.append("not ok \(n) - \(name)")
            case .warn, .error:
                let failing = r.isFailure || failOnWarn
                lines.append("not ok \(n) - \(name)" + (failing ? "" : " # TODO warning"))
            }
            if r.outcome != .pass && r.outcome != .skip {
                lines.append("  ---")
                lines.append("  outcome: \(r.outcome.rawValue)")
                lines.append("  severity: \(r.severity.rawValue)")
                lines.append("  at: \(Self.quoted("\(r.position.source):\(r.position.line)"))")
                lines.append("  message: \(Self.quoted(r.message))")
                if let reference = r.reference { lines.append("  reference: \(Self.quoted(reference))") }
                lines.append("  ...")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A test point's description: escaped, and without `#` (which starts a directive).
    static func clean(_ s: String) -> String { TerminalText.escaped(s).replacingOccurrences(of: "#", with: "\\#") }

    /// A double-quoted YAML scalar.
    static func quoted(_ s: String) -> String {
        "\"" + TerminalText.escaped(s).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
