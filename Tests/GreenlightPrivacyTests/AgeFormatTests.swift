import Foundation
import GreenlightCore
@testable import GreenlightPrivacy
import GreenlightTestSupport
import Testing

@Suite("age encodings, keys and header")
struct AgeFormatTests {
    // MARK: Keys

    @Test("the spec's example identity gives the spec's example recipient")
    func specKeyPair() throws {
        let identity = try AgeX25519Identity("AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX")
        #expect(identity.recipient.string == "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj")
        #expect(identity.string == "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX")
        #expect(identity.secretKey == Array(repeating: 0x42, count: 32))
        let recipient = try AgeX25519Recipient("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj")
        #expect(recipient == identity.recipient)
        #expect("\(recipient)" == recipient.string)
    }

    @Test("generated identities round-trip through their text and differ")
    func generated() throws {
        let a = AgeX25519Identity.generate(), b = AgeX25519Identity.generate()
        #expect(a.string != b.string)
        #expect(a.string.hasPrefix("AGE-SECRET-KEY-1") && a.string.count == 74 && a.string == a.string.uppercased())
        #expect(a.recipient.string.hasPrefix("age1") && a.recipient.string.count == 62)
        #expect(try AgeX25519Identity(a.string).recipient == a.recipient)
        #expect(try AgeX25519Recipient(a.recipient.string) == a.recipient)
    }

