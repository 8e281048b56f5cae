/// Makes text from files safe to print: control characters become visible escapes.
///
/// Tensor names, metadata, CSV headers and values come from files anyone can write. Printed raw, `ESC]0;…`
/// retitles the terminal, `ESC[2J` clears it, a NUL or a carriage return hides what precedes it, and the
/// bidirectional overrides reorder what the reader sees. Everything printed from a file goes through
/// ``escaped(_:)``.
public enum TerminalText {
    /// `s` with C0 controls, DEL, C1 controls and the bidirectional overrides and isolates escaped
    /// (`\n`, `\t`, `\r`, `\0`, else `\xHH` or `\u{HHHH}`); everything else unchanged.
    public static func escaped(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: needsEscape) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for scalar in s.unicodeScalars {
            guard needsEscape(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar.value {
            case 0x0A: out += "\\n"
            case 0x09: out += "\\t"
            case 0x0D: out += "\\r"
            case 0x00: out += "\\0"
            case 0..<0x80: out += "\\x" + hex(scalar.value, width: 2)
            default: out += "\\u{" + hex(scalar.value, width: 4) + "}"
            }
        }
        return out
    }

    /// `s` escaped as by ``escaped(_:)``, except that line feeds and tabs stay: for multi-line messages and tables
    /// whose layout is ours but whose fields may come from files.
    public static func escapedKeepingLayout(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { needsEscape($0) && $0 != "\n" && $0 != "\t" }) else { return s }
        return s.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in line.split(separator: "\t", omittingEmptySubsequences: false).map { escaped(String($0)) }.joined(separator: "\t") }
            .joined(separator: "\n")
    }

    /// Whether `scalar` would act on a terminal rather than show as a character.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
