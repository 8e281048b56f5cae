import Foundation
import GreenlightCore

/// How much a column says about a person, in the vocabulary of de-identification.
public enum ColumnClass: String, Sendable, Hashable, Codable, CaseIterable {
    /// Identifies a person on its own: name, e-mail, phone, SSN, account or card number, a unique record id.
    case directIdentifier = "direct-identifier"
    /// Identifies in combination with other columns: birth date, ZIP code, sex, age, place.
    case quasiIdentifier = "quasi-identifier"
    /// What must not be linked to a person: health, religion, ethnicity, sexuality, finances (GDPR Art. 9).
    case sensitive
    /// None of the above.
    case other
}

/// One column's classification and the rule that decided it.
public struct ColumnProfile: Sendable, Hashable {
    /// The header.
    public var column: String
    /// The class.
    public var classification: ColumnClass
    /// The rule that decided, for people to check, e.g. `values: 100% EMAIL_ADDRESS`.
    public var reason: String
    /// The entity type most sampled values are, when at least 80 % are one type.
    public var entity: PIIEntityType?
    /// Non-empty values sampled.
    public var sampled: Int
    /// Distinct values over non-empty values sampled.
    public var distinctRatio: Double
}

/// Classifies table columns from their headers and a sample of their values.
///
/// The rules, in order (the first that applies decides):
/// 1. **Values**: when ≥ 80 % of non-empty sampled values are, whole, one entity the recognizers find,
///    the column is that kind of data. E-mail, phone, SSN, card, IBAN, IP, URL and person names are
///    direct identifiers (HIPAA Safe Harbor §164.514(b)(2) lists all of them); dates are quasi-identifiers.
/// 2. **Header words** (split on `_`, `-`, spaces and camel case; matched whole): direct (`name`, `email`,
///    `phone`, `ssn`, `passport`, `iban`, `account`, `address`, …), sensitive (`diagnosis`, `condition`,
///    `medication`, `religion`, `ethnicity`, `salary`, … — GDPR Art. 9 special categories and finances), then
///    quasi (`birth`, `dob`, `zip`, `postcode`, `sex`, `gender`, `age`, `city`, … — Sweeney showed ZIP, birth
///    date and sex alone single out 87 % of Americans).
/// 3. **Record ids**: a header `id` or ending in `id` (`patient_id`, `userId`) with ≥ 95 % distinct values is a
///    direct identifier: it links every row to one person.
/// 4. Otherwise **other**.
public struct ColumnClassifier: Sendable {
    /// Rows sampled from the start of a table.
    public var sampleRows: Int
    let analyzer = PIIAnalyzer()

    static let directWords: Set<String> = [
        "name", "names", "firstname", "lastname", "surname", "fullname", "forename", "email", "mail", "phone", "telephone",
        "tel", "mobile", "cell", "fax", "ssn", "passport", "license", "licence", "iban", "account", "card", "creditcard",
        "address", "street", "ip", "mrn", "nhs", "username", "login", "url", "website", "insurance", "vin", "plate",
    ]
    static let sensitiveWords: Set<String> = [
        "diagnosis", "diagnoses", "condition", "conditions", "disease", "illness", "icd", "medication", "medications",
        "drug", "drugs", "prescription", "treatment", "procedure", "symptom", "symptoms", "allergy", "allergies",
        "hiv", "health", "disability", "religion", "religious", "faith", "ethnicity", "ethnic", "race", "sexuality",
        "orientation", "political", "union", "genetic", "biometric", "salary", "income", "wage", "debt", "criminal",
        "conviction",
    ]
    static let quasiWords: Set<String> = [
        "birth", "birthdate", "birthday", "dob", "born", "yob", "age", "zip", "zipcode", "postcode", "postal", "sex",
        "gender", "city", "town", "county", "state", "region", "country", "nationality", "occupation", "job",
        "profession", "employer", "marital", "education", "language",
    ]

    /// Creates a classifier.
    public init(sampleRows: Int = 1000) {
        self.sampleRows = sampleRows
    }

