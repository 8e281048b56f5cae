/// Text from a model file (tensor names, metadata keys and values) made safe to print: control characters
/// become visible escapes, so a hostile name cannot move the cursor, retitle the terminal or hide text.
public enum DisplayText {
    /// `s` with C0 and C1 controls, DEL and bidirectional overrides written as `\u{…}` escapes.
    public static func escaped(_ s: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(s.unicodeScalars.count)
        for u in s.unicodeScalars {
            let v = u.value
            let control = v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
                || v == 0x200E || v == 0x200F || v == 0x061C
            if control {
                out += "\\u{" + String(v, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// `s` escaped and in double quotes, for names and keys inside messages.
    public static func quoted(_ s: String) -> String { "\"" + escaped(s) + "\"" }
}
