import GreenlightCore

/// JUnit XML: a test suite per report, a test case per rule (`classname` the policy, `file` and `line` its
/// place), failures and errors as JUnit has them; not-selected and excepted rules are skipped.
struct JUnitCheckFormatter {
    let failOnWarn: Bool

    func render(_ report: CheckReport) -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        let all = report.results
        xml += #"<testsuites name="greenlight check" tests="\#(all.count)" failures="\#(failures(all))" errors="\#(errors(all))" skipped="\#(skipped(all))">"# + "\n"
        for subject in report.subjects {
            let results = all.filter { $0.subject == subject }
            xml += #"  <testsuite name="\#(Self.escape(subject))" tests="\#(results.count)" failures="\#(failures(results))" errors="\#(errors(results))" skipped="\#(skipped(results))">"# + "\n"
            for r in results {
                xml += #"    <testcase classname="\#(Self.escape(r.position.source))" name="\#(Self.escape(r.rule))" file="\#(Self.escape(r.position.source))" line="\#(r.position.line)">"#
                let detail = Self.escape(r.detailLines.joined(separator: "\n"))
                let message = Self.escape(r.message)
                switch r.outcome {
                case .pass:
                    xml += "<system-out>\(message)</system-out>"
                case .fail:
                    xml += #"<failure message="\#(message)" type="\#(r.severity.rawValue)">\#(detail)</failure>"#
                case .warn where failOnWarn:
                    xml += #"<failure message="\#(message)" type="warning">\#(detail)</failure>"#
                case .warn:
                    xml += "<system-out>warning: \(detail)</system-out>"
                case .error where r.action == .enforce || failOnWarn:
                    xml += #"<error message="\#(message)" type="cannot-evaluate">\#(detail)</error>"#
                case .error:
                    xml += "<system-out>warning: \(detail)</system-out>"
                case .skip, .excepted:
                    xml += #"<skipped message="\#(message)"/>"#
                }
                xml += "</testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }

    private func failures(_ rs: [RuleResult]) -> Int { rs.filter { $0.outcome == .fail || ($0.outcome == .warn && failOnWarn) }.count }
    private func errors(_ rs: [RuleResult]) -> Int { rs.filter { $0.outcome == .error && ($0.action == .enforce || failOnWarn) }.count }
    private func skipped(_ rs: [RuleResult]) -> Int { rs.filter { $0.outcome == .skip || $0.outcome == .excepted }.count }

    /// Text for an XML attribute or element: the five entities escaped, and characters XML 1.0 cannot hold
    /// (controls other than tab and newline) escaped as the terminal shows them (`\x1B`).
    static func escape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += TerminalText.escaped(String(scalar))
                } else if scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
