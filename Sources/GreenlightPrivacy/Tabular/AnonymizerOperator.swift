/// What to do with a value: a column's cell, a JSON field, or an entity found in free text.
///
/// The operators are Presidio's (`replace`, `redact`, `mask`, `hash`-like keyed `pseudonymize`, `encrypt`,
/// `keep`) plus `entities` for free-text columns: find PII in the text and apply the per-entity operators.
public enum AnonymizerOperator: Sendable, Hashable {
    /// Replaces the value with `value`, or with `<ENTITY_TYPE>` (entities) / `<COLUMN>` (columns) when nil.
    case replace(value: String?)
    /// Removes the value: an entity's text is cut out, a CSV cell left empty, a JSON field removed.
    case redact
    /// Overwrites `count` code points (all when nil) from the start, or from the end, with `char`.
    case mask(char: Character, count: Int?, fromEnd: Bool)
    /// A keyed pseudonym: the first `length` hex digits of HMAC-SHA256 under the domain's key (see ``Pseudonymizer``).
    case pseudonymize(domain: String?, length: Int)
    /// A Fernet token of the value under the key file's key; reversible by whoever holds the key.
    case encrypt
    /// Leaves the value as it is.
    case keep
    /// Free text: finds PII and applies the entity operators (columns and fields only).
    case entities

    /// The operator's name in configs and reports.
    public var name: String {
        switch self {
        case .replace: "replace"
        case .redact: "redact"
        case .mask: "mask"
        case .pseudonymize: "pseudonymize"
        case .encrypt: "encrypt"
        case .keep: "keep"
        case .entities: "entities"
        }
    }

    /// Whether applying it needs the key file.
    public var needsKey: Bool {
        switch self {
        case .pseudonymize, .encrypt: true
        default: false
        }
    }

    /// Masks `value` as ``mask(char:count:fromEnd:)`` describes.
    static func mask(_ value: String, char: Character, count: Int?, fromEnd: Bool) -> String {
        let scalars = Array(value.unicodeScalars)
        let n = min(count ?? scalars.count, scalars.count)
        let masked = String(repeating: String(char), count: n)
        if fromEnd {
            return String(String.UnicodeScalarView(scalars[..<(scalars.count - n)])) + masked
        }
        return masked + String(String.UnicodeScalarView(scalars[n...]))
    }
}
