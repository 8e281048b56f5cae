/// Person names by a heuristic: two to four consecutive capitalised words (`Judith Johnson`), or an honorific
/// and one or more (`Dr. Elizabeth Elliott`), with a trailing suffix (`Jr.`, `MD`, `PhD`) kept in the span and
/// surname particles between them (`Lina van den Berg`).
///
/// Capitalised words that are rarely names are dropped from the ends of a run first: sentence openers,
/// role nouns that often precede a name (`Customer Jennifer King`), days, months that are not also
/// first names, and organisation words.
/// There is no gazetteer and no language model, so place and organisation names written in title case
/// ("New York", "Acme Labs") are reported as people: precision outside simple notes is poor, and the score
/// (0.5; 0.85 with an honorific) says so. Its precision and recall are reported apart from the gated types.
enum PersonRecognizer {
    /// A lower-cased ASCII word of up to 16 bytes packed into two integers: set look-ups without allocating.
    struct WordKey: Hashable {
        var a: UInt64
        var b: UInt64

        init?<C: Collection>(_ bytes: C) where C.Element == UInt8 {
            guard bytes.count <= 16 else { return nil }
            a = 0
            b = 0
            for (k, c) in bytes.enumerated() {
                guard c < 0x80 else { return nil }
                let l = UInt64(ByteText.isUpper(c) ? c | 0x20 : c)
                if k < 8 { a |= l << (8 * k) } else { b |= l << (8 * (k - 8)) }
            }
        }
    }

    static func keys(_ words: [String]) -> Set<WordKey> { Set(words.compactMap { WordKey($0.utf8) }) }
    static let jr = WordKey("jr".utf8), sr = WordKey("sr".utf8)

    /// Lower-case surname particles, kept inside a name when a capitalised word follows (`Lina van den Berg`).
    static let particles = keys(["van", "der", "den", "de", "del", "della", "di", "da", "du", "le", "la", "von", "zu", "ter", "ten", "bin", "al"])
    static let honorifics = keys(["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"])
    static let suffixes = keys(["jr", "sr", "ii", "iii", "iv", "md", "phd", "dds", "dvm", "esq", "rn", "cpa"])
    static let stopWords = keys([
        // Sentence openers and function words.
        "the", "a", "an", "this", "that", "these", "those", "it", "its", "we", "i", "you", "he", "she", "they", "our",
        "your", "his", "her", "my", "their", "in", "on", "at", "for", "from", "to", "by", "with", "and", "or", "but",
        "if", "when", "while", "after", "before", "please", "thanks", "thank", "hello", "hi", "dear", "re", "fwd",
        "yes", "no", "not", "do", "does", "did", "new", "old", "see", "per", "via", "note", "notes", "all",
        // Role and contact nouns that precede names.
        "customer", "patient", "client", "user", "member", "employee", "staff", "doctor", "nurse", "contact",
        "call", "email", "mail", "phone", "tel", "fax", "name", "mobile", "attn", "attention", "cc", "from", "signed",
        "manager", "director", "officer", "agent", "admin", "support", "team", "owner", "tenant", "guest",
        // Records, places and organisations.
        "order", "payment", "invoice", "ticket", "account", "server", "meeting", "room", "login", "refund", "wire",
        "inc", "ltd", "llc", "corp", "company", "bank", "hospital", "clinic", "university", "school", "street",
        "avenue", "road", "city", "county", "state", "department", "dept", "office", "group", "project",
        // Days. (Months stay: April, May, June and August are also first names.)
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
        "september", "october", "november", "december",
    ])

    struct Token {
        var start: Int
        var end: Int
        var key: WordKey?
        var capitalized: Bool
        var particle = false

        func isIn(_ set: Set<WordKey>) -> Bool { key.map(set.contains) ?? false }
    }

    /// The length of the UTF-8 scalar starting with byte `b`.
    @inline(__always) static func scalarLength(_ b: UInt8) -> Int {
        b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
    }

