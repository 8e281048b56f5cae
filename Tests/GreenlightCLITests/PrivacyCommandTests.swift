import Foundation
import GreenlightTestSupport
import Testing

@Suite("greenlight privacy, end to end")
struct PrivacyCommandTests {
    @Test("keygen, encrypt a file, decrypt it: the same bytes")
    func roundTrip() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keygen = try CLI.run(["privacy", "keygen", "--fernet"])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let key = keygen.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.count == 44)
        let plain = dir.appendingPathComponent("plain.bin"), token = dir.appendingPathComponent("token.txt")
        let back = dir.appendingPathComponent("back.bin"), keyFile = dir.appendingPathComponent("key")
        let bytes = Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try bytes.write(to: plain)
        let enc = try CLI.run(["privacy", "encrypt", "--fernet-key", key, "-i", plain.path, "-o", token.path])
        #expect(enc.status == 0, "\(enc.stderr)")
        let tokenText = try String(contentsOf: token, encoding: .utf8)
        #expect(tokenText.hasSuffix("\n") && tokenText.hasPrefix("gAAAAA"))
        try Data((key + "\n").utf8).write(to: keyFile)
        let dec = try CLI.run(["privacy", "decrypt", "--fernet-key-file", keyFile.path, "--ttl", "600", "-i", token.path, "-o", back.path])
        #expect(dec.status == 0, "\(dec.stderr)")
        #expect(try Data(contentsOf: back) == bytes)
    }

    @Test("a wrong key exits 2 with a clear message and writes no output file")
    func wrongKey() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = dir.appendingPathComponent("plain.txt"), token = dir.appendingPathComponent("token.txt")
        let out = dir.appendingPathComponent("out.txt")
        try Data("secret".utf8).write(to: plain)
        let key1 = try CLI.run(["privacy", "keygen", "--fernet"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let key2 = try CLI.run(["privacy", "keygen", "--fernet"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try CLI.run(["privacy", "encrypt", "--fernet-key", key1, "-i", plain.path, "-o", token.path]).status == 0)
        let dec = try CLI.run(["privacy", "decrypt", "--fernet-key", key2, "-i", token.path, "-o", out.path])
        #expect(dec.status == 2)
        #expect(dec.stderr.contains("greenlight: error: invalid Fernet token"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // A key may start with "-" (base64url): it is still the option's value.
        let dashed = "-" + key1.dropFirst()
        #expect(try CLI.run(["privacy", "encrypt", "--fernet-key", dashed, "-i", plain.path, "-o", token.path]).status == 0)
        let bad = try CLI.run(["privacy", "encrypt", "--fernet-key", "nope", "-i", plain.path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("Fernet key must be 32 url-safe base64-encoded bytes"))
    }
}
