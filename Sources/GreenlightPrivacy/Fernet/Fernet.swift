import Crypto
public import Foundation
import GreenlightCore
import _CryptoExtras

/// Fernet symmetric encryption, exactly as the Fernet specification defines it.
///
/// A token is `base64url(0x80 ‖ timestamp ‖ IV ‖ ciphertext ‖ HMAC)`: an 8-byte big-endian timestamp in
/// seconds, a 16-byte IV, AES-128-CBC with PKCS #7 padding, and HMAC-SHA256 over everything before it.
/// The key is 32 url-safe base64-encoded bytes: the first 16 sign, the last 16 encrypt.
/// Tokens interoperate with Python `cryptography.fernet.Fernet`.
///
/// Every decryption failure — bad base64, wrong version, truncation, tampering, wrong key, and, when a TTL
/// is given, expiry or a timestamp over 60 s in the future — throws the same error, so failures reveal nothing.
public struct Fernet: Sendable {
    static let version: UInt8 = 0x80
    /// With a TTL, tokens stamped more than this many seconds in the future are rejected.
    static let maxClockSkew: Int64 = 60
    static let headerSize = 1 + 8 + 16
    static let macSize = 32

    // Raw bytes: swift-crypto 3.x's SymmetricKey is not Sendable.
    let signingBytes: [UInt8]
    let encryptionBytes: [UInt8]
    var signingKey: SymmetricKey { SymmetricKey(data: signingBytes) }
    var encryptionKey: SymmetricKey { SymmetricKey(data: encryptionBytes) }

    static var invalidToken: GreenlightError { .invalidInput("invalid Fernet token") }

    /// Creates a Fernet from a key.
    ///
    /// - Parameters:
    ///   - key: 32 bytes in url-safe base64 with padding, as ``generateKey()`` makes.
    /// - Throws: ``GreenlightError`` (invalid input) when the key is not 32 url-safe base64-encoded bytes.
    public init(key: String) throws {
        guard let bytes = Fernet.base64URLDecode(key), bytes.count == 32 else {
            throw GreenlightError.invalidInput("Fernet key must be 32 url-safe base64-encoded bytes")
        }
        signingBytes = Array(bytes[0..<16])
        encryptionBytes = Array(bytes[16..<32])
    }

    /// A new random key: 32 bytes from the system's secure generator, url-safe base64 with padding.
    ///
    /// - Returns: The key text, 44 characters.
    public static func generateKey() -> String {
        let key = SymmetricKey(size: .bits256)
        return key.withUnsafeBytes { base64URLEncode(Data($0)) }
    }

    /// Encrypts and signs data.
    ///
    /// - Parameters:
    ///   - data: The message.
    ///   - time: The time stamped into the token (whole seconds since 1970).
    ///   - iv: 16 bytes of IV for known-answer tests only; by default a fresh secure random IV.
    /// - Returns: The token, url-safe base64 with padding.
    /// - Throws: ``GreenlightError`` when `iv` is given and is not 16 bytes, or `time` is before 1970.
    public func encrypt(_ data: Data, at time: Date = Date(), iv: [UInt8]? = nil) throws -> String {
        let seconds = time.timeIntervalSince1970.rounded(.down)
        guard seconds >= 0, seconds < 1.8e19 else {
            throw GreenlightError.invalidInput("Fernet timestamp must be after 1970-01-01")
        }
        return try encrypt(data, timestamp: UInt64(seconds), iv: iv)
    }

    func encrypt(_ data: Data, timestamp: UInt64, iv: [UInt8]?) throws -> String {
        let ivBytes: [UInt8]
        if let iv {
            guard iv.count == 16 else { throw GreenlightError.invalidInput("Fernet IV must be 16 bytes") }
            ivBytes = iv
        } else {
            var rng = SystemRandomNumberGenerator()
            ivBytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        }
        let ciphertext = try AES._CBC.encrypt(data, using: encryptionKey, iv: AES._CBC.IV(ivBytes: ivBytes))
        var token = Data(capacity: Fernet.headerSize + ciphertext.count + Fernet.macSize)
        token.append(Fernet.version)
        withUnsafeBytes(of: timestamp.bigEndian) { token.append(contentsOf: $0) }
        token.append(contentsOf: ivBytes)
        token.append(ciphertext)
        let mac = HMAC<SHA256>.authenticationCode(for: token, using: signingKey)
        token.append(contentsOf: mac)
        return Fernet.base64URLEncode(token)
    }

