import Crypto
import Foundation
import GreenlightCore
import _CryptoExtras

/// The scrypt key derivation of age's passphrase recipients.
enum AgeScryptKDF {
    static let saltLabel = Array("age-encryption.org/v1/scrypt".utf8)

    /// scrypt(N = 2^workFactor, r = 8, p = 1, dkLen = 32, S = label ‖ salt, P = passphrase).
    static func wrapKey(passphrase: [UInt8], salt: [UInt8], workFactor: Int) throws -> SymmetricKey {
        SymmetricKey(data: try scrypt(password: passphrase, salt: saltLabel + salt, n: 1 << workFactor, r: 8, p: 1, length: 32))
    }

    /// RFC 7914 scrypt (BoringSSL's, through swift-crypto's `_CryptoExtras`). Memory: 128·r·N bytes.
    static func scrypt(password: [UInt8], salt: [UInt8], n: Int, r: Int, p: Int, length: Int) throws -> [UInt8] {
        do {
            let key = try KDF.Scrypt.deriveKey(from: password, salt: salt, outputByteCount: length, rounds: n, blockSize: r, parallelism: p)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw GreenlightError.unsupported("scrypt failed (N=\(n), r=\(r), p=\(p)): not enough memory?")
        }
    }

    /// A passphrase file's contents: the text, less one trailing newline (LF or CRLF).
    static func readPassphraseFile(atPath path: String) throws -> String {
        let data = try InputFile.contents(path, what: "passphrase file")
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\r\n") {
            text.removeLast(2)
        } else if text.hasSuffix("\n") {
            text.removeLast()
        }
        guard !text.isEmpty else { throw GreenlightError.invalidInput("passphrase file \(path) is empty") }
        return text
    }
}

/// A passphrase to encrypt an age file to, with scrypt: the stanza is `scrypt <salt> <work factor>`.
///
/// A passphrase recipient must be the only recipient of a file (the spec's rule: a passphrase implies that whoever
/// knows it wrote the file). Files interoperate with `age -p`.
public struct AgeScryptRecipient: AgeRecipient {
    /// The work factor `age -p` uses: N = 2^18, about a second and 256 MiB.
    public static let defaultWorkFactor = 18

    let passphrase: [UInt8]
    /// log2 of scrypt's N.
    public let workFactor: Int

    /// Creates a passphrase recipient.
    ///
    /// - Parameters:
    ///   - passphrase: The passphrase, used as its UTF-8 bytes; not empty.
    ///   - workFactor: log2 of scrypt's N, 1 to 22 (memory is 2^workFactor KiB); 18 by default, as `age`.
    ///     Decrypters refuse work factors above their limit (22 in `age` and ``AgeScryptIdentity``).
    /// - Throws: ``GreenlightError`` (invalid input) when the passphrase is empty or the work factor out of range.
    public init(passphrase: String, workFactor: Int = defaultWorkFactor) throws {
        guard !passphrase.isEmpty else { throw GreenlightError.invalidInput("the passphrase is empty") }
        guard (1...AgeScryptIdentity.defaultMaxWorkFactor).contains(workFactor) else {
            throw GreenlightError.invalidInput("scrypt work factor must be 1 to \(AgeScryptIdentity.defaultMaxWorkFactor), not \(workFactor)")
        }
        self.passphrase = Array(passphrase.utf8)
        self.workFactor = workFactor
    }

    /// Creates a passphrase recipient from a file holding the passphrase (one trailing newline is dropped).
    ///
    /// - Throws: ``GreenlightError`` when the file cannot be read or is empty, or the work factor is out of range.
    public init(passphraseFileAtPath path: String, workFactor: Int = defaultWorkFactor) throws {
        try self.init(passphrase: AgeScryptKDF.readPassphraseFile(atPath: path), workFactor: workFactor)
    }

    /// Wraps the file key under a key derived from the passphrase and a fresh 16-byte salt.
    public func wrap(fileKey: [UInt8]) throws -> [AgeStanza] {
        let salt = AgeKeyWrap.secureRandomBytes(16)
        let key = try AgeScryptKDF.wrapKey(passphrase: passphrase, salt: salt, workFactor: workFactor)
        return [AgeStanza(type: "scrypt", arguments: [AgeBase64.encode(salt), String(workFactor)], body: try AgeKeyWrap.seal(fileKey, key: key))]
    }
}

/// A passphrase to decrypt an age file with (a `scrypt` stanza, as `age -p` writes).
public struct AgeScryptIdentity: AgeIdentity {
    /// The highest work factor accepted by default, as in `age`: N = 2^22 takes 4 GiB of memory and tens of seconds.
    public static let defaultMaxWorkFactor = 22

    let passphrase: [UInt8]
    /// Files whose work factor is above this are refused before any scrypt work is done.
    public let maxWorkFactor: Int

    /// Creates a passphrase identity.
    ///
    /// - Parameters:
    ///   - passphrase: The passphrase.
    ///   - maxWorkFactor: The highest scrypt work factor to accept (memory and time double with each step);
    ///     22 by default, as `age`; at most 30.
    public init(passphrase: String, maxWorkFactor: Int = defaultMaxWorkFactor) {
        self.passphrase = Array(passphrase.utf8)
        self.maxWorkFactor = min(max(maxWorkFactor, 1), 30)
    }

    /// Creates a passphrase identity from a file holding the passphrase (one trailing newline is dropped).
    ///
    /// - Throws: ``GreenlightError`` when the file cannot be read or is empty.
    public init(passphraseFileAtPath path: String, maxWorkFactor: Int = defaultMaxWorkFactor) throws {
        self.init(passphrase: try AgeScryptKDF.readPassphraseFile(atPath: path), maxWorkFactor: maxWorkFactor)
    }

    /// Unwraps the file key from the header's `scrypt` stanza.
    ///
    /// - Returns: The file key; nil when there is no scrypt stanza or the passphrase is wrong.
    /// - Throws: ``GreenlightError`` when the scrypt stanza is not alone, is malformed (arguments, salt, body),
    ///   or its work factor is above ``maxWorkFactor`` (checked before any scrypt work).
    public func unwrap(_ stanzas: [AgeStanza]) throws -> [UInt8]? {
        for stanza in stanzas where stanza.type == "scrypt" {
            guard stanzas.count == 1 else { throw AgeError.header("an scrypt stanza must be the only stanza") }
            guard stanza.arguments.count == 2, let salt = AgeBase64.decode(stanza.arguments[0]), salt.count == 16 else {
                throw AgeError.header("malformed scrypt stanza: it needs a 16-byte base64 salt and a work factor")
            }
            let text = stanza.arguments[1]
            guard let firstDigit = text.utf8.first, firstDigit != UInt8(ascii: "0"),
                  text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                  let workFactor = Int(text)
            else {
                throw AgeError.header("malformed scrypt stanza: the work factor must be a decimal number")
            }
            guard workFactor <= maxWorkFactor else {
                throw AgeError.header("the scrypt work factor \(workFactor) is above the limit \(maxWorkFactor): decrypting would take too much time and memory")
            }
            guard stanza.body.count == 32 else { throw AgeError.header("malformed scrypt stanza: the body must be 32 bytes") }
            let key = try AgeScryptKDF.wrapKey(passphrase: passphrase, salt: salt, workFactor: workFactor)
            return AgeKeyWrap.open(stanza.body, key: key)
        }
        return nil
    }
}
