import Foundation
import GreenlightCore
import GreenlightPrivacy
import GreenlightTestSupport
import Testing

@Suite("Fernet")
struct FernetTests {
    // The known answer from the Fernet specification (generate.json / verify.json).
    static let specKey = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
    static let specTime = Date(timeIntervalSince1970: 499_162_800)
    static let specIV: [UInt8] = Array(0...15)
    static let specToken = "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA=="
    static let invalid = GreenlightError.invalidInput("invalid Fernet token")

    @Test("encrypting the spec's message gives the spec's token")
    func knownAnswerEncrypt() throws {
        let f = try Fernet(key: Self.specKey)
        #expect(try f.encrypt(Data("hello".utf8), at: Self.specTime, iv: Self.specIV) == Self.specToken)
    }

    @Test("the spec's token decrypts to the spec's message")
    func knownAnswerDecrypt() throws {
        let f = try Fernet(key: Self.specKey)
        let data = try f.decrypt(Self.specToken, ttl: .seconds(60), now: Self.specTime + 1)
        #expect(data == Data("hello".utf8))
        #expect(try f.extractTimestamp(Self.specToken) == Self.specTime)
    }

    @Test("round trips", arguments: [0, 1, 15, 16, 17, 1_000_000])
    func roundTrip(size: Int) throws {
        let f = try Fernet(key: Fernet.generateKey())
        let message = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let token = try f.encrypt(message)
        #expect(try f.decrypt(token) == message)
    }

    @Test("two encryptions of one message differ (random IV)")
    func randomIV() throws {
        let f = try Fernet(key: Fernet.generateKey())
        #expect(try f.encrypt(Data("x".utf8)) != f.encrypt(Data("x".utf8)))
    }

    @Test("every single-bit flip of the token is rejected with the same error")
    func bitFlips() throws {
        let f = try Fernet(key: Self.specKey)
        let bytes = try #require(Data(base64Encoded: Self.specToken.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")))
        for i in 0..<bytes.count {
            for bit in 0..<8 {
                var flipped = bytes
                flipped[i] ^= UInt8(1 << bit)
                let token = flipped.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                #expect(throws: Self.invalid) { try f.decrypt(token, now: Self.specTime) }
            }
        }
    }

    @Test("truncated tokens are rejected")
    func truncations() throws {
        let f = try Fernet(key: Self.specKey)
        let bytes = try #require(Data(base64Encoded: Self.specToken.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")))
        for n in 0..<bytes.count {
            let token = bytes.prefix(n).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            #expect(throws: Self.invalid) { try f.decrypt(token, now: Self.specTime) }
        }
        // Truncated text (broken base64) too.
        for n in [1, 10, 50, Self.specToken.count - 1] {
            #expect(throws: Self.invalid) { try f.decrypt(String(Self.specToken.prefix(n)), now: Self.specTime) }
        }
        #expect(throws: Self.invalid) { try f.decrypt("not base64 at all!", now: Self.specTime) }
    }

    @Test("a token older than the TTL is rejected")
    func ttl() throws {
        let f = try Fernet(key: Self.specKey)
        #expect(throws: Self.invalid) { try f.decrypt(Self.specToken, ttl: .seconds(60), now: Self.specTime + 61) }
        #expect(try f.decrypt(Self.specToken, ttl: .seconds(60), now: Self.specTime + 59) == Data("hello".utf8))
        // Without a TTL, age does not matter.
        #expect(try f.decrypt(Self.specToken, now: Self.specTime + 1e9) == Data("hello".utf8))
    }

    @Test("with a TTL, a token stamped more than 60 s in the future is rejected; without one, age is not checked (as in Python)")
    func clockSkew() throws {
        let f = try Fernet(key: Self.specKey)
        #expect(throws: Self.invalid) { try f.decrypt(Self.specToken, ttl: .seconds(60), now: Self.specTime - 61) }
        #expect(try f.decrypt(Self.specToken, ttl: .seconds(60), now: Self.specTime - 59) == Data("hello".utf8))
        #expect(try f.decrypt(Self.specToken, now: Self.specTime - 61) == Data("hello".utf8))
    }

    @Test("a token from another key is rejected with the same error")
    func wrongKey() throws {
        let f = try Fernet(key: Fernet.generateKey())
        #expect(throws: Self.invalid) { try f.decrypt(Self.specToken, now: Self.specTime) }
        #expect(throws: Self.invalid) { try f.extractTimestamp(Self.specToken) }
    }

    @Test("bad keys are rejected", arguments: [
        "", "short", "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4", // no padding
        "cw/0x689RpI+jtRR7oE8h/eQsKImvJapLeSbXpwF4e4=", // standard alphabet
        "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4", "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4AAAA",
    ])
    func badKeys(key: String) {
        #expect(throws: GreenlightError.invalidInput("Fernet key must be 32 url-safe base64-encoded bytes")) { try Fernet(key: key) }
    }

    @Test("generated keys are 32 url-safe base64 bytes and usable")
    func generatedKey() throws {
        let key = Fernet.generateKey()
        #expect(key.count == 44 && !key.contains("+") && !key.contains("/"))
        _ = try Fernet(key: key)
        #expect(Fernet.generateKey() != key)
    }

    @Test("MultiFernet decrypts with an old key and rotation keeps the timestamp")
    func multiFernet() throws {
        let old = try Fernet(key: Self.specKey)
        let newKey = Fernet.generateKey()
        let multi = try MultiFernet(keys: [newKey, Self.specKey])
        #expect(try multi.decrypt(Self.specToken, now: Self.specTime) == Data("hello".utf8))
        let rotated = try multi.rotate(Self.specToken)
        #expect(rotated != Self.specToken)
        let new = try Fernet(key: newKey)
        #expect(try new.decrypt(rotated, now: Self.specTime) == Data("hello".utf8))
        #expect(try new.extractTimestamp(rotated) == Self.specTime)
        #expect(throws: Self.invalid) { try old.decrypt(rotated, now: Self.specTime) }
        // New tokens are made with the first key.
        let fresh = try multi.encrypt(Data("y".utf8))
        #expect(try new.decrypt(fresh) == Data("y".utf8))
        #expect(throws: Self.invalid) { try multi.rotate("garbage") }
        #expect(throws: GreenlightError.self) { try MultiFernet([]) }
    }

    @Test("interoperates with Python cryptography.fernet both ways")
    func pythonInterop() throws {
        guard let python = PythonOracle.module("cryptography.fernet") else { return }
        let key = Fernet.generateKey()
        let f = try Fernet(key: key)
        let message = "Grüße, Fernet! \u{1F512} " + String(repeating: "x", count: 100)
        // (a) Python decrypts a Swift token.
        let token = try f.encrypt(Data(message.utf8))
        let a = try TestSupport.run(python, ["-c", """
            import sys
            from cryptography.fernet import Fernet
            sys.stdout.buffer.write(Fernet(sys.argv[1].encode()).decrypt(sys.argv[2].encode(), ttl=600))
            """, key, token])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stdout == message)
        // (b) Swift decrypts a Python token.
        let b = try TestSupport.run(python, ["-c", """
            import sys
            from cryptography.fernet import Fernet
            sys.stdout.write(Fernet(sys.argv[1].encode()).encrypt(sys.argv[2].encode()).decode())
            """, key, message])
        #expect(b.status == 0, "\(b.stderr)")
        #expect(try f.decrypt(b.stdout, ttl: .seconds(600)) == Data(message.utf8))
    }
}