    /// Verifies and decrypts a token.
    ///
    /// The HMAC is checked in constant time before anything is decrypted.
    ///
    /// - Parameters:
    ///   - token: The token; surrounding whitespace is not accepted here.
    ///   - ttl: When given, tokens stamped more than `ttl` before `now`, or more than 60 s after it (clock
    ///     skew), are rejected. Without a TTL the age is not checked, as in Python `cryptography`.
    ///   - now: The current time.
    /// - Returns: The message.
    /// - Throws: ``GreenlightError`` `invalid Fernet token` for every failure.
    public func decrypt(_ token: String, ttl: Duration? = nil, now: Date = Date()) throws -> Data {
        let (timestamp, plaintext) = try verifiedDecrypt(token)
        let current = now.timeIntervalSince1970.rounded(.down)
        let stamp = Double(timestamp)
        if let ttl {
            let (s, atto) = ttl.components
            let seconds = Double(s) + Double(atto) / 1e18
            if stamp + seconds < current { throw Fernet.invalidToken }
            if current + Double(Fernet.maxClockSkew) < stamp { throw Fernet.invalidToken }
        }
        return plaintext
    }

    /// The time stamped into a token, after verifying its HMAC (but not its age).
    ///
    /// - Parameters:
    ///   - token: The token.
    /// - Returns: The timestamp.
    /// - Throws: ``GreenlightError`` `invalid Fernet token` when the token is malformed or not signed by this key.
    public func extractTimestamp(_ token: String) throws -> Date {
        let (bytes, timestamp) = try Fernet.parse(token)
        try verify(bytes)
        return Date(timeIntervalSince1970: Double(timestamp))
    }

    /// Verifies and decrypts without any time check: the timestamp and the message.
    func verifiedDecrypt(_ token: String) throws -> (timestamp: UInt64, plaintext: Data) {
        let (bytes, timestamp) = try Fernet.parse(token)
        try verify(bytes)
        let iv = bytes[1 + 8 ..< Fernet.headerSize]
        let ciphertext = bytes[Fernet.headerSize ..< bytes.count - Fernet.macSize]
        do {
            let plaintext = try AES._CBC.decrypt(ciphertext, using: encryptionKey, iv: AES._CBC.IV(ivBytes: iv))
            return (timestamp, plaintext)
        } catch {
            throw Fernet.invalidToken
        }
    }

    /// Checks the HMAC over everything before it, in constant time.
    func verify(_ bytes: Data) throws {
        let signed = bytes[..<(bytes.count - Fernet.macSize)]
        let mac = bytes[(bytes.count - Fernet.macSize)...]
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signed, using: signingKey) else {
            throw Fernet.invalidToken
        }
    }

    /// Decodes a token and checks its version and shape; returns the bytes (indexed from 0) and the timestamp.
    static func parse(_ token: String) throws -> (bytes: Data, timestamp: UInt64) {
        guard let bytes = base64URLDecode(token),
              bytes.count >= headerSize + 16 + macSize,
              (bytes.count - headerSize - macSize) % 16 == 0,
              bytes[0] == version
        else { throw invalidToken }
        let timestamp = bytes[1..<9].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return (bytes, timestamp)
    }

    /// Url-safe base64 with padding, as Python's `base64.urlsafe_b64encode`.
    static func base64URLEncode(_ data: Data) -> String {
        String(data.base64EncodedString().map { c -> Character in
            switch c {
            case "+": "-"
            case "/": "_"
            default: c
            }
        })
    }

    /// Decodes url-safe base64 with padding; nil for anything else (including the standard alphabet's + and /).
    static func base64URLDecode(_ text: String) -> Data? {
        guard !text.contains("+"), !text.contains("/") else { return nil }
        let standard = String(text.map { c -> Character in
            switch c {
            case "-": "+"
            case "_": "/"
            default: c
            }
        })
        guard let data = Data(base64Encoded: standard) else { return nil }
        // Re-based at index 0 so callers can slice by offset.
        return Data(data)
    }
}
