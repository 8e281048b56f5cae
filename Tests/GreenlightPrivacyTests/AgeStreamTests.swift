import Foundation
import GreenlightCore
@testable import GreenlightPrivacy
import GreenlightTestSupport
import Testing

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
func agePseudoRandomBytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> Data {
    var state = seed
    var out = [UInt8](repeating: 0, count: count)
    for i in 0..<count {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        out[i] = UInt8(truncatingIfNeeded: state >> 24)
    }
    return Data(out)
}

/// The offset of the payload (its nonce) in an age file: just after the MAC line.
func agePayloadOffset(_ file: Data) -> Int {
    let bytes = Array(file.prefix(4096))
    var i = 0
    while i + 4 <= bytes.count {
        if bytes[i] == 0x0A, bytes[i + 1] == 0x2D, bytes[i + 2] == 0x2D, bytes[i + 3] == 0x2D {
            return (bytes[(i + 1)...].firstIndex(of: 0x0A) ?? bytes.count) + 1
        }
        i += 1
    }
    return bytes.count
}

@Suite("age streaming encryption")
struct AgeStreamTests {
    static let identity = AgeX25519Identity.generate()
    static let payloadError = AgeError.payload

    /// Expected payload size: nonce + plaintext + one tag per chunk (at least one chunk).
    static func payloadSize(_ n: Int) -> Int {
        16 + n + 16 * max(1, (n + 65535) / 65536)
    }

    @Test("round trips; the payload has one 16-byte tag per 64 KiB chunk",
          arguments: [0, 1, 100, 65535, 65536, 65537, 2 * 65536, 3 * 65536 + 5, 1_000_000])
    func roundTrip(size: Int) throws {
        let plaintext = agePseudoRandomBytes(size, seed: UInt64(size) &+ 1)
        let file = try AgeEncryptor.encrypt(plaintext, recipients: [Self.identity.recipient])
        #expect(file.count - agePayloadOffset(file) == Self.payloadSize(size))
        #expect(try AgeDecryptor.decrypt(file, identities: [Self.identity]) == plaintext)
    }

    @Test("two encryptions of one plaintext differ (fresh file key, ephemeral key and nonce)")
    func freshRandomness() throws {
        let a = try AgeEncryptor.encrypt(Data("same".utf8), recipients: [Self.identity.recipient])
        let b = try AgeEncryptor.encrypt(Data("same".utf8), recipients: [Self.identity.recipient])
        #expect(a != b)
    }

    @Test("several X25519 recipients: each identity decrypts; others do not")
    func multipleRecipients() throws {
        let ids = (0..<3).map { _ in AgeX25519Identity.generate() }
        let plaintext = agePseudoRandomBytes(70_000)
        let file = try AgeEncryptor.encrypt(plaintext, recipients: ids.map(\.recipient))
        #expect(String(decoding: file.prefix(agePayloadOffset(file)), as: UTF8.self).components(separatedBy: "-> X25519 ").count == 4)
        for id in ids {
            #expect(try AgeDecryptor.decrypt(file, identities: [id]) == plaintext)
            #expect(try AgeDecryptor.decrypt(file, identities: [AgeX25519Identity.generate(), id]) == plaintext)
        }
        #expect(throws: AgeError.noMatch) { try AgeDecryptor.decrypt(file, identities: [AgeX25519Identity.generate()]) }
    }

    @Test("a wrong identity is a no-match error")
    func wrongIdentity() throws {
        let file = try AgeEncryptor.encrypt(Data("secret".utf8), recipients: [Self.identity.recipient])
        #expect(throws: AgeError.noMatch) { try AgeDecryptor.decrypt(file, identities: [AgeX25519Identity.generate()]) }
        #expect(throws: GreenlightError.self) { try AgeDecryptor.decrypt(file, identities: []) }
        #expect(throws: GreenlightError.self) { try AgeEncryptor.encrypt(Data(), recipients: []) }
    }

