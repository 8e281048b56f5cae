/// Calendar dates, with the time of day when one is attached: ISO 8601 (`2024-03-05`, `2024-03-05T10:30:00Z`),
/// numeric day/month/year with `/`, `.` or `-` (`03/05/2024`, `5.3.2024`), and written months
/// (`March 5, 2024`, `5 Mar 2024`).
///
/// Dates are checked (month 1–12, day within the month, year 1900–2099). A bare time (`10:30`) is not
/// reported: a clock time identifies nobody, while a date (of birth, of a visit) is a HIPAA identifier.
enum DateTimeRecognizer {
    static let score = 0.6
    static let months: [([UInt8], Int)] = [
        ("january", 1), ("february", 2), ("march", 3), ("april", 4), ("may", 5), ("june", 6), ("july", 7),
        ("august", 8), ("september", 9), ("october", 10), ("november", 11), ("december", 12),
        ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("jun", 6), ("jul", 7), ("aug", 8), ("sep", 9), ("sept", 9),
        ("oct", 10), ("nov", 11), ("dec", 12),
    ].map { (Array($0.0.utf8), $0.1) }

    static func valid(year: Int, month: Int, day: Int) -> Bool {
        guard (1900...2099).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    /// A month name at `i` (case-insensitive, optional `.` after an abbreviation); returns (month, end).
    static func monthName(_ t: ByteText, at i: Int) -> (Int, Int)? {
        // Every month starts with one of a, d, f, j, m, n, o, s: most words fail here.
        switch t[i] | 0x20 {
        case UInt8(ascii: "a"), UInt8(ascii: "d"), UInt8(ascii: "f"), UInt8(ascii: "j"), UInt8(ascii: "m"),
             UInt8(ascii: "n"), UInt8(ascii: "o"), UInt8(ascii: "s"):
            break
        default:
            return nil
        }
        var j = i
        while j < t.count, ByteText.isAlpha(t[j]) { j += 1 }
        let len = j - i
        guard len >= 3, len <= 9 else { return nil }
        for (name, m) in months where name.count == len {
            var same = true
            for k in 0..<len where t[i + k] | 0x20 != name[k] { same = false; break }
            if same { return (m, t.at(j) == UInt8(ascii: ".") && len <= 4 ? j + 1 : j) }
        }
        return nil
    }

    /// A time right after a date: `T10:30`, ` 10:30:15`, `.123`, `Z` or `+01:00`; returns its end.
    static func timeEnd(_ t: ByteText, after i: Int) -> Int? {
        let sep = t.at(i)
        guard sep == UInt8(ascii: "T") || sep == 0x20 else { return nil }
        var j = i + 1
        let h = t.digitRun(from: j)
        guard h - j == 2, t.number(j, h) < 24, t.at(h) == UInt8(ascii: ":") else { return nil }
        let m = t.digitRun(from: h + 1)
        guard m - h - 1 == 2, t.number(h + 1, m) < 60 else { return nil }
        j = m
        if t.at(j) == UInt8(ascii: ":") {
            let s = t.digitRun(from: j + 1)
            if s - j - 1 == 2, t.number(j + 1, s) < 61 {
                j = s
                if t.at(j) == UInt8(ascii: "."), ByteText.isDigit(t.at(j + 1)) { j = t.digitRun(from: j + 1) }
            }
        }
        if t.at(j) == UInt8(ascii: "Z") {
            j += 1
        } else if t.at(j) == UInt8(ascii: "+") || t.at(j) == UInt8(ascii: "-") {
            let z = t.digitRun(from: j + 1)
            if z - j - 1 == 4 {
                j = z
            } else if z - j - 1 == 2, t.at(z) == UInt8(ascii: ":"), t.digitRun(from: z + 1) - z - 1 == 2 {
                j = z + 3
            }
        }
        return ByteText.isWord(t.at(j)) ? nil : j
    }

    /// Day of month with an optional ordinal suffix at `i`; returns (day, end).
    static func day(_ t: ByteText, at i: Int) -> (Int, Int)? {
        let e = t.digitRun(from: i)
        guard e - i >= 1, e - i <= 2 else { return nil }
        var j = e
        let a = t.at(j) | 0x20, b = t.at(j + 1) | 0x20
        if (a == UInt8(ascii: "s") && b == UInt8(ascii: "t")) || (a == UInt8(ascii: "n") && b == UInt8(ascii: "d"))
            || (a == UInt8(ascii: "r") && b == UInt8(ascii: "d")) || (a == UInt8(ascii: "t") && b == UInt8(ascii: "h")) {
            j += 2
        }
        return ByteText.isWord(t.at(j)) ? nil : (t.number(i, e), j)
    }

    static func year(_ t: ByteText, at i: Int) -> (Int, Int)? {
        let e = t.digitRun(from: i)
        return e - i == 4 && !ByteText.isWord(t.at(e)) ? (t.number(i, e), e) : nil
    }

    static func scan(_ t: ByteText, into out: inout [Candidate]) {
        let n = t.count
        var i = 0
        while i < n {
            let b = t[i]
            var end = -1
            if ByteText.isDigit(b), t.numberStartsAt(i) {
                end = numeric(t, at: i) ?? dayMonthYear(t, at: i) ?? -1
            } else if ByteText.isAlpha(b), !ByteText.isWord(t.at(i - 1)) {
                end = monthDayYear(t, at: i) ?? -1
            }
            if end > 0 {
                if let timeEnd = timeEnd(t, after: end) { end = timeEnd }
                out.append(Candidate(type: .dateTime, start: i, end: end, score: score))
                i = end
            } else if ByteText.isWord(b) {
                i += 1
                while i < n, ByteText.isWord(t[i]) { i += 1 }
            } else {
                i += 1
            }
        }
    }

    /// `2024-03-05`, `2024/03/05`, `03/05/2024`, `5.3.2024`, `05-03-2024`.
    static func numeric(_ t: ByteText, at i: Int) -> Int? {
        let e1 = t.digitRun(from: i)
        let sep = t.at(e1)
        guard sep == UInt8(ascii: "-") || sep == UInt8(ascii: "/") || sep == UInt8(ascii: ".") else { return nil }
        let e2 = t.digitRun(from: e1 + 1)
        guard t.at(e2) == sep else { return nil }
        let e3 = t.digitRun(from: e2 + 1)
        guard t.numberEndsAt(e3) || timeEnd(t, after: e3) != nil else { return nil }
        let l1 = e1 - i, l2 = e2 - e1 - 1, l3 = e3 - e2 - 1
        let a = t.number(i, e1), b = t.number(e1 + 1, e2), c = t.number(e2 + 1, e3)
        if l1 == 4, l2 == 2, l3 == 2, sep != UInt8(ascii: ".") {
            return valid(year: a, month: b, day: c) ? e3 : nil
        }
        if (1...2).contains(l1), (1...2).contains(l2), l3 == 4 {
            return valid(year: c, month: a, day: b) || valid(year: c, month: b, day: a) ? e3 : nil
        }
        return nil
    }

    /// `5 March 2024`, `5th Mar. 2024`, `5 March, 2024`.
    static func dayMonthYear(_ t: ByteText, at i: Int) -> Int? {
        guard let (d, e) = day(t, at: i), t.at(e) == 0x20, let (m, me) = monthName(t, at: e + 1) else { return nil }
        var j = me
        if t.at(j) == UInt8(ascii: ",") { j += 1 }
        guard t.at(j) == 0x20, let (y, ye) = year(t, at: j + 1), valid(year: y, month: m, day: d) else { return nil }
        return ye
    }

    /// `March 5, 2024`, `Mar 5th 2024`.
    static func monthDayYear(_ t: ByteText, at i: Int) -> Int? {
        guard let (m, me) = monthName(t, at: i), t.at(me) == 0x20, let (d, de) = day(t, at: me + 1) else { return nil }
        var j = de
        if t.at(j) == UInt8(ascii: ",") { j += 1 }
        guard t.at(j) == 0x20, let (y, ye) = year(t, at: j + 1), valid(year: y, month: m, day: d) else { return nil }
        return ye
    }
}
