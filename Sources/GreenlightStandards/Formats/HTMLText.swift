import GreenlightCore

/// Makes text from reports, timelines and policies safe inside an HTML document: element content and quoted
/// attribute values alike.
///
/// Names, tags, commands and policy references come from files anyone can write. Control characters and the
/// bidirectional overrides are first made visible as ``TerminalText/escaped(_:)`` does (`\x1B`, `\u{202E}`), so a
/// report cannot hide or reorder what the reader sees; then `&`, `<`, `>`, `"` and `'` become character references,
/// so it cannot open an element or leave an attribute.
enum HTMLText {
    /// `s` with controls made visible and the five HTML-special characters as references.
    static func escaped(_ s: String) -> String {
        let visible = TerminalText.escaped(s)
        guard visible.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return visible }
        var out = ""
        out.reserveCapacity(visible.utf8.count + 16)
        for character in visible.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
