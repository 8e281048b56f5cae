import Crypto
import Foundation
import GreenlightCore

/// Key wrapping shared by the native recipient types: ChaCha20-Poly1305 under a derived key with a zero nonce.
enum AgeKeyWrap {
    static func seal(_ fileKey: [UInt8], key: SymmetricKey) throws -> [UInt8] {
        let box = try ChaChaPoly.seal(fileKey, using: key, nonce: ChaChaPoly.Nonce(data: [UInt8](repeating: 0, count: 12)))
        return Array(box.ciphertext) + Array(box.tag)
    }

    /// nil when the body does not authenticate under `key`.
    static func open(_ body: [UInt8], key: SymmetricKey) -> [UInt8]? {
        guard body.count == 32,
              let box = try? ChaChaPoly.SealedBox(combined: [UInt8](repeating: 0, count: 12) + body),
              let fileKey = try? ChaChaPoly.open(box, using: key)
        else { return nil }
        return Array(fileKey)
    }

    static func secureRandomBytes(_ count: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
    }
}

/// An age X25519 public key: `age1...` (Bech32, lower case). Files encrypted to it open with the matching
/// ``AgeX25519Identity``.
public struct AgeX25519Recipient: AgeRecipient, Hashable, CustomStringConvertible {
    static let hrp = "age"
    static let info = Array("age-encryption.org/v1/X25519".utf8)

    let publicKey: [UInt8]

    init(publicKey: [UInt8]) {
        self.publicKey = publicKey
    }

    /// Parses a recipient.
    ///
    /// - Parameters:
    ///   - string: `age1` followed by the Bech32 data, as `age-keygen` prints it.
    /// - Throws: ``GreenlightError`` (invalid input) when it is not a valid `age1...` X25519 recipient.
    public init(_ string: String) throws {
        guard let (hrp, data) = Bech32.decode(string), hrp == Self.hrp, data.count == 32,
              string.hasPrefix("age1")
        else {
            throw GreenlightError.invalidInput("invalid age recipient \"\(string)\": expected age1 followed by 58 Bech32 characters, as age-keygen prints")
        }
        publicKey = data
    }

    /// The recipient as text: `age1...`.
    public var string: String { Bech32.encode(hrp: Self.hrp, data: publicKey) }

    public var description: String { string }

    /// Wraps the file key in an `X25519` stanza with a fresh ephemeral key.
    ///
    /// - Throws: ``GreenlightError`` when the public key is a low-order point (the shared secret would be zero).
    public func wrap(fileKey: [UInt8]) throws -> [AgeStanza] {
        let ephemeral = Curve25519.KeyAgreement.PrivateKey()
        let share = Array(ephemeral.publicKey.rawRepresentation)
        let shared = try ephemeral.sharedSecretFromKeyAgreement(with: Curve25519.KeyAgreement.PublicKey(rawRepresentation: publicKey))
        let secret = shared.withUnsafeBytes { Array($0) }
        guard secret.contains(where: { $0 != 0 }) else {
            throw GreenlightError.invalidInput("invalid age recipient \(string): a low-order X25519 point")
        }
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: secret), salt: share + publicKey, info: Self.info, outputByteCount: 32)
        return [AgeStanza(type: "X25519", arguments: [AgeBase64.encode(share)], body: try AgeKeyWrap.seal(fileKey, key: key))]
    }
}

/// An age X25519 secret key: `AGE-SECRET-KEY-1...` (Bech32, upper case), as `age-keygen` writes it.
///
/// It decrypts files encrypted to its ``recipient``. Its text is a secret: keep it in a file only its owner can read
/// (``writeIdentityFile(toPath:created:)`` writes one with mode 0600).
public struct AgeX25519Identity: AgeIdentity {
    static let hrp = "AGE-SECRET-KEY-"

    let secretKey: [UInt8]

    init(secretKey: [UInt8]) {
        self.secretKey = secretKey
    }

    /// A new random identity from the system's secure generator.
    public static func generate() -> AgeX25519Identity {
        AgeX25519Identity(secretKey: Array(Curve25519.KeyAgreement.PrivateKey().rawRepresentation))
    }

    /// Parses an identity.
    ///
    /// - Parameters:
    ///   - string: `AGE-SECRET-KEY-1` followed by the upper-case Bech32 data.
    /// - Throws: ``GreenlightError`` (invalid input) when it is not one; the message does not repeat the text.
    public init(_ string: String) throws {
        guard string.hasPrefix("AGE-SECRET-KEY-1"), let (hrp, data) = Bech32.decode(string),
              hrp == Self.hrp.lowercased(), data.count == 32
        else {
            if string.hasPrefix("AGE-PLUGIN-") {
                throw GreenlightError.unsupported("age plugin identities are not supported; use an AGE-SECRET-KEY-1... X25519 identity")
            }
            throw GreenlightError.invalidInput("invalid age identity: expected AGE-SECRET-KEY-1 followed by 58 upper-case Bech32 characters")
        }
        secretKey = data
    }

    /// The identity as text, `AGE-SECRET-KEY-1...`. This is the secret key.
    public var string: String { Bech32.encode(hrp: Self.hrp, data: secretKey).uppercased() }

    /// The public key that files for this identity are encrypted to.
    public var recipient: AgeX25519Recipient {
        // A 32-byte raw representation is always accepted.
        let key = try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: secretKey)
        return AgeX25519Recipient(publicKey: Array(key.publicKey.rawRepresentation))
    }

    /// Unwraps the file key from the first `X25519` stanza addressed to this identity.
    ///
    /// - Throws: ``GreenlightError`` `invalid age header` when an `X25519` stanza is malformed (not exactly one
    ///   argument, not a canonical 32-byte share, a body other than 32 bytes) or its share is a low-order point.
    public func unwrap(_ stanzas: [AgeStanza]) throws -> [UInt8]? {
        let key = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: secretKey)
        let ourPublicKey = Array(key.publicKey.rawRepresentation)
        for stanza in stanzas where stanza.type == "X25519" {
            guard stanza.arguments.count == 1, let share = AgeBase64.decode(stanza.arguments[0]), share.count == 32 else {
                throw AgeError.header("malformed X25519 stanza: it needs one argument, a 32-byte base64 share")
            }
            guard stanza.body.count == 32 else {
                throw AgeError.header("malformed X25519 stanza: the body must be 32 bytes")
            }
            let shared = try key.sharedSecretFromKeyAgreement(with: Curve25519.KeyAgreement.PublicKey(rawRepresentation: share))
            let secret = shared.withUnsafeBytes { Array($0) }
            guard secret.contains(where: { $0 != 0 }) else {
                throw AgeError.header("X25519 stanza with a low-order share")
            }
            let wrapKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: secret), salt: share + ourPublicKey, info: AgeX25519Recipient.info, outputByteCount: 32)
            if let fileKey = AgeKeyWrap.open(stanza.body, key: wrapKey) { return fileKey }
        }
        return nil
    }
}
