import Foundation
import GreenlightCore
import GreenlightTestSupport
import Testing

/// Encryption lands in the report model (`privacy.encryption`) so that policies can require it.
@Suite("privacy reports of encryption")
struct PrivacyReportCLITests {
    @Test("age and Fernet encrypt/decrypt write privacy.encryption records that validate against the schema")
    func encryptionRecords() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = dir.appendingPathComponent("plain"), key = dir.appendingPathComponent("k").path
        try Data(repeating: 7, count: 70_000).write(to: plain)
        #expect(try CLI.run(["privacy", "keygen", "--age", "-o", key]).status == 0)
        let text = try String(contentsOfFile: key, encoding: .utf8)
        let recipient = try #require(text.split(separator: "\n").first { $0.hasPrefix("# public key: ") }).dropFirst(14)
        let sealed = dir.appendingPathComponent("p.age").path, json = dir.appendingPathComponent("e.json")
        #expect(try CLI.run(["privacy", "encrypt", "-r", String(recipient), "-i", plain.path, "-o", sealed, "--json", json.path]).status == 0)
        let e = try #require(try CLI.report(at: json).privacy?.encryption.first)
        #expect(e.operation == "encrypt" && e.format == "age-v1" && e.plaintextBytes == 70_000 && e.recipients == ["x25519"])
        #expect(e.path == sealed)
        #expect(try schemaViolation(of: json) == nil)

        let back = dir.appendingPathComponent("back").path, json2 = dir.appendingPathComponent("d.json")
        #expect(try CLI.run(["privacy", "decrypt", "-I", key, "-i", sealed, "-o", back, "--json", json2.path]).status == 0)
        let d = try #require(try CLI.report(at: json2).privacy?.encryption.first)
        #expect(d.operation == "decrypt" && d.plaintextBytes == 70_000)

        let fkey = dir.appendingPathComponent("f.key").path
        let k = try CLI.run(["privacy", "keygen", "--fernet"])
        try k.stdout.write(toFile: fkey, atomically: true, encoding: .utf8)
        let json3 = dir.appendingPathComponent("f.json")
        #expect(try CLI.run(["privacy", "encrypt", "--fernet-key-file", fkey, "-i", plain.path, "-o", dir.appendingPathComponent("t").path,
                             "--json", json3.path]).status == 0)
        #expect(try CLI.report(at: json3).privacy?.encryption.first?.format == "fernet")
        #expect(try schemaViolation(of: json3) == nil)
    }
}
