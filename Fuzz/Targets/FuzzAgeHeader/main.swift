import Foundation
import FuzzSupport
@testable import GreenlightPrivacy

// A whole age file through AgeDecryptor, as `greenlight privacy decrypt` reads one: the header grammar, stanza
// bodies, X25519 and scrypt unwrapping, the header MAC and, for files made for the fixed identities below, the
// payload. The same bytes are also read as an identity file and as recipient/identity strings.

/// A fixed X25519 identity (the seeds are encrypted to it) and a passphrase with a tiny scrypt work factor.
let identity = AgeX25519Identity(secretKey: [UInt8](repeating: 0x2A, count: 32))
let passphrase = AgeScryptIdentity(passphrase: "fuzz", maxWorkFactor: 4)

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    _ = try? AgeDecryptor.decrypt(Data(bytes), identities: [identity, passphrase])
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? AgeX25519Identity.parseIdentityFile(text)
    if size < 200 {
        _ = try? AgeX25519Recipient(text)
        _ = try? AgeX25519Identity(text)
    }
    return 0
}

writeSeedsIfRequested {
    let other = AgeX25519Identity(secretKey: [UInt8](repeating: 0x07, count: 32))
    func enc(_ plaintext: [UInt8], _ recipients: [any AgeRecipient]) throws -> [UInt8] {
        Array(try AgeEncryptor.encrypt(Data(plaintext), recipients: recipients))
    }
    return [
        ("x25519", try enc(Array("hello, age".utf8), [identity.recipient])),
        ("x25519-empty", try enc([], [identity.recipient])),
        ("two-recipients", try enc(Array("two".utf8), [other.recipient, identity.recipient])),
        ("scrypt", try enc(Array("secret".utf8), [try AgeScryptRecipient(passphrase: "fuzz", workFactor: 2)])),
        ("two-chunks", try enc([UInt8](repeating: 0x41, count: 64 * 1024 + 10), [identity.recipient])),
        ("identity-file", Array(identity.identityFileContents(created: Date(timeIntervalSince1970: 0)).utf8)),
        ("recipient", Array(identity.recipient.string.utf8)),
    ]
}

runLibFuzzer(testOneInput)
