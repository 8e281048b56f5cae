/// Phone numbers in international form and in the national forms of the US, UK, Germany, France and the
/// Netherlands, with an optional extension (`x123`, `ext. 123`).
///
/// A candidate is a run of digit groups joined by one space, hyphen, dot or slash, or by a parenthesised
/// group (`(225)985-1781`, `+44 (0)20 …`). It is kept when its digits fit a numbering plan:
/// - international (`+` or `00`): country code 1 with a valid NANP number; 44 with 9–10 digits; 49 with
///   6–12; 33 and 31 with 9; any other `+` number with 8–15 digits in all (E.164), at a lower score;
/// - US national: 10 digits (or `1` + 10) in 3-3-4 groups, or 10 bare digits, area code and exchange 2–9;
/// - trunk-prefix national (UK, DE, FR, NL): a leading single `0`, 10–12 digits, an area group of 2–6
///   digits then groups of 2–8; or 10–11 bare digits.
/// Dates, amounts, IPv4 addresses and card numbers do not fit these shapes.
enum PhoneNumberRecognizer {
    static func nanp(_ d: ArraySlice<UInt8>) -> Bool {
        let s = d.startIndex
        return d.count == 10 && d[s] >= UInt8(ascii: "2") && d[s + 3] >= UInt8(ascii: "2")
    }

    struct Group {
        var start: Int
        var end: Int
        var paren: Bool
        var sep: UInt8  // the separator before the group; 0 for none
        var size: Int { end - start }
    }

