public import GreenlightCore

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
        var mask: UInt32 = 0
        for type in entities { mask |= 1 << type.ordinal }
        self.mask = mask
    }

    // One bit per type in `allCases` order: `Set.contains` hashes the raw value string on every call.
    let mask: UInt32

    @inline(__always) func wants(_ type: PIIEntityType) -> Bool { mask & (1 << type.ordinal) != 0 }

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
        if wants(.emailAddress) { EmailRecognizer.scan(t, into: &all) }
        if wants(.url) { URLRecognizer.scan(t, into: &all) }
        if wants(.ipAddress) { IPAddressRecognizer.scan(t, into: &all) }
        if wants(.ibanCode) { IBANRecognizer.scan(t, into: &all) }
        if wants(.creditCard) { CreditCardRecognizer.scan(t, into: &all) }
        if wants(.usSSN) { USSSNRecognizer.scan(t, into: &all) }
        if wants(.phoneNumber) { PhoneNumberRecognizer.scan(t, into: &all) }
        if wants(.dateTime) { DateTimeRecognizer.scan(t, into: &all) }
        if wants(.person) { PersonRecognizer.scan(t, into: &all) }
        return PIIAnalyzer.resolve(all)
    }

    /// Drops contained spans, then settles partial overlaps by score, length and position.
    static func resolve(_ candidates: [Candidate]) -> [Candidate] {
        guard candidates.count > 1 else { return candidates }
        var c = candidates
        c.sort {
            if $0.start != $1.start { return $0.start < $1.start }
            if $0.end != $1.end { return $0.end > $1.end }
            if $0.score != $1.score { return $0.score > $1.score }
            return $0.type.ordinal < $1.type.ordinal
        }
        // In place, keeping c[0..<kept]. Sorted by start, longest first, so a span ending at or before the
        // last kept end lies inside a kept span (1. containment: dropped). Otherwise starts and ends both
        // increase, and an overlap with the last kept span is partial (2.: the higher score, then the longer).
        var kept = 1
        for k in 1..<c.count {
            let last = c[kept - 1]
            let x = c[k]
            if x.end <= last.end { continue }
            if x.start < last.end {
                if x.score > last.score || (x.score == last.score && x.length > last.length) { c[kept - 1] = x }
                continue
            }
            c[kept] = x
            kept += 1
        }
        c.removeSubrange(kept...)
        return c
    }

    /// Converts byte offsets to code-point offsets in one pass over the bytes.
    static func codePointFindings(_ found: [Candidate], in t: ByteText) -> [PIIFinding] {
        var result: [PIIFinding] = []
        result.reserveCapacity(found.count)
        var byte = 0, scalars = 0
        for c in found {
            while byte < c.start {
                if t[byte] & 0xC0 != 0x80 { scalars += 1 }
                byte += 1
            }
            let start = scalars
            while byte < c.end {
                if t[byte] & 0xC0 != 0x80 { scalars += 1 }
                byte += 1
            }
            result.append(PIIFinding(entityType: c.type, start: start, end: scalars, score: c.score))
        }
        return result
    }
}
