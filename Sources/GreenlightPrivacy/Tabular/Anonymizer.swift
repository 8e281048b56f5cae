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
    var domainKeys: [String: [UInt8]] = [:]
    /// Entities found in free text and transformed so far, per type.
    public private(set) var entitiesTransformed: [String: Int] = [:]

    /// Creates an anonymizer, reading the config's key file when an operator needs it.
    ///
    /// - Parameters:
    ///   - config: The config.
    ///   - key: The key text (as `greenlight privacy keygen --fernet` prints it), overriding `key_file`.
    /// - Throws: ``GreenlightError`` when a key is needed and the key file is missing, unreadable or not a key.
    public init(config: AnonymizerConfig, key: String? = nil) throws {
        self.config = config
        analyzer = PIIAnalyzer(entities: config.detect)
        var keyText = key
        if keyText == nil, config.needsKey {
            guard let path = config.keyFile else {
                throw GreenlightError.invalidInput("\(config.source): pseudonymize and encrypt need key_file: (a key from `greenlight privacy keygen --fernet`)")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw GreenlightError.notFound("\(config.source): key_file \(path): cannot read it")
            }
            keyText = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let keyText {
            guard let bytes = Fernet.base64URLDecode(keyText), bytes.count == 32 else {
                throw GreenlightError.invalidInput("\(config.source): key_file \(config.keyFile ?? "(given)"): not a key; expected 32 url-safe base64-encoded bytes, as `greenlight privacy keygen --fernet` writes")
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
        let result: String? = try text.withUTF8 { buffer in
            let t = ByteText(buffer)
            let found = analyzer.candidates(in: t)
            guard !found.isEmpty else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(buffer.count + 32)
            var position = 0
            for c in found {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[position..<c.start]))
                let value = String(decoding: UnsafeBufferPointer(rebasing: buffer[c.start..<c.end]), as: UTF8.self)
                if let replacement = try apply(config.entityOperator(c.type), to: value, label: c.type.rawValue) {
                    out.append(contentsOf: replacement.utf8)
                }
                entitiesTransformed[c.type.rawValue, default: 0] += 1
                position = c.end
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[position...]))
            return String(decoding: out, as: UTF8.self)
        }
        return result ?? text
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
            let key: [UInt8]
            if let cached = domainKeys[d] {
                key = cached
            } else {
                key = pseudonymizer.domainKey(d)
                domainKeys[d] = key
            }
            return Pseudonymizer.pseudonym(value, key: key, length: length)
        case .encrypt:
            guard let fernet else { throw GreenlightError.invalidInput("\(config.source): encrypt needs key_file:") }
            return try fernet.encrypt(Data(value.utf8))
        case .entities:
            return try anonymizeText(value)
        }
    }
}
