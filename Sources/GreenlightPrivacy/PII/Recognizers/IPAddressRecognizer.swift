/// IPv4 addresses (four decimal octets 0–255 without leading zeros) and IPv6 addresses (RFC 4291 text forms:
/// eight groups, one `::` compression, an embedded IPv4 tail).
///
/// A dotted quad inside a longer dotted number (`1.2.3.4.5`) or right after "version", "build" or
/// "release" is a version string, not an address. Times (`10:30:15`) and MAC addresses fail the IPv6 rules.
enum IPAddressRecognizer {
    static let score = 0.95
    static let versionWords: [[UInt8]] = ["version", "build", "release", "ver", "v"].map { Array($0.utf8) }

    /// Parses an IPv4 address at `i`; returns its end.
    static func ipv4(_ t: ByteText, at i: Int) -> Int? {
        var j = i
        for part in 0..<4 {
            let s = j
            j = t.digitRun(from: j)
            let len = j - s
            guard len >= 1, len <= 3, !(len > 1 && t[s] == UInt8(ascii: "0")), t.number(s, j) <= 255 else { return nil }
            if part < 3 {
                guard t.at(j) == UInt8(ascii: ".") else { return nil }
                j += 1
            }
        }
        return j
    }

    /// Parses an IPv6 address at `i`; returns its end.
    static func ipv6(_ t: ByteText, at i: Int) -> Int? {
        let n = t.count
        var j = i
        var groups = 0
        var compressed = false
        var end = i
        if t.at(j) == UInt8(ascii: ":"), t.at(j + 1) == UInt8(ascii: ":") {
            compressed = true
            j += 2
            end = j
        }
        while j < n, groups < 8 {
            let s = j
            while j < n, j - s < 5, ByteText.isHex(t[j]) { j += 1 }
            let len = j - s
            if len == 0 { break }
            // An IPv4 tail takes the last two groups.
            if t.at(j) == UInt8(ascii: "."), groups <= 6, let v4 = ipv4(t, at: s) {
                groups += 2
                end = v4
                j = v4
                break
            }
            guard len <= 4 else { return nil }
            groups += 1
            end = j
            if t.at(j) == UInt8(ascii: ":") {
                if t.at(j + 1) == UInt8(ascii: ":") {
                    guard !compressed else { return nil }
                    compressed = true
                    j += 2
                    end = j
                } else if ByteText.isHex(t.at(j + 1)) {
                    j += 1
                } else {
                    break
                }
            } else {
                break
            }
        }
        guard compressed ? groups <= 7 : groups == 8 else { return nil }
        // "::" alone or a lone "a::" is too weak; ask for two groups.
        guard groups >= 2 || (compressed && groups >= 1 && end - i >= 3) else { return nil }
        let next = t.at(end)
        if ByteText.isWord(next) || (next == UInt8(ascii: ":") && ByteText.isHex(t.at(end + 1))) { return nil }
        return end
    }

    static func scan(_ t: ByteText, into out: inout [Candidate]) {
        let n = t.count
        var i = 0
        while i < n {
            let b = t[i]
            let prev = t.at(i - 1)
            if ByteText.isHex(b) || (b == UInt8(ascii: ":") && t.at(i + 1) == UInt8(ascii: ":")) {
                guard !ByteText.isWord(prev), prev != UInt8(ascii: ":"), prev != UInt8(ascii: ".") || !ByteText.isDigit(t.at(i - 2)) else {
                    i += 1
                    continue
                }
                if ByteText.isDigit(b), let e = ipv4(t, at: i), t.numberEndsAt(e) {
                    if !t.precededByWord(i, within: 12, oneOf: versionWords) {
                        out.append(Candidate(type: .ipAddress, start: i, end: e, score: score))
                    }
                    i = e
                    continue
                }
                // Only try IPv6 where a colon follows within the first group.
                var k = i
                while k < n, k - i < 5, ByteText.isHex(t[k]) { k += 1 }
                if t.at(k) == UInt8(ascii: ":"), let e = ipv6(t, at: i) {
                    out.append(Candidate(type: .ipAddress, start: i, end: e, score: score))
                    i = e
                    continue
                }
                // Skip the rest of this word.
                i += 1
                while i < n, ByteText.isWord(t[i]) { i += 1 }
            } else {
                i += 1
            }
        }
    }
}