    @Test("every truncation fails: inside the header, the nonce, the chunks, and at chunk boundaries")
    func truncations() throws {
        let plaintext = agePseudoRandomBytes(2 * 65536 + 300)
        let file = try AgeEncryptor.encrypt(plaintext, recipients: [Self.identity.recipient])
        let start = agePayloadOffset(file)
        var lengths = Set(0..<(start + 40))
        for boundary in [start + 16, start + 16 + 65552, start + 16 + 2 * 65552] {
            for d in -20...20 { lengths.insert(boundary + d) }
        }
        for k in stride(from: start, to: file.count, by: 997) { lengths.insert(k) }
        for d in 1...20 { lengths.insert(file.count - d) }
        for n in lengths.sorted() where n < file.count {
            #expect(throws: GreenlightError.self, "truncated to \(n) of \(file.count)") {
                try AgeDecryptor.decrypt(file.prefix(n), identities: [Self.identity])
            }
        }
        // Cut exactly after a full non-final chunk: a payload error, never a short plaintext.
        #expect(throws: Self.payloadError) { try AgeDecryptor.decrypt(file.prefix(start + 16 + 65552), identities: [Self.identity]) }
        #expect(throws: Self.payloadError) { try AgeDecryptor.decrypt(file.prefix(start + 16 + 2 * 65552), identities: [Self.identity]) }
    }

    @Test("a flipped bit anywhere in the header fails; in the payload, it is a payload error")
    func flips() throws {
        let plaintext = agePseudoRandomBytes(65536 + 1000)
        let file = try AgeEncryptor.encrypt(plaintext, recipients: [Self.identity.recipient])
        let start = agePayloadOffset(file)
        for i in 0..<start {
            var altered = file
            altered[i] ^= 0x01
            #expect(throws: GreenlightError.self, "header byte \(i)") { try AgeDecryptor.decrypt(altered, identities: [Self.identity]) }
        }
        var positions = [start, start + 15, start + 16, start + 16 + 65535, start + 16 + 65551, start + 16 + 65552, file.count - 17, file.count - 1]
        positions += stride(from: start, to: file.count, by: 4099)
        for i in positions {
            var altered = file
            altered[i] ^= 0x80
            #expect(throws: Self.payloadError, "payload byte \(i - start)") { try AgeDecryptor.decrypt(altered, identities: [Self.identity]) }
        }
    }

    @Test("data after the final chunk fails, whatever its length")
    func trailingData() throws {
        let file = try AgeEncryptor.encrypt(agePseudoRandomBytes(1000), recipients: [Self.identity.recipient])
        for extra in [1, 16, 17, 65552, 70_000] {
            #expect(throws: Self.payloadError, "\(extra) extra bytes") {
                try AgeDecryptor.decrypt(file + agePseudoRandomBytes(extra), identities: [Self.identity])
            }
        }
        // A second complete file appended is trailing data too.
        let two = try AgeEncryptor.encrypt(Data(), recipients: [Self.identity.recipient])
        #expect(throws: Self.payloadError) { try AgeDecryptor.decrypt(two + two, identities: [Self.identity]) }
    }

    @Test("STREAM rules: an empty final chunk only alone; a final flag only on the last chunk; chunk order matters")
    func streamRules() throws {
        let fileKey = Array(repeating: UInt8(3), count: 16)
        let nonce = Array(repeating: UInt8(4), count: 16)
        let header = AgeHeader.encode(try Self.identity.recipient.wrap(fileKey: fileKey), fileKey: fileKey)
        let full = Array(agePseudoRandomBytes(65536))
        func decrypt(_ chunks: [([UInt8], Bool)]) throws -> Data {
            let payload = try AgeStream.craftPayload(fileKey: fileKey, nonce: nonce, chunks: chunks.map { (plaintext: $0.0, last: $0.1) })
            return try AgeDecryptor.decrypt(Data(header + payload), identities: [Self.identity])
        }
        #expect(try decrypt([([], true)]) == Data()) // the empty plaintext
        #expect(try decrypt([(full, false), ([1, 2], true)]) == Data(full + [1, 2]))
        #expect(try decrypt([(full, true)]) == Data(full)) // a full final chunk
        #expect(throws: Self.payloadError) { try decrypt([(full, false), ([], true)]) } // empty final chunk after data
        #expect(throws: Self.payloadError) { try decrypt([(full, false)]) } // no final chunk
        #expect(throws: Self.payloadError) { try decrypt([(full, true), ([1], true)]) } // two final chunks
        #expect(throws: Self.payloadError) { try decrypt([([1], true), ([2], true)]) }
        #expect(throws: Self.payloadError) { try decrypt([([], false)]) } // empty, not final
        #expect(throws: Self.payloadError) { try decrypt([]) } // nonce only
        // Swapped chunks (counter mismatch).
        let p0 = try AgeStream.craftPayload(fileKey: fileKey, nonce: nonce, chunks: [(full, false), (full, false), ([9], true)])
        var swapped = Array(p0[0..<16])
        swapped += p0[(16 + 65552)..<(16 + 2 * 65552)] + p0[16..<(16 + 65552)] + p0[(16 + 2 * 65552)...]
        #expect(throws: Self.payloadError) { try AgeDecryptor.decrypt(Data(header + swapped), identities: [Self.identity]) }
        // A short nonce.
        #expect(throws: Self.payloadError) { try AgeDecryptor.decrypt(Data(header + nonce.prefix(10)), identities: [Self.identity]) }
    }

    @Test("passphrase (scrypt): round trip, wrong passphrase, and it must be the only recipient")
    func scrypt() throws {
        let recipient = try AgeScryptRecipient(passphrase: "correct horse", workFactor: 10)
        let plaintext = agePseudoRandomBytes(70_000)
        let file = try AgeEncryptor.encrypt(plaintext, recipients: [recipient])
        #expect(String(decoding: file.prefix(agePayloadOffset(file)), as: UTF8.self).contains("\n-> scrypt "))
        #expect(try AgeDecryptor.decrypt(file, identities: [AgeScryptIdentity(passphrase: "correct horse")]) == plaintext)
        #expect(throws: AgeError.noMatch) { try AgeDecryptor.decrypt(file, identities: [AgeScryptIdentity(passphrase: "wrong horse")]) }
        #expect(throws: AgeError.noMatch) { try AgeDecryptor.decrypt(file, identities: [Self.identity]) }
        #expect(throws: GreenlightError.self) { try AgeEncryptor.encrypt(plaintext, recipients: [recipient, Self.identity.recipient]) }
        #expect(throws: GreenlightError.self) { try AgeEncryptor.encrypt(plaintext, recipients: [recipient, recipient]) }
        // A work factor above the decrypter's limit is refused with a clear message.
        #expect {
            try AgeDecryptor.decrypt(file, identities: [AgeScryptIdentity(passphrase: "correct horse", maxWorkFactor: 9)])
        } throws: { error in
            // A header failure before any key is tried: not a wrong passphrase.
            guard let e = error as? GreenlightError else { return false }
            return e.code == .invalidInput && e != AgeError.noMatch
        }
        #expect(throws: GreenlightError.self) { try AgeScryptRecipient(passphrase: "", workFactor: 10) }
        #expect(throws: GreenlightError.self) { try AgeScryptRecipient(passphrase: "x", workFactor: 0) }
        #expect(throws: GreenlightError.self) { try AgeScryptRecipient(passphrase: "x", workFactor: 23) }
        #expect(AgeScryptRecipient.defaultWorkFactor == 18)
    }

    @Test("files: decrypting publishes the output only when everything authenticated; no temporary file is left")
    func fileOutputs() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = dir.appendingPathComponent("plain.bin").path, enc = dir.appendingPathComponent("file.age").path
        let out = dir.appendingPathComponent("out.bin").path, bad = dir.appendingPathComponent("bad.age").path
        let plaintext = agePseudoRandomBytes(200_000)
        try plaintext.write(to: URL(fileURLWithPath: plain))
        try AgeEncryptor.encrypt(fileAtPath: plain, toFileAtPath: enc, recipients: [Self.identity.recipient])
        try AgeDecryptor.decrypt(fileAtPath: enc, toFileAtPath: out, identities: [Self.identity])
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == plaintext)
        let mode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        try FileManager.default.removeItem(atPath: out)

        let file = try Data(contentsOf: URL(fileURLWithPath: enc))
        var failures: [Data] = [file.prefix(file.count - 1), file.prefix(agePayloadOffset(file) + 16 + 65552), file + Data([0])]
        var altered = file
        altered[file.count - 5] ^= 1 // the last chunk
        failures.append(altered)
        altered = file
        altered[agePayloadOffset(file) + 100] ^= 1 // the first chunk
        failures.append(altered)
        for broken in failures {
            try broken.write(to: URL(fileURLWithPath: bad))
            #expect(throws: GreenlightError.self) { try AgeDecryptor.decrypt(fileAtPath: bad, toFileAtPath: out, identities: [Self.identity]) }
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        #expect(throws: AgeError.noMatch) {
            try AgeDecryptor.decrypt(fileAtPath: enc, toFileAtPath: out, identities: [AgeX25519Identity.generate()])
        }
        #expect(!FileManager.default.fileExists(atPath: out))
        // An existing file at the destination is left as it was when decryption fails.
        try Data("keep".utf8).write(to: URL(fileURLWithPath: out))
        #expect(throws: GreenlightError.self) { try AgeDecryptor.decrypt(fileAtPath: bad, toFileAtPath: out, identities: [Self.identity]) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Data("keep".utf8))
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["plain.bin", "file.age", "bad.age", "out.bin"])
        // Errors for missing inputs and directories.
        #expect(throws: GreenlightError.self) { try AgeDecryptor.decrypt(fileAtPath: dir.path + "/nope", toFileAtPath: out, identities: [Self.identity]) }
        #expect(throws: GreenlightError.self) { try AgeEncryptor.encrypt(fileAtPath: plain, toFileAtPath: dir.path + "/no/such/dir/x.age", recipients: [Self.identity.recipient]) }
    }

    @Test("to a stream, chunks that authenticated are written before a later chunk fails")
    func streamingRelease() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plaintext = agePseudoRandomBytes(3 * 65536)
        var file = try AgeEncryptor.encrypt(plaintext, recipients: [Self.identity.recipient])
        file[agePayloadOffset(file) + 16 + 65552 + 10] ^= 1 // the second chunk
        let input = dir.appendingPathComponent("in.age"), output = dir.appendingPathComponent("out.bin")
        try file.write(to: input)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let inHandle = try FileHandle(forReadingFrom: input), outHandle = try FileHandle(forWritingTo: output)
        #expect(throws: Self.payloadError) { try AgeDecryptor.decrypt(from: inHandle, to: outHandle, identities: [Self.identity]) }
        try inHandle.close()
        try outHandle.close()
        #expect(try Data(contentsOf: output) == plaintext.prefix(65536))
    }

    @Test("file handles: encrypting from and decrypting to handles round-trips")
    func handles() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plaintext = agePseudoRandomBytes(300_001)
        let plain = dir.appendingPathComponent("p"), enc = dir.appendingPathComponent("e"), back = dir.appendingPathComponent("b")
        try plaintext.write(to: plain)
        for url in [enc, back] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let a = try FileHandle(forReadingFrom: plain), b = try FileHandle(forWritingTo: enc)
        try AgeEncryptor.encrypt(from: a, to: b, recipients: [Self.identity.recipient])
        try a.close()
        try b.close()
        let c = try FileHandle(forReadingFrom: enc), d = try FileHandle(forWritingTo: back)
        try AgeDecryptor.decrypt(from: c, to: d, identities: [Self.identity])
        try c.close()
        try d.close()
        #expect(try Data(contentsOf: back) == plaintext)
    }
}
