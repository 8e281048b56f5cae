import Foundation
import GreenlightCore

/// Numbers and strings as the Markdown disclosures print them.
enum DocumentText {
    /// `x` to `digits` significant figures: plain decimals between 0.001 and 1e6, else `1.23e+21`.
    static func significant(_ x: Double, _ digits: Int = 3) -> String {
        guard x.isFinite else { return "\(x)" }
        if x == 0 { return "0" }
        let magnitude = abs(x)
        if magnitude >= 1e-3 && magnitude < 1e6 {
            let exponent = Int(floor(log10(magnitude)))
            let decimals = max(0, digits - 1 - exponent)
            return String(format: "%.\(decimals)f", x)
        }
        return String(format: "%.\(digits - 1)e", x)
    }

    /// `s` safe inside Markdown text and table cells: controls escaped, then the characters that would start
    /// emphasis, code, a link, HTML or a new column are backslash-escaped (and a leading `#`, `+` or `-`), so a
    /// model name cannot become a link, markup or a column.
    static func markdown(_ s: String) -> String {
        var out = ""
        for c in TerminalText.escaped(s) {
            if "\\`*_[]<>|~".contains(c) || (out.isEmpty && "#+-".contains(c)) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// A Markdown table; cells are escaped here.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var lines = ["| " + header.joined(separator: " | ") + " |", "|" + header.map { _ in " --- |" }.joined()]
        for row in rows { lines.append("| " + row.map(markdown).joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n")
    }

    /// How a method reads in a disclosure: its label, and its detail when it has one.
    static func method(_ m: Method) -> String { m.description }
}
