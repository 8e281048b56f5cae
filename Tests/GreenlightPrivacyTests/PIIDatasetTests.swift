import Foundation
import GreenlightCore
import GreenlightPrivacy
import GreenlightTestSupport
import Testing

@Suite("PII datasets: streaming anonymize, scan")
struct PIIDatasetTests {
    static let patients = TestSupport.sharedData.appendingPathComponent("pii/patients-en_US.csv").path
    static let notes = TestSupport.sharedData.appendingPathComponent("pii/notes-en_US.jsonl").path
    static let config = """
        columns:
          name: {operator: pseudonymize, domain: person}
          email: {operator: mask, char: "*", chars: 6}
          phone: {operator: replace}
          ssn: {operator: redact}
          bill: {operator: encrypt}
        """

    static func lines(_ path: String) throws -> [Substring] {
        // By scalars: "\r\n" is one Character, and the patients file ends its lines with it.
        try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { $0 }
    }

    @Test("the patients CSV round trip: every row out, operators applied, pseudonyms stable across runs")
    func patientsRoundTrip() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out1 = dir.appendingPathComponent("a.csv").path, out2 = dir.appendingPathComponent("b.csv").path
        var a = try Anonymizer(config: AnonymizerConfig(yaml: Self.config), key: PIIAnonymizerTests.key)
        let summary = try a.anonymizeFile(inputPath: Self.patients, outputPath: out1)
        var b = try Anonymizer(config: AnonymizerConfig(yaml: Self.config), key: PIIAnonymizerTests.key)
        _ = try b.anonymizeFile(inputPath: Self.patients, outputPath: out2)
        #expect(summary.rows == 5000)
        let input = try Self.lines(Self.patients), output = try Self.lines(out1), again = try Self.lines(out2)
        #expect(output.count == input.count && output[0] == input[0])
        let fernet = try Fernet(key: PIIAnonymizerTests.key)
        for k in [1, 2, 4999, 5000] {
            let src = input[k].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let dst = output[k].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let dst2 = again[k].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(dst[0] == src[0] && dst[5...8] == src[5...8])
            #expect(dst[1].count == 16 && dst[1] == dst2[1] && dst[1] != src[1])
            #expect(dst[2] == "******" + src[2].dropFirst(6))
            #expect(dst[3] == "<phone>" && dst[4].isEmpty)
            #expect(try fernet.decrypt(dst[10]) == Data(src[10].utf8))
        }
        let treatment = Dictionary(uniqueKeysWithValues: summary.columns.map { ($0.column, $0) })
        #expect(treatment["ssn"]?.classification == "direct-identifier" && treatment["ssn"]?.operation == "redact")
        #expect(treatment["zip"]?.classification == "quasi-identifier" && treatment["zip"]?.operation == "keep")
    }

    @Test("quoted fields with commas, quotes and newlines survive; line numbers count them")
    func quotedFields() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.csv").path, out = dir.appendingPathComponent("out.csv").path
        try Data("id,notes\n1,\"Call Mr. John Smith, at\n797.329.8063 \"\"now\"\"\"\n2,plain\n3,a,b\n".utf8).write(to: URL(fileURLWithPath: input))
        var a = try Anonymizer(config: AnonymizerConfig(yaml: "columns: {notes: {operator: entities}}"))
        // The file and line are where the bad row is, told only in the message.
        let e = expectCode(.invalidInput) { try a.anonymizeFile(inputPath: input, outputPath: out) }
        #expect(e?.message.contains("in.csv: line 5") == true, "\(e?.message ?? "")")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["in.csv"])
        try Data("id,notes\n1,\"Call Mr. John Smith, at\n797.329.8063 \"\"now\"\"\"\n2,plain\n".utf8).write(to: URL(fileURLWithPath: input))
        _ = try a.anonymizeFile(inputPath: input, outputPath: out)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "id,notes\n1,\"Call <PERSON>, at\n<PHONE_NUMBER> \"\"now\"\"\"\n2,plain\n")
    }

    @Test("a byte order mark is not part of the first header")
    func byteOrderMark() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.csv").path, out = dir.appendingPathComponent("out.csv").path
        try Data([0xEF, 0xBB, 0xBF] + Array("name,email\r\nAda,ada@example.org\r\n".utf8)).write(to: URL(fileURLWithPath: input))
        var a = try Anonymizer(config: AnonymizerConfig(yaml: "columns: {name: {operator: replace, value: X}}"))
        _ = try a.anonymizeFile(inputPath: input, outputPath: out)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "name,email\nX,ada@example.org\n")
    }

    @Test("a config column missing from the header names it and lists the header; no output")
    func unknownColumn() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv").path
        var a = try Anonymizer(config: AnonymizerConfig(yaml: "columns: {e_mail: {operator: redact}}", source: "c.yaml"))
        // The missing column and the header's columns are what the user acts on, told only in the message.
        let e = try #require(expectCode(.invalidInput) { try a.anonymizeFile(inputPath: Self.patients, outputPath: out) })
        #expect(e.message.contains("c.yaml: columns.e_mail"), "\(e.message)")
        #expect(e.message.contains("patient_id, name, email, phone, ssn, birth_date, zip, sex, diagnosis, visits, bill"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("JSON Lines: the text field's PII is gone, other fields kept, labels redacted")
    func notes() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.jsonl").path
        var a = try Anonymizer(config: AnonymizerConfig(yaml: "columns: {entities: {operator: redact}}"))
        let summary = try a.anonymizeFile(inputPath: Self.notes, outputPath: out)
        #expect(summary.rows == 2000)
        #expect(summary.entitiesTransformed["EMAIL_ADDRESS"] == 647)
        let analyzer = PIIAnalyzer(entities: Set(PIIEntityType.allCases).subtracting([.person]))
        for line in try Self.lines(out) {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(record["entities"] == nil && record["id"] != nil)
            let text = try #require(record["text"] as? String)
            #expect(analyzer.analyze(text).isEmpty, "\(text)")
        }
    }

    @Test("JSON Lines: members are spliced, others keep their bytes; escapes, nesting, numbers, redact first")
    func jsonSplicing() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.jsonl").path, out = dir.appendingPathComponent("out.jsonl").path
        let lines = [
            #"{ "ssn" : "813-94-6450", "meta": {"a": [1, {"b": "}\"]"}], "c": null}, "text": "Mail \"Zoë\" at zoe@example.org\n", "n": 42 , "ok": true }"#,
            #"{"text": "nothing here", "ssn": null, "n": 7.5}"#,
            "",
        ]
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: input))
        var a = try Anonymizer(config: AnonymizerConfig(yaml: "columns: {ssn: {operator: redact}, n: {operator: replace, value: N}, ok: {operator: mask}}"))
        let summary = try a.anonymizeFile(inputPath: input, outputPath: out)
        #expect(summary.rows == 2)
        let expected = [
            #"{"meta": {"a": [1, {"b": "}\"]"}], "c": null},"text":"Mail \"Zoë\" at <EMAIL_ADDRESS>\n","n":"N","ok":"****"}"#,
            #"{"text": "nothing here","ssn": null,"n":"N"}"#,
            "",
        ]
        #expect(try String(contentsOfFile: out, encoding: .utf8) == expected.joined(separator: "\n"))
        try Data("{\"text\": \"a\"} trailing\n".utf8).write(to: URL(fileURLWithPath: input))
        #expect(throws: GreenlightError.self) { try a.anonymizeFile(inputPath: input, outputPath: out) }
    }

    @Test("scan classifies the patients table from headers and values")
    func scan() throws {
        let scan = try ColumnClassifier().scan(csvPath: Self.patients)
        let classes = Dictionary(uniqueKeysWithValues: scan.columns.map { ($0.column, $0.classification) })
        for c in ["patient_id", "name", "email", "phone", "ssn"] { #expect(classes[c] == .directIdentifier, "\(c)") }
        for c in ["birth_date", "zip", "sex"] { #expect(classes[c] == .quasiIdentifier, "\(c)") }
        #expect(classes["diagnosis"] == .sensitive)
        #expect(classes["visits"] == .other && classes["bill"] == .other)
        // Values decide over headers; headers alone work too.
        let c = ColumnClassifier()
        #expect(c.classify(header: "contact", values: ["a@example.org", "b@example.org"]).classification == .directIdentifier)
        #expect(c.classify(header: "dateOfBirth", values: []).classification == .quasiIdentifier)
        #expect(c.classify(header: "user_id", values: ["1", "1", "2"]).classification == .other)
    }
}