    /// Splits a header into lower-case words: `patient_id` → `patient`, `id`; `birthDate` → `birth`, `date`.
    static func words(_ header: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousLower = false
        for ch in header {
            if ch.isLetter || ch.isNumber {
                if ch.isUppercase, previousLower, !current.isEmpty {
                    words.append(current)
                    current = ""
                }
                current.append(Character(ch.lowercased()))
                previousLower = ch.isLowercase
            } else {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousLower = false
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Classifies one column.
    ///
    /// - Parameters:
    ///   - header: The column name.
    ///   - values: Sampled values (empty ones are ignored).
    /// - Returns: The class, the rule that decided it and the values' dominant entity type.
    public func classify(header: String, values: [String]) -> ColumnProfile {
        let nonEmpty = values.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let distinct = nonEmpty.isEmpty ? 0 : Double(Set(nonEmpty).count) / Double(nonEmpty.count)
        var counts: [PIIEntityType: Int] = [:]
        for v in nonEmpty {
            let f = analyzer.analyze(v)
            if f.count == 1, f[0].start == 0, f[0].end == v.unicodeScalars.count { counts[f[0].entityType, default: 0] += 1 }
        }
        var profile = ColumnProfile(column: header, classification: .other, reason: "no rule applies", entity: nil,
                                    sampled: nonEmpty.count, distinctRatio: distinct)
        if let (type, n) = counts.max(by: { $0.value < $1.value }), !nonEmpty.isEmpty, Double(n) >= 0.8 * Double(nonEmpty.count) {
            profile.entity = type
            let share = "values: \(Int((Double(n) / Double(nonEmpty.count) * 100).rounded()))% \(type.rawValue)"
            if type == .dateTime {
                profile.classification = .quasiIdentifier
            } else {
                profile.classification = .directIdentifier
            }
            profile.reason = share
            // A date column whose header says it is sensitive (e.g. `diagnosis_date`) stays quasi; headers
            // do not override value evidence of a direct identifier.
            return profile
        }
        let words = ColumnClassifier.words(header)
        if let w = words.first(where: ColumnClassifier.directWords.contains) {
            profile.classification = .directIdentifier
            profile.reason = "header word \"\(w)\""
        } else if let w = words.first(where: ColumnClassifier.sensitiveWords.contains) {
            profile.classification = .sensitive
            profile.reason = "header word \"\(w)\""
        } else if let w = words.first(where: ColumnClassifier.quasiWords.contains) {
            profile.classification = .quasiIdentifier
            profile.reason = "header word \"\(w)\""
        } else if words.last == "id" || words.last == "uuid" || words.last == "guid" || header.hasSuffix("Id") || header.hasSuffix("ID"),
                  distinct >= 0.95 {
            profile.classification = .directIdentifier
            profile.reason = "record id: header ends in id, \(Int((distinct * 100).rounded()))% distinct values"
        }
        return profile
    }

    /// Samples a CSV file's first rows and classifies every column.
    ///
    /// - Parameters:
    ///   - path: A CSV file with a header row.
    ///   - encoding: How its bytes are decoded.
    /// - Returns: Rows sampled and one profile per column, in header order.
    /// - Throws: ``GreenlightError`` when the file cannot be read, is not valid text, or a row is malformed
    ///   (with its line).
    public func scan(csvPath path: String, encoding: TextEncoding = .utf8) throws -> (rows: Int, columns: [ColumnProfile], findings: [String: Int]) {
        var table = try CSVTableReader(path: path, encoding: encoding)
        defer { table.close() }
        var samples = Array(repeating: [String](), count: table.header.count)
        var rows = 0
        while rows < sampleRows, let row = try table.next() {
            for (k, v) in row.enumerated() { samples[k].append(v) }
            rows += 1
        }
        var findings: [String: Int] = [:]
        for column in samples {
            for v in column {
                for f in analyzer.analyze(v) { findings[f.entityType.rawValue, default: 0] += 1 }
            }
        }
        let profiles = table.header.enumerated().map { classify(header: $0.element, values: samples[$0.offset]) }
        return (rows, profiles, findings)
    }
}
