import Foundation
import GreenlightCore
import GreenlightPrivacy
import GreenlightTestSupport
import Testing

@Suite("PII anonymizer: operators and config")
struct PIIAnonymizerTests {
    // The Fernet specification's key, reused as a pseudonym master key.
    static let key = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="

    static func anonymizer(_ yaml: String, key: String? = PIIAnonymizerTests.key) throws -> Anonymizer {
        try Anonymizer(config: AnonymizerConfig(yaml: yaml, source: "test.yaml"), key: key)
    }

    @Test("pseudonyms: HKDF-SHA256 domain key, HMAC-SHA256, as Python's hmac computes them")
    func pseudonymKnownAnswer() throws {
        // Python stdlib: prk = hmac(b"greenlight-pseudonym-v1", master); okm = hmac(prk, domain + b"\x01");
        // hmac(okm, b"Judith Johnson").hexdigest()
        let master = try #require(Data(base64Encoded: Self.key.replacingOccurrences(of: "_", with: "/").replacingOccurrences(of: "-", with: "+")))
        let p = try Pseudonymizer(masterKey: Array(master))
        #expect(p.pseudonym("Judith Johnson", domain: "person", length: 64) == "cfb31c8297efbd47fbb2f0ca2b46d5f7f6248ddec8192245d1e7b568efe964fb")
        #expect(p.pseudonym("Judith Johnson", domain: "email", length: 64) == "df25ed23711b1d3c2d7f4e3f81c847a70b72e0840ac83ba813b4d6a109fe3288")
        #expect(p.pseudonym("Judith Johnson", domain: "person") == "cfb31c8297efbd47")
    }

    @Test("pseudonyms are stable per key and domain, and differ across domains and keys")
    func pseudonymStability() throws {
        let p = try Pseudonymizer(masterKey: Array(repeating: 7, count: 32))
        let q = try Pseudonymizer(masterKey: Array(repeating: 8, count: 32))
        #expect(p.pseudonym("alice@example.org", domain: "email") == p.pseudonym("alice@example.org", domain: "email"))
        #expect(p.pseudonym("alice@example.org", domain: "email") != p.pseudonym("alice@example.org", domain: "person"))
        #expect(p.pseudonym("alice@example.org", domain: "email") != q.pseudonym("alice@example.org", domain: "email"))
        #expect(p.pseudonym("alice@example.org", domain: "email") != p.pseudonym("bob@example.org", domain: "email"))
        #expect(throws: GreenlightError.self) { try Pseudonymizer(masterKey: [1, 2, 3]) }
        // The same value in a column and in free text gets the same pseudonym when the domains match.
        var a = try Self.anonymizer("entities: {PERSON: {operator: pseudonymize, domain: person}}")
        let inText = try a.anonymizeText("Customer Jennifer King called.")
        let inColumn = try a.apply(.pseudonymize(domain: "person", length: 16), to: "Jennifer King", label: "name")
        #expect(inText == "Customer \(inColumn!) called.")
    }

    @Test("replace, redact, mask and keep on values and in free text")
    func operators() throws {
        var a = try Self.anonymizer("entities: {EMAIL_ADDRESS: {operator: mask, char: '*', chars: 4, from_end: true}, US_SSN: {operator: redact}}")
        #expect(try a.apply(.replace(value: nil), to: "x", label: "PHONE_NUMBER") == "<PHONE_NUMBER>")
        #expect(try a.apply(.replace(value: "[gone]"), to: "x", label: "ssn") == "[gone]")
        #expect(try a.apply(.redact, to: "x", label: "ssn") == nil)
        #expect(try a.apply(.keep, to: "x", label: "ssn") == "x")
        #expect(try a.apply(.mask(char: "#", count: 3, fromEnd: false), to: "Zoë Ünal", label: "name") == "### Ünal")
        #expect(try a.apply(.mask(char: "*", count: nil, fromEnd: true), to: "4111", label: "pin") == "****")
        #expect(try a.apply(.mask(char: "*", count: 99, fromEnd: true), to: "ab", label: "pin") == "**")
        let text = try a.anonymizeText("Zoë 😀 <zoe@example.org>, SSN 813-94-6450, call 797.329.8063.")
        #expect(text == "Zoë 😀 <zoe@example****>, SSN , call <PHONE_NUMBER>.")
        #expect(a.entitiesTransformed == ["EMAIL_ADDRESS": 1, "US_SSN": 1, "PHONE_NUMBER": 1])
        #expect(try a.anonymizeText("nothing to see") == "nothing to see")
    }

    @Test("encrypt gives Fernet tokens that decrypt with the key file's key")
    func encrypt() throws {
        var a = try Self.anonymizer("columns: {bill: {operator: encrypt}}")
        let token = try #require(try a.apply(.encrypt, to: "4180.78", label: "bill"))
        #expect(try Fernet(key: Self.key).decrypt(token) == Data("4180.78".utf8))
    }

    @Test("config mistakes name the file, line and key", arguments: [
        ("columns:\n  email: {operator: masc}\n", "test.yaml:2: columns.email"),
        ("columns:\n  email: {operator: mask, chars: -1}\n", "test.yaml:2: columns.email.chars"),
        ("columns:\n  email: {operator: mask, colour: red}\n", "columns.email.colour"),
        ("columns:\n  email: {operator: mask, char: '**'}\n", "columns.email.char"),
        ("entities:\n  EMAIL: {operator: redact}\n", "test.yaml:2: entities"),
        ("entities:\n  PERSON: {operator: entities}\n", "entities"),
        ("colums:\n  email: {operator: redact}\n", "test.yaml:1: colums"),
        ("columns: [email]\n", "columns"),
        ("detect: [EMAIL_ADDRESS, SSN]\n", "detect"),
        ("columns:\n  name: {operator: pseudonymize, length: 4}\n", "columns.name.length"),
        ("columns: {a: {operator: keep}\n", "test.yaml"),
    ])
    func configErrors(_ yaml: String, _ place: String) {
        // `place` is the file, line and key of the mistake, which the message alone carries.
        let e = expectCode(.invalidInput, "\(yaml)") { try AnonymizerConfig(yaml: yaml, source: "test.yaml") }
        #expect(e?.message.contains(place) == true, "\(e?.message ?? "")")
    }

    @Test("keys: pseudonymize without key_file, a missing file, and a file that is not a key")
    func keyErrors() throws {
        let yaml = "columns: {name: {operator: pseudonymize}}"
        #expect(throws: GreenlightError.self) { try Anonymizer(config: AnonymizerConfig(yaml: yaml, source: "c.yaml")) }
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = "key_file: secret.key\n" + yaml
        try Data(config.utf8).write(to: dir.appendingPathComponent("c.yaml"))
        let missing = expectCode(.notFound) { try Anonymizer(config: AnonymizerConfig.load(path: dir.appendingPathComponent("c.yaml").path)) }
        #expect(missing?.location?.path?.hasSuffix("secret.key") == true, "\(missing?.message ?? "")")
        try Data("not a key\n".utf8).write(to: dir.appendingPathComponent("secret.key"))
        expectCode(.invalidInput) { try Anonymizer(config: AnonymizerConfig.load(path: dir.appendingPathComponent("c.yaml").path)) }
    }
}
