/// Payment card numbers: 12–19 digits, contiguous or in groups (4-4-4-4, 4-6-5, 4-6-4, …) separated by one
/// space or hyphen, kept when the Luhn check passes.
///
/// A Luhn-valid number right after "order", "invoice", "tracking", "ticket" or "ref" is that, not a card:
/// one random number in ten passes Luhn, so long order numbers would otherwise leak in.
enum CreditCardRecognizer {
    static let score = 1.0
    static let negativeContext: [[UInt8]] = ["order", "invoice", "tracking", "ticket", "ref", "reference", "isbn", "serial"]
        .map { Array($0.utf8) }

    static func scan(_ t: ByteText, into out: inout [Candidate]) {
        let n = t.count
        var i = 0
        var groups: [(start: Int, end: Int)] = []
        var digits: [UInt8] = []
        while i + 12 <= n {
            guard ByteText.isDigit(t[i]), t.numberStartsAt(i) else { i += 1; continue }
            groups.removeAll(keepingCapacity: true)
            var j = t.digitRun(from: i)
            groups.append((i, j))
            var total = j - i
            if total < 12 {
                let sep = t.at(j)
                if sep == 0x20 || sep == UInt8(ascii: "-") {
                    while total < 19, t.at(j) == sep, ByteText.isDigit(t.at(j + 1)) {
                        let e = t.digitRun(from: j + 1)
                        groups.append((j + 1, e))
                        total += e - j - 1
                        j = e
                    }
                }
            }
            var next = groups[0].end
            defer { i = next }
            // The longest prefix of groups that is a card.
            var k = groups.count
            while k >= 1 {
                defer { k -= 1 }
                let end = groups[k - 1].end
                let count = groups[..<k].reduce(0) { $0 + $1.end - $1.start }
                guard count >= 12, count <= 19, t.numberEndsAt(end) else { continue }
                if k > 1 {
                    // Grouped: leading groups of 4 (or the 4-6-x Amex/Diners layout), a last group of 1–6.
                    let sizes = groups[..<k].map { $0.end - $0.start }
                    let fours = sizes.dropLast().allSatisfy { $0 == 4 }
                    let amex = k == 3 && sizes[0] == 4 && sizes[1] == 6
                    guard (fours || amex), sizes[k - 1] >= 1, sizes[k - 1] <= 6 else { continue }
                }
                digits.removeAll(keepingCapacity: true)
                for g in groups[..<k] { digits += t.bytes[g.start..<g.end] }
                guard !digits.allSatisfy({ $0 == digits[0] }), PIIValidators.luhn(String(decoding: digits, as: UTF8.self)) else { continue }
                if t.precededByWord(i, within: 24, oneOf: negativeContext) { break }
                out.append(Candidate(type: .creditCard, start: i, end: end, score: score))
                next = end
                break
            }
        }
    }
}
