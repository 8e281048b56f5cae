import GreenlightCore

/// The kinds of personal data the recognizers find, named as Microsoft Presidio names them.
public enum PIIEntityType: String, CaseIterable, Codable, Sendable, Hashable, Comparable {
    /// An e-mail address (`local@domain.tld`).
    case emailAddress = "EMAIL_ADDRESS"
    /// A phone number: international (`+44 20 7946 0958`, `001-…`) or national US, UK, DE, FR, NL formats.
    case phoneNumber = "PHONE_NUMBER"
    /// A payment card number of 12–19 digits that passes the Luhn check.
    case creditCard = "CREDIT_CARD"
    /// An IBAN with the registry length of its country and a valid ISO 7064 mod-97 checksum.
    case ibanCode = "IBAN_CODE"
    /// An IPv4 or IPv6 address.
    case ipAddress = "IP_ADDRESS"
    /// A US social security number in `AAA-GG-SSSS` form, with an area, group and serial the SSA issues.
    case usSSN = "US_SSN"
    /// A URL with a scheme (`https://…`) or starting with `www.`.
    case url = "URL"
    /// A calendar date, optionally with a time of day (a bare time is not personal data on its own).
    case dateTime = "DATE_TIME"
    /// A person's name: a heuristic over capitalised words, far less precise than the validated types.
    case person = "PERSON"

    /// The position in `allCases`, for bit sets and count arrays.
    var ordinal: Int {
        switch self {
        case .emailAddress: 0
        case .phoneNumber: 1
        case .creditCard: 2
        case .ibanCode: 3
        case .ipAddress: 4
        case .usSSN: 5
        case .url: 6
        case .dateTime: 7
        case .person: 8
        }
    }

    /// Orders types by name, as reports list them.
    public static func < (lhs: PIIEntityType, rhs: PIIEntityType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses a Presidio entity name such as `EMAIL_ADDRESS`.
    ///
    /// - Throws: ``GreenlightError`` listing the known names when `name` is not one of them.
    public init(name: String) throws {
        guard let type = PIIEntityType(rawValue: name) else {
            let known = PIIEntityType.allCases.map(\.rawValue).joined(separator: ", ")
            throw GreenlightError.invalidInput("unknown entity type \(name); known types: \(known)")
        }
        self = type
    }
}

/// One piece of personal data found in a text, in Presidio's `RecognizerResult` shape.
///
/// Offsets count Unicode scalars (code points), as Python's `str` indexes do, so spans agree with
/// Presidio's and with labels written in Python; they are neither UTF-16 nor byte offsets.
public struct PIIFinding: Codable, Sendable, Hashable {
    /// What was found.
    public var entityType: PIIEntityType
    /// First code point of the span.
    public var start: Int
    /// One past the last code point of the span.
    public var end: Int
    /// Confidence in [0, 1]: 1 for checksummed values, lower for formats that are only shaped right.
    public var score: Double

    /// Creates a finding.
    public init(entityType: PIIEntityType, start: Int, end: Int, score: Double) {
        self.entityType = entityType
        self.start = start
        self.end = end
        self.score = score
    }

    enum CodingKeys: String, CodingKey {
        case entityType = "entity_type", start, end, score
    }
}