    static func scan(_ t: ByteText, into out: inout [Candidate]) {
        let n = t.count
        var i = 0
        var groups: [Group] = []
        var digits: [UInt8] = []
        while i < n {
            let b = t[i]
            let isStart: Bool
            if ByteText.isDigit(b) {
                // Not right after "(0)": the rest of a number whose start did not parse.
                isStart = t.numberStartsAt(i) && !(t.at(i - 1) == UInt8(ascii: ")") && ByteText.isDigit(t.at(i - 2)))
            } else if b == UInt8(ascii: "+") || b == UInt8(ascii: "(") {
                let prev = t.at(i - 1)
                isStart = !ByteText.isWord(prev) && prev != UInt8(ascii: "+") && ByteText.isDigit(t.at(i + 1))
            } else {
                i += 1
                continue
            }
            guard isStart, let (end, score) = parse(t, at: i, groups: &groups, digits: &digits) else {
                i += 1
                if ByteText.isDigit(b) { while i < n, ByteText.isDigit(t[i]) { i += 1 } }
                if isStart, b == UInt8(ascii: "+") {
                    // A "+" number that fits no plan is not searched for national numbers inside it.
                    while i < n {
                        let c = t[i]
                        if ByteText.isDigit(c) || c == UInt8(ascii: "(") || c == UInt8(ascii: ")") {
                            i += 1
                        } else if (c == 0x20 || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "/")),
                                  ByteText.isDigit(t.at(i + 1)) || t.at(i + 1) == UInt8(ascii: "(") {
                            i += 1
                        } else {
                            break
                        }
                    }
                }
                continue
            }
            out.append(Candidate(type: .phoneNumber, start: i, end: end, score: score))
            i = end
        }
    }

    static func parse(_ t: ByteText, at s: Int, groups: inout [Group], digits: inout [UInt8]) -> (Int, Double)? {
        var j = s
        let plus = t[j] == UInt8(ascii: "+")
        if plus { j += 1 }
        groups.removeAll(keepingCapacity: true)
        var sep: UInt8 = 0
        while groups.count < 8 {
            if t.at(j) == UInt8(ascii: "(") {
                let k = t.digitRun(from: j + 1)
                guard k - j - 1 >= 1, k - j - 1 <= 5, t.at(k) == UInt8(ascii: ")") else { break }
                groups.append(Group(start: j + 1, end: k, paren: true, sep: sep))
                j = k + 1
            } else if ByteText.isDigit(t.at(j)) {
                let k = t.digitRun(from: j)
                guard k - j <= 15 else { return nil }
                groups.append(Group(start: j, end: k, paren: false, sep: sep))
                j = k
            } else {
                break
            }
            let c = t.at(j)
            let next = t.at(j + 1)
            if (c == 0x20 || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "/"))
                && (ByteText.isDigit(next) || (next == UInt8(ascii: "(") && c == 0x20)) {
                sep = c
                j += 1
            } else if groups[groups.count - 1].paren, ByteText.isDigit(c) {
                sep = 0
            } else if c == UInt8(ascii: "("), ByteText.isDigit(next) {
                sep = 0  // "+49(0)30 …": the trunk prefix right after the country code
            } else {
                break
            }
        }
        // The longest prefix of the groups that fits a plan: "call 797.329.8063 2 times" keeps three groups.
        var k = groups.count
        while k >= 1 {
            defer { k -= 1 }
            let prefix = groups[..<k]
            digits.removeAll(keepingCapacity: true)
            for g in prefix { digits += t.bytes[g.start..<g.end] }
            guard let score = classify(prefix, digits[...], plus: plus, t) else { continue }
            var end = groups[k - 1].end + (groups[k - 1].paren ? 1 : 0)
            end = extensionEnd(t, after: end) ?? end
            guard t.numberEndsAt(end) else { continue }
            return (end, score)
        }
        return nil
    }

    /// The end of an extension right after a number: "x123", " x123", " ext. 123", "ext123".
    static func extensionEnd(_ t: ByteText, after end: Int) -> Int? {
        var x = end
        if t.at(x) == 0x20 { x += 1 }
        var marker = false
        if t.at(x) | 0x20 == UInt8(ascii: "x"), ByteText.isDigit(t.at(x + 1)) {
            x += 1
            marker = true
        } else if t.at(x) | 0x20 == UInt8(ascii: "e"), t.at(x + 1) | 0x20 == UInt8(ascii: "x"), t.at(x + 2) | 0x20 == UInt8(ascii: "t") {
            x += 3
            if t.at(x) == UInt8(ascii: ".") { x += 1 }
            if t.at(x) == 0x20 { x += 1 }
            marker = ByteText.isDigit(t.at(x))
        }
        guard marker else { return nil }
        let k = t.digitRun(from: x)
        return k - x <= 6 && t.numberEndsAt(k) ? k : nil
    }

    static func classify(_ groups: ArraySlice<Group>, _ d: ArraySlice<UInt8>, plus: Bool, _ t: ByteText) -> Double? {
        let zero = UInt8(ascii: "0")
        let total = d.count
        let first = groups[groups.startIndex]
        if plus || (!first.paren && total > 2 && d[d.startIndex] == zero && d[d.startIndex + 1] == zero) {
            // International: drop the "00" and a "(0)" trunk prefix written inside an international number.
            var nat: [UInt8] = []
            for (k, g) in groups.enumerated() {
                if g.paren, g.size == 1, t[g.start] == zero, k > 0 { continue }
                nat += t.bytes[g.start..<g.end]
            }
            if !plus { nat.removeFirst(2) }
            guard nat.count >= 2 else { return nil }
            let cc1 = nat[0], cc2 = nat[1]
            let rest = nat.dropFirst(2)
            switch (cc1, cc2) {
            case (UInt8(ascii: "1"), _):
                return nanp(nat.dropFirst()) ? 0.75 : nil
            case (UInt8(ascii: "4"), UInt8(ascii: "4")):
                return (9...10).contains(rest.count) && rest.first != zero ? 0.75 : nil
            case (UInt8(ascii: "4"), UInt8(ascii: "9")):
                return (6...12).contains(rest.count) && rest.first != zero ? 0.75 : nil
            case (UInt8(ascii: "3"), UInt8(ascii: "3")), (UInt8(ascii: "3"), UInt8(ascii: "1")):
                return rest.count == 9 && rest.first != zero ? 0.75 : nil
            default:
                return plus && (8...15).contains(nat.count) && cc1 != zero ? 0.5 : nil
            }
        }
        let g = groups.startIndex
        func sizes(_ s: Int...) -> Bool {
            guard groups.count == s.count else { return false }
            for k in 0..<s.count where groups[g + k].size != s[k] { return false }
            return true
        }
        // US national.
        if total == 10, nanp(d) {
            if groups.count == 1 { return 0.5 }
            if sizes(3, 3, 4), groups[g + 2].sep == groups[g + 1].sep || first.paren { return 0.7 }
        }
        if total == 11, d[d.startIndex] == UInt8(ascii: "1"), sizes(1, 3, 3, 4), nanp(d.dropFirst()) { return 0.7 }
        // Trunk-prefix national (UK, DE, FR, NL).
        if d[d.startIndex] == zero, total > 1, d[d.startIndex + 1] != zero {
            if groups.count == 1 { return (10...11).contains(total) ? 0.5 : nil }
            guard (10...12).contains(total), (2...6).contains(first.size) else { return nil }
            for g in groups.dropFirst() where g.paren || !(2...8).contains(g.size) { return nil }
            return 0.6
        }
        return nil
    }
}
