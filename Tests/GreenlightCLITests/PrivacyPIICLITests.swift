import Foundation
import GreenlightCore
import GreenlightTestSupport
import Testing

@Suite("greenlight privacy detect/evaluate/scan/anonymize, end to end")
struct PrivacyPIICLITests {
    static let notes = TestSupport.sharedData.appendingPathComponent("pii/notes-en_US.jsonl").path
    static let patients = TestSupport.sharedData.appendingPathComponent("pii/patients-en_US.csv").path

    @Test("detect writes each record back with Presidio-shaped findings in code points")
    func detect() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.jsonl"), out = dir.appendingPathComponent("out.jsonl")
        let report = dir.appendingPathComponent("r.json")
        try Data("{\"id\": 1, \"text\": \"Zoë 👋 mail zoe@example.org\"}\n\n{\"id\": 2, \"text\": \"nothing\"}\n".utf8).write(to: input)
        let r = try CLI.run(["privacy", "detect", input.path, "-o", out.path, "--json", report.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOf: out, encoding: .utf8) == """
            {"id": 1, "text": "Zoë 👋 mail zoe@example.org","findings":[{"entity_type":"EMAIL_ADDRESS","start":11,"end":26,"score":1.0}]}
            {"id": 2, "text": "nothing","findings":[]}

            """)
        let pii = try #require(try CLI.report(at: report).privacy?.pii)
        #expect(try schemaViolation(of: report) == nil)
        #expect(pii.records == 2 && pii.findings == ["EMAIL_ADDRESS": 1] && pii.evaluation == nil)
        #expect(pii.method.source == "greenlight-recognizers-v1")
    }

    @Test("evaluate prints the per-entity table and reports scores; every gated type ≥ 0.95")
    func evaluate() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = dir.appendingPathComponent("r.json")
        let r = try CLI.run(["privacy", "evaluate", Self.notes, "--json", report.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("entity           precision  recall     F1     TP    FP    FN"))
        #expect(r.stdout.contains("EMAIL_ADDRESS        1.000   1.000  1.000    647     0     0"))
        #expect(r.stdout.contains("not scored: DATE_TIME"))
        let written = try CLI.report(at: report)
        #expect(try schemaViolation(of: report) == nil)
        let evaluation = try #require(written.privacy?.pii?.evaluation)
        #expect(evaluation["DATE_TIME"] == nil)
        for (type, score) in evaluation where type != "PERSON" {
            #expect(score.precision >= 0.95 && score.recall >= 0.95, "\(type)")
        }
        #expect(written.notes.contains { $0.code == "pii-unscored-types" })
        let unlabelled = try CLI.run(["privacy", "evaluate", Self.patients])
        #expect(unlabelled.status == 2)
    }

    @Test("scan classifies the patients columns")
    func scan() throws {
        let r = try CLI.run(["privacy", "scan", Self.patients, "--sample", "200"])
        #expect(r.status == 0, "\(r.stderr)")
        let classes = Dictionary(uniqueKeysWithValues: r.stdout.split(separator: "\n").dropFirst().dropLast().map {
            let parts = $0.split(separator: " ", omittingEmptySubsequences: true)
            return (String(parts[0]), String(parts[1]))
        })
        #expect(classes == ["patient_id": "direct-identifier", "name": "direct-identifier", "email": "direct-identifier",
                            "phone": "direct-identifier", "ssn": "direct-identifier", "birth_date": "quasi-identifier",
                            "zip": "quasi-identifier", "sex": "quasi-identifier", "diagnosis": "sensitive",
                            "visits": "other", "bill": "other"])
    }

    @Test("anonymize streams the patients CSV with a key file and writes the report")
    func anonymize() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = try CLI.run(["privacy", "keygen", "--fernet"]).stdout
        try Data(key.utf8).write(to: dir.appendingPathComponent("secret.key"))
        let config = dir.appendingPathComponent("anon.yaml"), out = dir.appendingPathComponent("out.csv")
        let report = dir.appendingPathComponent("r.json")
        try Data("""
            key_file: secret.key
            columns:
              name: {operator: pseudonymize, domain: person}
              ssn: {operator: redact}
            """.utf8).write(to: config)
        let r = try CLI.run(["privacy", "anonymize", Self.patients, "--config", config.path, "-o", out.path, "--json", report.path])
        #expect(r.status == 0, "\(r.stderr)")
        let anonymization = try #require(try CLI.report(at: report).privacy?.anonymization)
        #expect(try schemaViolation(of: report) == nil)
        #expect(anonymization.rows == 5000)
        #expect(anonymization.columns.first { $0.column == "name" }?.operation == "pseudonymize")
        let text = try String(contentsOf: out, encoding: .utf8)
        #expect(!text.contains("Christopher Dixon") && !text.contains("013-36-3226"))
    }

    @Test("bad input: clear message, non-zero exit, no output file", arguments: [
        ("columns:\n  e_mail: {operator: redact}\n", "columns.e_mail: no such column"),
        ("columns:\n  name: {operator: pseudonymise}\n", "anon.yaml:2: columns.name: unknown operator \"pseudonymise\""),
        ("key_file: missing.key\ncolumns:\n  name: {operator: pseudonymize}\n", "key_file"),
    ])
    func badInput(_ yaml: String, _ message: String) throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("anon.yaml"), out = dir.appendingPathComponent("out.csv")
        try Data(yaml.utf8).write(to: config)
        let r = try CLI.run(["privacy", "anonymize", Self.patients, "--config", config.path, "-o", out.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["anon.yaml"])
    }

    @Test("a corrupt CSV row: its line number, exit 2, no output file")
    func corruptRow() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.csv"), config = dir.appendingPathComponent("anon.yaml")
        let out = dir.appendingPathComponent("out.csv")
        try Data("name,email\nAda Lovelace,ada@example.org\nBob,bob@example.org,extra\n".utf8).write(to: input)
        try Data("columns: {email: {operator: redact}}\n".utf8).write(to: config)
        let r = try CLI.run(["privacy", "anonymize", input.path, "--config", config.path, "-o", out.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("in.csv: line 3: 3 fields, but the header has 2"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
