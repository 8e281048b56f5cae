/// URLs with a scheme (`http`, `https`, `ftp`, `ftps`, `sftp`, `ws`, `wss`) or starting with `www.`.
///
/// Bare domains (`example.org`) are not reported: they collide with file names and with the domain of every
/// e-mail address. The URL runs to the next whitespace or `<>"'`; trailing punctuation and unbalanced
/// closing brackets are left out, as in prose ("see https://x.org/a).").
enum URLRecognizer {
    static let score = 0.6
    static let schemes: [[UInt8]] = ["http", "https", "ftp", "ftps", "sftp", "ws", "wss"].map { Array($0.utf8) }

    static func scan(_ t: ByteText, into out: inout [Candidate]) {
        let n = t.count
        var i = 0
        var lastEnd = 0
        while i < n {
            let b = t[i]
            var start = -1
            var hostStart = 0
            if b == UInt8(ascii: ":"), t.at(i + 1) == UInt8(ascii: "/"), t.at(i + 2) == UInt8(ascii: "/") {
                var s = i
                while s > lastEnd, ByteText.isAlpha(t[s - 1]) { s -= 1 }
                let len = i - s
                if len > 0, !ByteText.isWord(t.at(s - 1)),
                   schemes.contains(where: { w in w.count == len && (0..<len).allSatisfy { t[s + $0] | 0x20 == w[$0] } }) {
                    start = s
                    hostStart = i + 3
                }
            } else if b | 0x20 == UInt8(ascii: "w"), t.at(i + 1) | 0x20 == UInt8(ascii: "w"), t.at(i + 2) | 0x20 == UInt8(ascii: "w"),
                      t.at(i + 3) == UInt8(ascii: "."), !ByteText.isWord(t.at(i - 1)), t.at(i - 1) != UInt8(ascii: "/") {
                start = i
                hostStart = i
            }
            guard start >= 0 else { i += 1; continue }
            var j = hostStart
            while j < n {
                let c = t[j]
                if c <= 0x20 || c == UInt8(ascii: "<") || c == UInt8(ascii: ">") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { break }
                j += 1
            }
            // Trim trailing punctuation and closing brackets that do not close one opened inside the URL.
            while j > hostStart {
                let c = t[j - 1]
                if c == UInt8(ascii: ".") || c == UInt8(ascii: ",") || c == UInt8(ascii: ";") || c == UInt8(ascii: ":")
                    || c == UInt8(ascii: "!") || c == UInt8(ascii: "?") {
                    j -= 1
                } else if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") {
                    let open = c == UInt8(ascii: ")") ? UInt8(ascii: "(") : UInt8(ascii: "[")
                    var depth = 0
                    for k in hostStart..<j { if t[k] == open { depth += 1 } else if t[k] == c { depth -= 1 } }
                    if depth < 0 { j -= 1 } else { break }
                } else {
                    break
                }
            }
            // The host needs a dot (or is localhost) and starts with a letter or digit.
            var hostEnd = hostStart
            while hostEnd < j, t[hostEnd] != UInt8(ascii: "/"), t[hostEnd] != UInt8(ascii: "?"), t[hostEnd] != UInt8(ascii: "#") { hostEnd += 1 }
            var dot = false
            for k in hostStart..<hostEnd where t[k] == UInt8(ascii: ".") { dot = true }
            let localhost = hostEnd - hostStart >= 9 && (0..<9).allSatisfy { t[hostStart + $0] | 0x20 == Array("localhost".utf8)[$0] }
            if hostEnd > hostStart, ByteText.isAlnum(t[hostStart]) || t[hostStart] == UInt8(ascii: "["), dot || localhost,
               t[j - 1] != UInt8(ascii: ".") {
                out.append(Candidate(type: .url, start: start, end: j, score: score))
                lastEnd = j
                i = j
            } else {
                i += 1
            }
        }
    }
}
