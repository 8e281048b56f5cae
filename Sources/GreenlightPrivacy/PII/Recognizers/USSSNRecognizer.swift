/// US social security numbers written `AAA-GG-SSSS` or `AAA GG SSSS`, kept when the SSA could have issued them.
///
/// Nine bare digits are reported only right after "SSN" or "social security": alone they are as likely an
/// order number or a ZIP+4.
enum USSSNRecognizer {
    static let score = 0.85
    static let contextWords: [[UInt8]] = ["ssn", "ssns", "security", "ss"].map { Array($0.utf8) }
    static let examples: Set<String> = ["078051120", "219099999", "123456789"]

    static func valid(area: Int, group: Int, serial: Int, digits: ArraySlice<UInt8>) -> Bool {
        guard area != 0, area != 666, area < 900, group != 0, serial != 0 else { return false }
        if digits.allSatisfy({ $0 == digits.first }) { return false }
        return !examples.contains(String(decoding: digits, as: UTF8.self))
    }

    static func scan(_ t: ByteText, into out: inout [Candidate]) {
        let n = t.count
        var i = 0
        var digits: [UInt8] = []
        while i + 9 <= n {
            guard ByteText.isDigit(t[i]), t.numberStartsAt(i) else { i += 1; continue }
            let runEnd = t.digitRun(from: i)
            defer { i = runEnd }
            var end = -1
            digits.removeAll(keepingCapacity: true)
            if runEnd - i == 3, runEnd + 8 <= n {
                let sep = t[runEnd]
                if sep == UInt8(ascii: "-") || sep == 0x20, t.digitRun(from: runEnd + 1) == runEnd + 3, t[runEnd + 3] == sep,
                   t.digitRun(from: runEnd + 4) == runEnd + 8 {
                    end = runEnd + 8
                    digits += t.bytes[i..<runEnd]
                    digits += t.bytes[(runEnd + 1)..<(runEnd + 3)]
                    digits += t.bytes[(runEnd + 4)..<end]
                }
            } else if runEnd - i == 9, t.precededByWord(i, within: 24, oneOf: contextWords) {
                end = runEnd
                digits += t.bytes[i..<runEnd]
            }
            guard end > 0, t.numberEndsAt(end) else { continue }
            let area = Int(digits[0] - 48) * 100 + Int(digits[1] - 48) * 10 + Int(digits[2] - 48)
            let group = Int(digits[3] - 48) * 10 + Int(digits[4] - 48)
            let serial = digits[5...].reduce(0) { $0 * 10 + Int($1 - 48) }
            if valid(area: area, group: group, serial: serial, digits: digits[...]) {
                out.append(Candidate(type: .usSSN, start: i, end: end, score: score))
            }
        }
    }
}
