/// E-mail addresses: found from each `@`, the local part (RFC 5322 dot-atom characters) back and the
/// domain (LDH labels, at least two, an alphabetic top-level label of two or more letters) forward.
enum EmailRecognizer {
    static let score = 1.0

    @inline(__always) static func isLocal(_ b: UInt8) -> Bool {
        ByteText.isAlnum(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "%")
            || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: "'")
    }

    static func scan(_ t: ByteText, into out: inout [Candidate]) {
        let n = t.count
        var at = 0
        var lastEnd = 0
        while at < n {
            guard t[at] == UInt8(ascii: "@") else { at += 1; continue }
            defer { at += 1 }
            var s = at
            while s > lastEnd, isLocal(t[s - 1]) { s -= 1 }
            while s < at, t[s] == UInt8(ascii: ".") || t[s] == UInt8(ascii: "'") { s += 1 }
            guard s < at, t[at - 1] != UInt8(ascii: "."), t.at(s - 1) < 0x80 else { continue }
            // Domain: labels of letters, digits and inner hyphens.
            var j = at + 1
            var labels = 0
            var lastLabelStart = j
            var end = -1
            while true {
                let ls = j
                while j < n, ByteText.isAlnum(t[j]) || t[j] == UInt8(ascii: "-") { j += 1 }
                guard j > ls, t[ls] != UInt8(ascii: "-"), t[j - 1] != UInt8(ascii: "-") else { break }
                labels += 1
                lastLabelStart = ls
                if labels >= 2 { end = j }
                guard j + 1 < n, t[j] == UInt8(ascii: "."), ByteText.isAlnum(t[j + 1]) else { break }
                j += 1
            }
            guard end > 0, labels >= 2, t.at(end) < 0x80 else { continue }
            // The top-level label is alphabetic, 2+ letters; retreat if the last label is not (a trailing ".1").
            var tldOK = end - lastLabelStart >= 2
            for k in lastLabelStart..<end where !ByteText.isAlpha(t[k]) { tldOK = false }
            guard tldOK else { continue }
            var doubleDot = false
            for k in s..<(at - 1) where t[k] == UInt8(ascii: ".") && t[k + 1] == UInt8(ascii: ".") { doubleDot = true }
            guard !doubleDot else { continue }
            out.append(Candidate(type: .emailAddress, start: s, end: end, score: score))
            lastEnd = end
            at = end - 1
        }
    }
}
