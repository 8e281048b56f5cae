import Crypto
import Foundation
import GreenlightCore

/// Keyed pseudonyms: the same value under the same key and domain always gives the same pseudonym, so
/// joins across files still work, while without the key the mapping cannot be recomputed or reversed.
///
/// Each domain (`person`, `email`, …) has its own key, derived from the master key with HKDF-SHA256
/// (RFC 5869; salt `greenlight-pseudonym-v1`, info the domain name in UTF-8, 32 bytes), so a value's
/// pseudonyms in two domains cannot be linked. The pseudonym is the first hex digits of
/// HMAC-SHA256(domain key, value in UTF-8).
public struct Pseudonymizer: Sendable {
    static let salt = Data("greenlight-pseudonym-v1".utf8)
    // Raw bytes: swift-crypto 3.x's SymmetricKey is not Sendable.
    let master: [UInt8]

    /// Creates a pseudonymizer.
    ///
    /// - Parameters:
    ///   - masterKey: At least 16 secret bytes (the key file holds 32).
    /// - Throws: ``GreenlightError`` when the key is shorter than 16 bytes.
    public init(masterKey: [UInt8]) throws {
        guard masterKey.count >= 16 else { throw GreenlightError.invalidInput("a pseudonym key needs at least 16 bytes") }
        master = masterKey
    }

    /// A pseudonymizer whose master key is a key file's text, as `greenlight privacy keygen --fernet` writes it
    /// (32 bytes, url-safe base64), so one key file serves `anonymize` and `kanon` alike.
    ///
    /// - Parameters:
    ///   - keyText: The file's text (surrounding white space ignored).
    ///   - source: Where the key came from, for error messages.
    /// - Throws: ``GreenlightError`` when the text is not such a key.
    public init(keyText: String, source: String) throws {
        guard let bytes = Fernet.base64URLDecode(keyText.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw GreenlightError.invalidInput("\(source): not a key; expected a Fernet key, 32 url-safe base64-encoded bytes")
        }
        try self.init(masterKey: Array(bytes))
    }

    /// A pseudonymizer whose master key is the key file at `path` (``init(keyText:source:)``).
    ///
    /// - Throws: ``GreenlightError`` when the file cannot be read (with the system's reason) or is not a key.
    public init(keyFileAtPath path: String) throws {
        let data = try InputFile.contents(path, what: "the key file")
        try self.init(keyText: String(decoding: data, as: UTF8.self), source: "the key file \(path)")
    }

    /// The HKDF-derived key of a domain.
    public func domainKey(_ domain: String) -> [UInt8] {
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: master), salt: Pseudonymizer.salt,
                                         info: Data(domain.utf8), outputByteCount: 32)
        return key.withUnsafeBytes { Array($0) }
    }

    /// The pseudonym of `value` under a domain key from ``domainKey(_:)``.
    ///
    /// - Parameters:
    ///   - value: The value.
    ///   - key: The domain's key.
    ///   - length: Hex digits to keep, 8–64 (16 by default: 64 bits, collisions unlikely below 10⁸ values).
    public static func pseudonym(_ value: String, key: [UInt8], length: Int = 16) -> String {
        pseudonym(value, keyed: HMAC<SHA256>(key: SymmetricKey(data: key)), length: length)
    }

    /// The pseudonym of `value` from an HMAC already keyed with a domain key: copying the keyed state
    /// saves hashing the key's two pads for every value.
    static func pseudonym(_ value: String, keyed: HMAC<SHA256>, length: Int) -> String {
        var h = keyed
        var value = value
        value.withUTF8 { h.update(data: UnsafeRawBufferPointer($0)) }
        let mac = h.finalize()
        let hex = "0123456789abcdef".utf8.map { $0 }
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in mac {
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0x0F)])
        }
        return String(decoding: out.prefix(max(8, min(64, length))), as: UTF8.self)
    }

    /// The pseudonym of `value` in `domain`.
    public func pseudonym(_ value: String, domain: String, length: Int = 16) -> String {
        Pseudonymizer.pseudonym(value, key: domainKey(domain), length: length)
    }
}
