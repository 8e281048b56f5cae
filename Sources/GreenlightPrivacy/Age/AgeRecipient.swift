import GreenlightCore

/// A recipient stanza of an age header: the file key wrapped for one recipient.
///
/// In the header it reads `-> TYPE ARGUMENT...` followed by the body in base64 without padding, wrapped at
/// 64 columns and ended by a line shorter than 64 characters.
public struct AgeStanza: Sendable, Hashable {
    /// The first argument, naming the recipient type: `X25519`, `scrypt`, or another implementation's name.
    public var type: String
    /// The arguments after the type.
    public var arguments: [String]
    /// The body, decoded.
    public var body: [UInt8]

    /// Creates a stanza.
    ///
    /// - Parameters:
    ///   - type: The recipient type, a non-empty string of printable ASCII without spaces.
    ///   - arguments: Further arguments, each a non-empty string of printable ASCII without spaces.
    ///   - body: The wrapped file key, or whatever the recipient type defines.
    public init(type: String, arguments: [String], body: [UInt8]) {
        self.type = type
        self.arguments = arguments
        self.body = body
    }
}

/// Something an age file can be encrypted to: it wraps the 16-byte file key into header stanzas.
///
/// Greenlight provides ``AgeX25519Recipient`` (public keys, `age1...`) and ``AgeScryptRecipient`` (passphrases).
public protocol AgeRecipient: Sendable {
    /// Wraps a file key.
    ///
    /// - Parameters:
    ///   - fileKey: The file key, 16 bytes.
    /// - Returns: The stanzas to put in the header, usually one.
    /// - Throws: When the file key cannot be wrapped for this recipient.
    func wrap(fileKey: [UInt8]) throws -> [AgeStanza]
}

/// Something that can decrypt an age file: it unwraps the file key from the stanzas addressed to it.
///
/// Greenlight provides ``AgeX25519Identity`` (`AGE-SECRET-KEY-1...`) and ``AgeScryptIdentity`` (passphrases).
public protocol AgeIdentity: Sendable {
    /// Unwraps the file key from the header's stanzas.
    ///
    /// Stanzas of other types must be ignored.
    ///
    /// - Parameters:
    ///   - stanzas: All the header's stanzas, in order.
    /// - Returns: The 16-byte file key, or nil when no stanza is addressed to this identity.
    /// - Throws: ``GreenlightError`` when a stanza of this identity's type is malformed; decryption then stops.
    func unwrap(_ stanzas: [AgeStanza]) throws -> [UInt8]?
}

/// The messages of decryption failures. As in age, they tell a malformed header, no matching identity, an altered
/// header and an altered or truncated payload apart, and nothing more.
enum AgeError {
    static func header(_ reason: String) -> GreenlightError {
        .invalidInput("invalid age header: \(reason)")
    }

    static var noMatch: GreenlightError {
        .invalidInput("no identity matched any of the age file's recipients (wrong key or passphrase?)")
    }

    static var headerMAC: GreenlightError {
        .invalidInput("age header MAC mismatch: the header was altered")
    }

    static var payload: GreenlightError {
        .invalidInput("age payload did not authenticate: the file is truncated or altered, or has data after its end")
    }
}
