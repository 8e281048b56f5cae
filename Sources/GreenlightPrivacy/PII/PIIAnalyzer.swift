import GreenlightCore

/// Finds personal data in free text, as Presidio's `AnalyzerEngine` does, with hand-written recognizers
/// over the text's UTF-8 bytes and validators (Luhn, IBAN mod 97, SSA rules, numbering plans).
///
/// Overlaps are resolved as Presidio's anonymizer does: a span inside another span is dropped (of two
/// identical spans the higher score stays), and of two partly overlapping spans the higher score stays
/// (then the longer, then the earlier).
///
/// ```swift
/// let findings = PIIAnalyzer().analyze("Mail zoë@example.org")
/// // [PIIFinding(entityType: .emailAddress, start: 5, end: 20, score: 1.0)]
/// ```
public struct PIIAnalyzer: Sendable {
    /// The recognizer set and its version, named in every report's `method`.
    public static let version = "greenlight-recognizers-v1"

    /// How findings are obtained, for reports.
    public static var method: Method {
        Method(.estimated, version, detail: "rule-based recognizers with validators (Luhn, IBAN mod 97, SSA SSN rules, "
               + "NANP and UK/DE/FR/NL numbering plans); PERSON by a capitalised-word heuristic")
    }

    /// The entity types looked for.
    public let entities: Set<PIIEntityType>

    /// Creates an analyzer.
    ///
    /// - Parameters:
    ///   - entities: The types to look for; all by default.
    public init(entities: Set<PIIEntityType> = Set(PIIEntityType.allCases)) {
        self.entities = entities
    }

    /// Finds personal data in a text.
    ///
    /// - Parameters:
    ///   - text: Any text.
    /// - Returns: Non-overlapping findings in order, with code-point offsets.
    public func analyze(_ text: String) -> [PIIFinding] {
        var text = text
        return text.withUTF8 { buffer in
            let t = ByteText(buffer)
            let found = candidates(in: t)
            return PIIAnalyzer.codePointFindings(found, in: t)
        }
    }

    /// Non-overlapping findings in byte offsets, ordered by start.
    func candidates(in t: ByteText) -> [Candidate] {
        var all: [Candidate] = []
        if entities.contains(.emailAddress) { EmailRecognizer.scan(t, into: &all) }
        if entities.contains(.url) { URLRecognizer.scan(t, into: &all) }
        if entities.contains(.ipAddress) { IPAddressRecognizer.scan(t, into: &all) }
        if entities.contains(.ibanCode) { IBANRecognizer.scan(t, into: &all) }
        if entities.contains(.creditCard) { CreditCardRecognizer.scan(t, into: &all) }
        if entities.contains(.usSSN) { USSSNRecognizer.scan(t, into: &all) }
        if entities.contains(.phoneNumber) { PhoneNumberRecognizer.scan(t, into: &all) }
        if entities.contains(.dateTime) { DateTimeRecognizer.scan(t, into: &all) }
        if entities.contains(.person) { PersonRecognizer.scan(t, into: &all) }
        return PIIAnalyzer.resolve(all)
    }

    /// Drops contained spans, then settles partial overlaps by score, length and position.
    static func resolve(_ candidates: [Candidate]) -> [Candidate] {
        guard candidates.count > 1 else { return candidates }
        let sorted = candidates.sorted {
            if $0.start != $1.start { return $0.start < $1.start }
            if $0.end != $1.end { return $0.end > $1.end }
            if $0.score != $1.score { return $0.score > $1.score }
            return $0.type < $1.type
        }
        // 1. Containment: sorted by start, longest first, so a span ending at or before the furthest end
        // seen so far lies inside an earlier span.
        var outer: [Candidate] = []
        outer.reserveCapacity(sorted.count)
        var maxEnd = -1
        for c in sorted where c.end > maxEnd {
            outer.append(c)
            maxEnd = c.end
        }
        // 2. Partial overlaps: starts and ends now both increase.
        var kept: [Candidate] = []
        kept.reserveCapacity(outer.count)
        for c in outer {
            guard let last = kept.last, c.start < last.end else {
                kept.append(c)
                continue
            }
            if c.score > last.score || (c.score == last.score && c.length > last.length) {
                kept[kept.count - 1] = c
            }
        }
        return kept
    }

    /// Converts byte offsets to code-point offsets in one pass over the bytes.
    static func codePointFindings(_ found: [Candidate], in t: ByteText) -> [PIIFinding] {
        var result: [PIIFinding] = []
        result.reserveCapacity(found.count)
        var byte = 0, scalars = 0
        func advance(to target: Int) -> Int {
            while byte < target {
                if t[byte] & 0xC0 != 0x80 { scalars += 1 }
                byte += 1
            }
            return scalars
        }
        for c in found {
            let start = advance(to: c.start)
            let end = advance(to: c.end)
            result.append(PIIFinding(entityType: c.type, start: start, end: end, score: c.score))
        }
        return result
    }
}