    /// Whether the scalar at `i` is an upper-case letter.
    static func isUpperScalar(_ t: ByteText, at i: Int) -> Bool {
        let b = t[i]
        if b < 0x80 { return ByteText.isUpper(b) }
        let len = scalarLength(b)
        guard i + len <= t.count, len >= 2 else { return false }
        var v = UInt32(b) & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07)
        for k in 1..<len { v = v << 6 | UInt32(t[i + k] & 0x3F) }
        return Unicode.Scalar(v)?.properties.isUppercase ?? false
    }

    /// Whether the scalar at `i` is a lower-case letter (ASCII, or any non-ASCII scalar: accents are in names).
    @inline(__always) static func isLowerish(_ t: ByteText, at i: Int) -> Bool {
        let b = t.at(i)
        return ByteText.isLower(b) || (b >= 0x80 && !isUpperScalar(t, at: i))
    }

    static func scan(_ t: ByteText, into out: inout [Candidate]) {
        let n = t.count
        var i = 0
        var run: [Token] = []
        while i < n {
            // Read one word: letters, with inner apostrophes and hyphens (O'Brien, Mary-Jane).
            let b = t[i]
            guard ByteText.isAlpha(b) || b >= 0xC0, !ByteText.isWord(t.at(i - 1)) else {
                if !(b == 0x20 || b == UInt8(ascii: ".") || ByteText.isWord(b)) { flush(&run, t, into: &out) }
                i += 1
                continue
            }
            var j = i
            while j < n {
                let c = t[j]
                if ByteText.isAlpha(c) || c >= 0x80 {
                    j += 1
                } else if (c == UInt8(ascii: "'") || c == UInt8(ascii: "-")) && (ByteText.isAlpha(t.at(j + 1)) || t.at(j + 1) >= 0xC0) && j > i {
                    j += 1
                } else {
                    break
                }
            }
            if ByteText.isDigit(t.at(j)) || t.at(j) == UInt8(ascii: "@") || t.at(j) == UInt8(ascii: "_") {
                // Part of an identifier or address, not a word.
                flush(&run, t, into: &out)
                while j < n, !ByteText.isSpace(t[j]) { j += 1 }
                i = j
                continue
            }
            guard isUpperScalar(t, at: i) else {
                if !run.isEmpty, i - run[run.count - 1].end == 1, isParticle(t, i, j), nameFollows(t, after: j) {
                    let key = WordKey(UnsafeBufferPointer(rebasing: t.bytes[i..<j]))
                    run.append(Token(start: i, end: j, key: key, capitalized: false, particle: true))
                } else {
                    flush(&run, t, into: &out)
                }
                i = j
                continue
            }
            let key = WordKey(UnsafeBufferPointer(rebasing: t.bytes[i..<j]))
            let cap = (j - i == 1 || isLowerish(t, at: i + scalarLength(t[i])) || t.at(i + 1) == UInt8(ascii: "'"))
            let isSuffix = key.map(suffixes.contains) ?? false
            let isHonorific = key.map(honorifics.contains) ?? false
            if cap || isSuffix {
                // Words join a run across one space, or ". " after an honorific or an initial.
                if let last = run.last {
                    let gap = i - last.end
                    let dotted = gap == 2 && t[last.end] == UInt8(ascii: ".") && t[last.end + 1] == 0x20
                        && (last.isIn(honorifics) || last.end - last.start == 1)
                    let joined = (gap == 1 && t[last.end] == 0x20) || dotted
                    if !joined { flush(&run, t, into: &out) }
                }
                run.append(Token(start: i, end: j, key: key, capitalized: cap || isHonorific))
            } else {
                flush(&run, t, into: &out)
            }
            i = j
        }
        flush(&run, t, into: &out)
    }

    static func isParticle(_ t: ByteText, _ i: Int, _ j: Int) -> Bool {
        guard j - i <= 5, let key = WordKey(UnsafeBufferPointer(rebasing: t.bytes[i..<j])) else { return false }
        return particles.contains(key)
    }

    /// Whether a capitalised word follows `j` after one space, possibly past more particles (`van den Berg`).
    static func nameFollows(_ t: ByteText, after j: Int) -> Bool {
        var k = j
        for _ in 0..<3 {
            guard t.at(k) == 0x20, k + 1 < t.count else { return false }
            k += 1
            if isUpperScalar(t, at: k) { return true }
            var e = k
            while e < t.count, ByteText.isAlpha(t[e]) { e += 1 }
            guard isParticle(t, k, e) else { return false }
            k = e
        }
        return false
    }

    /// Turns a run of capitalised words into a name, if one is left after trimming.
    static func flush(_ run: inout [Token], _ t: ByteText, into out: inout [Candidate]) {
        defer { run.removeAll(keepingCapacity: true) }
        guard run.count >= 2 else { return }
        var lo = 0, hi = run.count
        // Leading stop words go; an honorific stays and starts the name.
        while lo < hi, run[lo].isIn(stopWords), !run[lo].isIn(honorifics) { lo += 1 }
        var honorific = false
        if lo < hi, run[lo].isIn(honorifics) { honorific = true }
        // Trailing stop words go; a suffix stays when a name precedes it.
        var suffixEnd: Int?
        while hi > lo {
            let w = run[hi - 1]
            if w.isIn(suffixes), hi - 1 > lo {
                if suffixEnd == nil { suffixEnd = w.end + (t.at(w.end) == UInt8(ascii: ".") && (w.key == jr || w.key == sr) ? 1 : 0) }
                hi -= 1
            } else if w.isIn(stopWords) {
                hi -= 1
                suffixEnd = nil
            } else {
                break
            }
        }
        while hi > lo, run[hi - 1].particle { hi -= 1 }
        let core = run[lo..<hi].filter { !$0.isIn(honorifics) && !$0.particle }
        guard core.allSatisfy({ $0.capitalized && !$0.isIn(stopWords) }) else { return }
        let needed = honorific ? 1 : 2
        guard core.count >= needed, core.count <= 4 else { return }
        let start = run[lo].start
        let end = suffixEnd ?? run[hi - 1].end
        out.append(Candidate(type: .person, start: start, end: end, score: honorific ? 0.85 : 0.5))
    }
}
