public import Foundation
import GreenlightCore

/// The two ways `greenlight inspect` shows a ``ModelInspection``: a table for people and JSON for tools.
/// Everything that came from the file (names, metadata) is escaped where it is shown, as it may hold terminal escapes.
public enum InspectSummary {
    /// The table: a header line, the metadata, then one line per tensor.
    public static func render(_ m: ModelInspection) -> String {
        let text = TerminalText.escaped
        var out = "\(text(m.path)): \(m.format), \(Format.bytes(Double(m.fileBytes))), \(m.tensors.count) tensors, "
            + "\(m.parameters) parameters, \(Format.number(m.bitsPerWeight, significant: 4)) bits/weight\n"
        if !m.metadata.isEmpty {
            out += "metadata:\n"
            for (key, value) in m.metadata.sorted(by: { $0.key < $1.key }) { out += "  \(text(key)) = \(text(value))\n" }
        }
        out += "tensors:\n"
        let names = m.tensors.map { text($0.name) }
        let width = min(48, names.map(\.count).max() ?? 10)
        for (t, shown) in zip(m.tensors, names) {
            let name = shown.padding(toLength: max(width, shown.count), withPad: " ", startingAt: 0)
            var line = "  \(name)  \(text(t.type).padding(toLength: 5, withPad: " ", startingAt: 0))  \(t.shape)  \(t.parameters) params  \(t.bytes) B  \(Format.number(t.bitsPerWeight, significant: 3)) bpw"
            if let s = t.sparsity { line += "  sparsity \(Format.number(s * 100, significant: 3)) %" }
            if let v = t.twoFourViolations, let g = t.twoFourGroups { line += v == 0 ? "  2:4 ok" : "  2:4 broken in \(v)/\(g) groups" }
            out += line + "\n"
        }
        return out
    }

    /// Pretty, key-sorted JSON ending in a newline, with the controls JSONEncoder leaves raw escaped.
    public static func json(_ m: ModelInspection) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Data((escapingControls(String(decoding: try e.encode(m), as: UTF8.self)) + "\n").utf8)
    }

    /// JSON text with the controls JSONEncoder leaves raw (DEL, C1, bidi overrides) written as `\\uXXXX`
    /// escapes: the same JSON value, but nothing a terminal acts on. Inside strings the encoder has escaped
    /// every C0 control already, so a raw newline is the pretty-printer's and stays.
    public static func escapingControls(_ json: String) -> String {
        func needsEscape(_ u: Unicode.Scalar) -> Bool { u != "\n" && TerminalText.needsEscape(u) }
        guard json.unicodeScalars.contains(where: needsEscape) else { return json }
        var out = ""
        for u in json.unicodeScalars {
            if needsEscape(u) {
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
