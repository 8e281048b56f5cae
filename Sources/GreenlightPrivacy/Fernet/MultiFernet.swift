public import Foundation
import GreenlightCore

/// Fernet with key rotation: encrypts with the first key, decrypts with any of them.
///
/// Put the new key first and keep old keys after it until every token has been re-encrypted with ``rotate(_:)``.
/// Behaves like Python `cryptography.fernet.MultiFernet`.
public struct MultiFernet: Sendable {
    let fernets: [Fernet]

    /// Creates a MultiFernet from keys, newest first.
    ///
    /// - Parameters:
    ///   - fernets: At least one Fernet; the first encrypts.
    /// - Throws: ``GreenlightError`` (invalid input) when `fernets` is empty.
    public init(_ fernets: [Fernet]) throws {
        guard !fernets.isEmpty else { throw GreenlightError.invalidInput("MultiFernet needs at least one key") }
        self.fernets = fernets
    }

    /// Creates a MultiFernet from key texts, newest first.
    ///
    /// - Throws: ``GreenlightError`` when a key is invalid or `keys` is empty.
    public init(keys: [String]) throws {
        try self.init(keys.map { try Fernet(key: $0) })
    }

    /// Encrypts with the first key; see ``Fernet/encrypt(_:at:iv:)``.
    public func encrypt(_ data: Data, at time: Date = Date(), iv: [UInt8]? = nil) throws -> String {
        try fernets[0].encrypt(data, at: time, iv: iv)
    }

    /// Decrypts with the first key that verifies; see ``Fernet/decrypt(_:ttl:now:)``.
    ///
    /// - Throws: ``GreenlightError`` `invalid Fernet token` when no key decrypts it.
    public func decrypt(_ token: String, ttl: Duration? = nil, now: Date = Date()) throws -> Data {
        for f in fernets {
            if let data = try? f.decrypt(token, ttl: ttl, now: now) { return data }
        }
        throw Fernet.invalidToken
    }

    /// The timestamp of a token signed by any of the keys.
    ///
    /// - Throws: ``GreenlightError`` `invalid Fernet token` when no key verifies it.
    public func extractTimestamp(_ token: String) throws -> Date {
        for f in fernets {
            if let date = try? f.extractTimestamp(token) { return date }
        }
        throw Fernet.invalidToken
    }

    /// Re-encrypts a token under the first key, keeping its original timestamp, with a fresh IV.
    ///
    /// No age check is made, as in Python `cryptography`.
    ///
    /// - Parameters:
    ///   - token: A token made with any of the keys.
    /// - Returns: The new token.
    /// - Throws: ``GreenlightError`` `invalid Fernet token` when no key decrypts it.
    public func rotate(_ token: String) throws -> String {
        for f in fernets {
            if let (timestamp, plaintext) = try? f.verifiedDecrypt(token) {
                return try fernets[0].encrypt(plaintext, timestamp: timestamp, iv: nil)
            }
        }
        throw Fernet.invalidToken
    }
}