    @Test("malformed identities are rejected without echoing them", arguments: [
        "", "AGE-SECRET-KEY-1", "age-secret-key-1gfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpq4egaex", // lower case
        "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEY", // checksum
        "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEx", // mixed case
        "AGE-SECRET-KEY-1QQQQQQ5LP3FC", "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj",
    ])
    func badIdentities(text: String) {
        #expect {
            try AgeX25519Identity(text)
        } throws: { error in
            // The secret is never echoed back (the bare prefix is part of the message's own wording).
            guard let e = error as? GreenlightError else { return false }
            return e.code == .invalidInput && (text.count <= "AGE-SECRET-KEY-1".count || !e.message.contains(text))
        }
    }

    @Test("malformed recipients are rejected", arguments: [
        "", "age1", "AGE1ZVKYG2LQZRAA2LNJVQEJ32NKUU0UES2S82HZRYE869XEEXVN73EQUNUJWJ", // upper case (age rejects it too)
        "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwk", // checksum
        "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73eqsn5ljj", // 31 bytes? (bad checksum or length)
        "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN",
    ])
    func badRecipients(text: String) {
        #expect(throws: GreenlightError.self) { try AgeX25519Recipient(text) }
    }

    // MARK: Bech32 (BIP 173)

    @Test("BIP 173 valid strings decode", arguments: [
        "A12UEL5L", "a12uel5l",
        "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
        "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "?1ezyfcl",
    ])
    func bech32Valid(text: String) throws {
        let (hrp, data) = try #require(Bech32.decode(text))
        // Re-encoding gives the lower-case string back.
        #expect(Bech32.encode(hrp: hrp, data: data) == text.lowercased())
    }

    @Test("BIP 173 invalid strings are rejected", arguments: [
        "pzry9x0s0muk", "1pzry9x0s0muk", "x1b4n0q5v", "li1dgmt3", "A1G7SGD8", "10a06t8", "1qzzfhee", "a12UEL5L",
        "de1lg7wt\u{FF}",
    ])
    func bech32Invalid(text: String) {
        #expect(Bech32.decode(text) == nil)
    }

    // MARK: base64

    @Test("unpadded base64: canonical only")
    func base64() {
        #expect(AgeBase64.encode([UInt8]()) == "")
        #expect(AgeBase64.encode(Array("f".utf8)) == "Zg")
        #expect(AgeBase64.encode(Array("fo".utf8)) == "Zm8")
        #expect(AgeBase64.encode(Array("foo".utf8)) == "Zm9v")
        #expect(AgeBase64.encode([0xFB, 0xFF]) == "+/8")
        #expect(AgeBase64.decode("Zm8") == Array("fo".utf8))
        #expect(AgeBase64.decode("+/8") == [0xFB, 0xFF])
        #expect(AgeBase64.decode("") == [])
        for bad in ["Zm8=", "Zg==", "Zh", "Zm9", "Z", "Zm 8", "Zm8\r", "-_8", "Zm9vZ"] {
            #expect(AgeBase64.decode(bad) == nil, "\(bad)")
        }
        for n in 0..<70 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(AgeBase64.decode(AgeBase64.encode(bytes)) == bytes)
        }
    }

    // MARK: scrypt (RFC 7914 §12)

    @Test("scrypt gives RFC 7914's test vectors")
    func scryptRFC7914() throws {
        let cases: [(String, String, Int, Int, Int, String)] = [
            ("", "", 16, 1, 1,
             "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"),
            ("password", "NaCl", 1024, 8, 16,
             "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"),
            ("pleaseletmein", "SodiumChloride", 16384, 8, 1,
             "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"),
        ]
        for (password, salt, n, r, p, hex) in cases {
            let bytes = try AgeScryptKDF.scrypt(password: Array(password.utf8), salt: Array(salt.utf8), n: n, r: r, p: p, length: 64)
            #expect(bytes.map { String(format: "%02x", $0) }.joined() == hex)
        }
    }

    // MARK: Header

    @Test("stanza bodies wrap at 64 columns and end with a short (possibly empty) line; parsing reads them back")
    func headerWrapping() throws {
        let key = Array(repeating: UInt8(9), count: 16)
        let stanzas = [
            AgeStanza(type: "t", arguments: ["a", "b"], body: Array(repeating: 1, count: 48)), // exactly 64 columns
            AgeStanza(type: "u", arguments: [], body: []),
            AgeStanza(type: "v", arguments: ["x"], body: Array(repeating: 2, count: 100)),
        ]
        let encoded = AgeHeader.encode(stanzas, fileKey: key)
        let lines = String(decoding: encoded, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "age-encryption.org/v1")
        #expect(lines[1] == "-> t a b")
        #expect(lines[2].count == 64)
        #expect(lines[3] == "")
        #expect(lines[4] == "-> u")
        #expect(lines[5] == "")
        #expect(lines[6] == "-> v x")
        // 100 bytes are 134 base64 characters: 64 + 64 + 6.
        #expect(lines[7].count == 64 && lines[8].count == 64 && lines[9].count == 6)
        #expect(lines[10].hasPrefix("--- ") && lines[10].count == 47)
        let reader = AgeBufferedReader(DataSource(Data(encoded + [0xAA])), capacity: 4096)
        let parsed = try AgeHeader.parse(reader)
        #expect(parsed.stanzas == stanzas)
        #expect(parsed.verifyMAC(fileKey: key))
        #expect(!parsed.verifyMAC(fileKey: Array(repeating: 8, count: 16)))
        #expect(Array(reader.available) == [0xAA]) // the payload starts right after the MAC line
    }

    @Test("headers that are not age v1 are rejected", arguments: [
        "", "age-encryption.org/v1", "age-encryption.org/v2\n", "AGE-ENCRYPTION.ORG/V1\n", "-----BEGIN AGE ENCRYPTED FILE-----\n",
        "age-encryption.org/v1\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", // no stanza
        "age-encryption.org/v1\n-> X25519 abc\n", // ends inside a stanza
    ])
    func notAge(text: String) {
        #expect {
            try AgeDecryptor.decrypt(Data(text.utf8), identities: [AgeX25519Identity.generate()])
        } throws: { error in
            guard let e = error as? GreenlightError else { return false }
            return e.code == .invalidInput && e != AgeError.noMatch && e != AgeError.headerMAC && e != AgeError.payload
        }
    }

    @Test("an endless header line is refused at the size limit")
    func headerLimit() {
        let file = Data("age-encryption.org/v1\n-> ".utf8) + Data(repeating: UInt8(ascii: "a"), count: AgeHeader.maxSize + 10)
        #expect(throws: AgeError.header("larger than \(AgeHeader.maxSize) bytes")) {
            try AgeDecryptor.decrypt(file, identities: [AgeX25519Identity.generate()])
        }
    }

    // MARK: Identity files

    @Test("identity files: age-keygen's format, comments and blank lines ignored")
    func identityFiles() throws {
        let a = AgeX25519Identity.generate(), b = AgeX25519Identity.generate()
        let text = a.identityFileContents() + "\n  \n# another\r\n" + b.string + "\r\n"
        let parsed = try AgeX25519Identity.parseIdentityFile(text)
        #expect(parsed.map(\.string) == [a.string, b.string])
        let lines = a.identityFileContents(created: Date(timeIntervalSince1970: 0)).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("# created: 19") || lines[0].hasPrefix("# created: 1970"))
        #expect(lines[1] == "# public key: \(a.recipient.string)")
        #expect(lines[2] == a.string)
        #expect(throws: GreenlightError.self) { try AgeX25519Identity.parseIdentityFile("# nothing\n\n") }
        #expect {
            try AgeX25519Identity.parseIdentityFile("# ok\n" + a.string + "\nAGE-SECRET-KEY-1NOTAKEY\n")
        } throws: { error in
            // The line is where the bad key is (told only in the message); the key itself is never echoed.
            guard let e = error as? GreenlightError else { return false }
            return e.code == .invalidInput && e.message.contains("line 3") && !e.message.contains("NOTAKEY")
        }
    }

    @Test("identity files are written with mode 0600 and never overwritten")
    func writeIdentityFile() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("key.txt").path
        let identity = AgeX25519Identity.generate()
        try identity.writeIdentityFile(toPath: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try AgeX25519Identity.readIdentityFile(atPath: path).map(\.string) == [identity.string])
        #expect(throws: GreenlightError.self) { try AgeX25519Identity.generate().writeIdentityFile(toPath: path) }
        #expect(try AgeX25519Identity.readIdentityFile(atPath: path).map(\.string) == [identity.string])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["key.txt"])
    }
}
