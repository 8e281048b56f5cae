import Crypto
import Foundation
import GreenlightCore

/// Applies an ``AnonymizerConfig``: operators to values, and per-entity operators to PII found in free text.
///
/// Not `Sendable`-shared: it caches derived pseudonym keys and counts what it transformed; use one per task.
public struct Anonymizer {
    /// The config applied.
    public let config: AnonymizerConfig
    let analyzer: PIIAnalyzer
    let pseudonymizer: Pseudonymizer?
    let fernet: Fernet?
    var domainKeys: [String: HMAC<SHA256>] = [:]
    // Per entity type in `allCases` order: dictionary look-ups keyed by the type hash its raw value string.
    let entityOperators: [AnonymizerOperator]
    var counts = [Int](repeating: 0, count: PIIEntityType.allCases.count)

    /// Entities found in free text and transformed so far, per type.
    public var entitiesTransformed: [String: Int] {
        var result: [String: Int] = [:]
        for type in PIIEntityType.allCases where counts[type.ordinal] > 0 { result[type.rawValue] = counts[type.ordinal] }
        return result
    }

    /// Creates an anonymizer, reading the config's key file when an operator needs it.
    ///
    /// - Parameters:
    ///   - config: The config.
    ///   - key: The key text (as `greenlight privacy keygen --fernet` prints it), overriding `key_file`.
    /// - Throws: ``GreenlightError`` when a key is needed and the key file is missing, unreadable or not a key.
    public init(config: AnonymizerConfig, key: String? = nil) throws {
        self.config = config
        analyzer = PIIAnalyzer(entities: config.detect)
        entityOperators = PIIEntityType.allCases.map(config.entityOperator)
        var keyText = key
        if keyText == nil, config.needsKey {
            guard let path = config.keyFile else {
                throw GreenlightError.invalidInput("\(config.source): pseudonymize and encrypt need key_file: (a file holding a Fernet key, 32 url-safe base64-encoded bytes)")
            }
            let data = try InputFile.contents(path, what: "", summary: "\(config.source): key_file \(path): cannot read it")
            keyText = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let keyText {
            guard let bytes = Fernet.base64URLDecode(keyText), bytes.count == 32 else {
                throw GreenlightError.invalidInput("\(config.source): key_file \(config.keyFile ?? "(given)"): not a key; expected a Fernet key, 32 url-safe base64-encoded bytes")
            }
            pseudonymizer = try Pseudonymizer(masterKey: Array(bytes))
            fernet = try Fernet(key: keyText)
        } else {
            pseudonymizer = nil
            fernet = nil
        }
    }

    /// Finds PII in `text` and applies each entity type's operator.
    ///
    /// - Returns: The text with every finding replaced, removed, masked, pseudonymized or encrypted.
    public mutating func anonymizeText(_ text: String) throws -> String {
        var text = text
        var values: [String] = []
        let found = text.withUTF8 { buffer in
            let found = analyzer.candidates(in: ByteText(buffer))
            values = found.map { String(decoding: UnsafeBufferPointer(rebasing: buffer[$0.start..<$0.end]), as: UTF8.self) }
            return found
        }
        guard !found.isEmpty else { return text }
        var replacements: [String?] = []
        replacements.reserveCapacity(found.count)
        for (c, value) in zip(found, values) {
            replacements.append(try apply(entityOperators[c.type.ordinal], to: value, label: c.type.rawValue))
            counts[c.type.ordinal] += 1
        }
        return text.withUTF8 { buffer in
            var out: [UInt8] = []
            out.reserveCapacity(buffer.count + 32)
            var position = 0
            for (c, replacement) in zip(found, replacements) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[position..<c.start]))
                if let replacement { out.append(contentsOf: replacement.utf8) }
                position = c.end
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[position...]))
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Applies one operator to one value.
    ///
    /// - Parameters:
    ///   - op: The operator.
    ///   - value: The value.
    ///   - label: The entity type or column name: the default replacement `<label>` and pseudonym domain.
    /// - Returns: The new value, or `nil` when the operator removes it (``AnonymizerOperator/redact``).
    public mutating func apply(_ op: AnonymizerOperator, to value: String, label: String) throws -> String? {
        switch op {
        case .keep: return value
        case .redact: return nil
        case .replace(let replacement): return replacement ?? "<\(label)>"
        case let .mask(char, count, fromEnd): return AnonymizerOperator.mask(value, char: char, count: count, fromEnd: fromEnd)
        case let .pseudonymize(domain, length):
            guard let pseudonymizer else { throw GreenlightError.invalidInput("\(config.source): pseudonymize needs key_file:") }
            let d = domain ?? label
            let keyed: HMAC<SHA256>
            if let cached = domainKeys[d] {
                keyed = cached
            } else {
                keyed = HMAC<SHA256>(key: SymmetricKey(data: pseudonymizer.domainKey(d)))
                domainKeys[d] = keyed
            }
            return Pseudonymizer.pseudonym(value, keyed: keyed, length: length)
        case .encrypt:
            guard let fernet else { throw GreenlightError.invalidInput("\(config.source): encrypt needs key_file:") }
            return try fernet.encrypt(Data(value.utf8))
        case .entities:
            return try anonymizeText(value)
        }
    }
}
