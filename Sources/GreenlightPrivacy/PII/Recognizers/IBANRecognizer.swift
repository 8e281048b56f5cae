/// IBANs: two letters, two check digits and the country's BBAN, contiguous or in the printed groups of four,
/// kept only when the length is the country's registry length and the mod-97 checksum holds.
enum IBANRecognizer {
    static let score = 1.0

    /// IBAN lengths per country, from the SWIFT IBAN registry (release 99, 2024).
    static let lengths: [UInt16: Int] = {
        let table: [(String, Int)] = [
            ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16), ("BG", 22),
            ("BH", 22), ("BI", 27), ("BR", 29), ("BY", 28), ("CH", 21), ("CR", 22), ("CY", 28), ("CZ", 24),
            ("DE", 22), ("DJ", 27), ("DK", 18), ("DO", 28), ("EE", 20), ("EG", 29), ("ES", 24), ("FI", 18),
            ("FK", 18), ("FO", 18), ("FR", 27), ("GB", 22), ("GE", 22), ("GI", 23), ("GL", 18), ("GR", 27),
            ("GT", 28), ("HN", 28), ("HR", 21), ("HU", 28), ("IE", 22), ("IL", 23), ("IQ", 23), ("IS", 26),
            ("IT", 27), ("JO", 30), ("KW", 30), ("KZ", 20), ("LB", 28), ("LC", 32), ("LI", 21), ("LT", 20),
            ("LU", 20), ("LV", 21), ("LY", 25), ("MC", 27), ("MD", 24), ("ME", 22), ("MK", 19), ("MN", 20),
            ("MR", 27), ("MT", 31), ("MU", 30), ("NI", 28), ("NL", 18), ("NO", 15), ("OM", 23), ("PK", 24),
            ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22), ("RU", 33), ("SA", 24),
            ("SC", 31), ("SD", 18), ("SE", 24), ("SI", 19), ("SK", 24), ("SM", 27), ("SO", 23), ("ST", 25),
            ("SV", 28), ("TL", 23), ("TN", 24), ("TR", 26), ("UA", 29), ("VA", 22), ("VG", 24), ("XK", 20),
            ("YE", 30),
        ]
        var d: [UInt16: Int] = [:]
        for (cc, n) in table {
            let u = Array(cc.utf8)
            d[UInt16(u[0]) << 8 | UInt16(u[1])] = n
        }
        return d
    }()

    static func length(_ a: UInt8, _ b: UInt8) -> Int? { lengths[UInt16(a) << 8 | UInt16(b)] }

    /// ISO 7064 mod 97-10 of the IBAN rearranged (first four characters moved to the end, letters as 10–35).
    static func mod97<C: Collection>(_ chars: C) -> Int where C.Element == UInt8 {
        var r = 0
        func feed(_ c: UInt8) {
            if ByteText.isDigit(c) {
                r = (r * 10 + Int(c - 48)) % 97
            } else {
                r = (r * 100 + Int((c | 0x20) - 0x61 + 10)) % 97
            }
        }
        for c in chars.dropFirst(4) { feed(c) }
        for c in chars.prefix(4) { feed(c) }
        return r
    }

    static func scan(_ t: ByteText, into out: inout [Candidate]) {
        let n = t.count
        var i = 0
        var chars: [UInt8] = []
        while i + 15 <= n {
            defer { i += 1 }
            guard ByteText.isUpper(t[i]), ByteText.isUpper(t[i + 1]), ByteText.isDigit(t[i + 2]), ByteText.isDigit(t[i + 3]),
                  !ByteText.isWord(t.at(i - 1)), let length = length(t[i], t[i + 1]) else { continue }
            // Contiguous, or printed in groups of four separated by single spaces.
            chars.removeAll(keepingCapacity: true)
            var j = i
            var group = 0
            while chars.count < length, j < n {
                let c = t[j]
                if ByteText.isDigit(c) || ByteText.isUpper(c) {
                    chars.append(c)
                    group += 1
                    j += 1
                } else if c == 0x20, group == 4, j + 1 < n, ByteText.isAlnum(t[j + 1]) {
                    group = 0
                    j += 1
                } else {
                    break
                }
                if group > 4, chars.count > 4, t.at(i + 4) == 0x20 { break } // grouped form: groups of 4 only
            }
            guard chars.count == length, !ByteText.isWord(t.at(j)), mod97(chars) == 1 else { continue }
            out.append(Candidate(type: .ibanCode, start: i, end: j, score: score))
            i = j - 1
        }
    }
}
