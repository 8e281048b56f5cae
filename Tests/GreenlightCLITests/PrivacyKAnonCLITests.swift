import Foundation
import GreenlightCore
import GreenlightTestSupport
import Testing

@Suite("greenlight privacy kanon and dp, end to end")
struct PrivacyKAnonCLITests {
    static let patients = TestSupport.sharedData.appendingPathComponent("pii/patients-en_US.csv").path
    static let direct = "patient_id,name,email,phone,ssn"

    @Test("kanon pseudonymises direct identifiers with the keyed pseudonyms anonymize uses (one HKDF key per column)")
    func pseudonymizedIdentifiers() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = dir.appendingPathComponent("k").path
        try CLI.run(["privacy", "keygen", "--fernet"]).stdout.write(toFile: key, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out.csv"), json = dir.appendingPathComponent("r.json")
        let csv = dir.appendingPathComponent("t.csv")
        try "name,zip,sex\nAda,12345,F\nAda,12346,F\nBob,12347,M\nBob,12348,M\n".write(to: csv, atomically: true, encoding: .utf8)
        let r = try CLI.run(["privacy", "kanon", csv.path, "--qi", "zip,sex", "--k", "2", "--pseudonymize", "name",
                             "--key-file", key, "-o", out.path, "--json", json.path])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        let names = rows.map { String($0[0]) }
        #expect(names.count == 4 && !names.contains("Ada") && names[0] == names[1] && names[2] == names[3] && names[0] != names[2])
        #expect(names.allSatisfy { $0.count == 16 && $0.allSatisfy(\.isHexDigit) })
        // The same key and domain through anonymize gives the same pseudonym, so the two outputs join.
        let config = dir.appendingPathComponent("c.yaml")
        try "key_file: \(key)\ncolumns:\n  name: {operator: pseudonymize, domain: name}\n".write(to: config, atomically: true, encoding: .utf8)
        let anon = dir.appendingPathComponent("a.csv")
        #expect(try CLI.run(["privacy", "anonymize", csv.path, "--config", config.path, "-o", anon.path]).status == 0)
        #expect(try String(contentsOf: anon, encoding: .utf8).contains(names[0]))
        #expect(try CLI.report(at: json).privacy?.anonymization?.columns.first?.operation == "pseudonymize")
        #expect(try CLI.run(["privacy", "kanon", csv.path, "--qi", "zip", "--k", "2", "--pseudonymize", "name", "-o", out.path]).status != 0)
    }

    @Test("kanon on the patients table: k ≥ 5, direct identifiers dropped, figures on stderr, a privacy report")
    func patients() throws {
        try #require(FileManager.default.fileExists(atPath: Self.patients))
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv"), json = dir.appendingPathComponent("report.json")
        let r = try CLI.run([
            "privacy", "kanon", Self.patients, "--qi", "birth_date,zip,sex", "--sensitive", "diagnosis",
            "--k", "5", "--l", "2", "--suppress", "0.02", "--drop", Self.direct, "-o", out.path, "--json", json.path,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOf: out, encoding: .utf8)
        #expect(text.hasPrefix("birth_date,zip,sex,diagnosis,visits,bill\n"))
        #expect(!text.contains("@example."))
        #expect(r.stderr.contains("k: ") && r.stderr.contains("(required 5)"))
        #expect(r.stderr.contains("information loss: ") && r.stderr.contains("ncp-suppression-v1"))
        let report = try CLI.report(at: json)
        #expect(try schemaViolation(of: json) == nil)
        #expect(report.kind == .privacy)
        let k = try #require(report.privacy?.kAnonymity)
        #expect(k.kReached >= 5 && k.kRequired == 5)
        #expect(k.lReached.map { $0 >= 2 } == true)
        #expect(k.suppressedRows <= 100)
        #expect(k.generalization.keys.sorted() == ["birth_date", "sex", "zip"])
        let columns = try #require(report.privacy?.anonymization?.columns)
        #expect(columns.filter { $0.operation == "drop" }.map(\.column) == ["patient_id", "name", "email", "phone", "ssn"])
        // Measuring the output agrees.
        let m = try CLI.run(["privacy", "kanon", out.path, "--qi", "birth_date,zip,sex", "--sensitive", "diagnosis", "--measure", "--k", "5"])
        #expect(m.status == 0, "\(m.stderr)")
        #expect(m.stderr.contains("k: \(k.kReached) (required 5)"))
    }

    @Test("kanon without --drop drops what scan classifies as direct identifiers, and the report says why")
    func directIdentifiersDroppedByDefault() throws {
        try #require(FileManager.default.fileExists(atPath: Self.patients))
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv"), json = dir.appendingPathComponent("report.json")
        let r = try CLI.run(["privacy", "kanon", Self.patients, "--qi", "birth_date,zip,sex", "--sensitive", "diagnosis",
                             "--k", "5", "--suppress", "0.02", "-o", out.path, "--json", json.path])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOf: out, encoding: .utf8)
        #expect(text.hasPrefix("birth_date,zip,sex,diagnosis,visits,bill\n"), "\(text.prefix(200))")
        #expect(!text.contains("@example."))
        #expect(r.stderr.contains("direct identifiers dropped by default: patient_id, name, email, phone, ssn"), "\(r.stderr)")
        let columns = try #require(try CLI.report(at: json).privacy?.anonymization?.columns)
        #expect(try schemaViolation(of: json) == nil)
        let byName = Dictionary(uniqueKeysWithValues: columns.map { ($0.column, $0) })
        for name in Self.direct.split(separator: ",").map(String.init) {
            #expect(byName[name]?.operation == "drop" && byName[name]?.classification == "direct-identifier", "\(name)")
            #expect(byName[name]?.reason?.hasSuffix("dropped by default") == true, "\(name): \(byName[name]?.reason ?? "-")")
        }
        #expect(byName["email"]?.reason?.contains("EMAIL_ADDRESS") == true)
        #expect(byName["zip"]?.operation == "generalize" && byName["diagnosis"]?.classification == "sensitive")
        // --keep releases one as it is, with a warning; a column in two roles is refused.
        let kept = try CLI.run(["privacy", "kanon", Self.patients, "--qi", "birth_date,zip,sex", "--k", "5", "--suppress", "0.02",
                                "--keep", "patient_id", "-o", out.path])
        #expect(kept.status == 0, "\(kept.stderr)")
        #expect(try String(contentsOf: out, encoding: .utf8).hasPrefix("patient_id,birth_date,"))
        #expect(kept.stderr.contains("warning: patient_id is a direct identifier"), "\(kept.stderr)")
        let twice = try CLI.run(["privacy", "kanon", Self.patients, "--qi", "birth_date,zip", "--k", "5", "--keep", "zip", "-o", out.path])
        #expect(twice.status == 2 && twice.stderr.contains("column zip is given two roles"), "\(twice.stderr)")
    }

    @Test("--measure reports the table as it is and exits 1 when a requirement is not met")
    func measure() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("m.json")
        let r = try CLI.run(["privacy", "kanon", Self.patients, "--qi", "birth_date,zip,sex", "--sensitive", "diagnosis",
                             "--measure", "--json", json.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("k: 1\n"))
        #expect(try CLI.report(at: json).privacy?.kAnonymity?.kReached == 1)
        let unmet = try CLI.run(["privacy", "kanon", Self.patients, "--qi", "birth_date,zip,sex", "--measure", "--k", "2"])
        #expect(unmet.status == 1)
        #expect(unmet.stderr.contains("does not meet"))
    }

    @Test("bad input: a clear error, a non-zero exit and no output file")
    func badInput() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv"), json = dir.appendingPathComponent("r.json")
        let corrupt = dir.appendingPathComponent("corrupt.csv")
        try Data("a,zip\n1,47825\n2,47826,extra\n".utf8).write(to: corrupt)
        let cases: [([String], String)] = [
            (["--qi", "birth_date,zipcode", "--k", "5"], "unknown column zipcode; the header is: patient_id,name,email,phone,ssn,birth_date,zip,sex,diagnosis,visits,bill"),
            (["--qi", "birth_date", "--sensitive", "illness", "--k", "5"], "unknown column illness"),
            (["--qi", "birth_date", "--k", "0"], "k must be at least 1"),
            (["--qi", "birth_date", "--k", "5", "--drop", "passport"], "unknown column passport"),
            (["--qi", "birth_date", "--k", "6000"], "no generalisation reaches k=6000"),
        ]
        for (args, message) in cases {
            let r = try CLI.run(["privacy", "kanon", Self.patients] + args + ["-o", out.path, "--json", json.path])
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path) && !FileManager.default.fileExists(atPath: json.path))
        }
        let r = try CLI.run(["privacy", "kanon", corrupt.path, "--qi", "zip", "--k", "1", "-o", out.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("line 3: 3 fields, but the header has 2"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("a YAML hierarchy file is used for the categories it names")
    func hierarchyFile() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("t.csv"), yaml = dir.appendingPathComponent("h.yaml"), out = dir.appendingPathComponent("o.csv")
        try Data("job,d\nnurse,a\ndoctor,b\npilot,a\ndriver,b\n".utf8).write(to: csv)
        try Data("job:\n  categories:\n    '*':\n      health: [nurse, doctor]\n      transport: [pilot, driver]\n".utf8).write(to: yaml)
        let r = try CLI.run(["privacy", "kanon", csv.path, "--qi", "job", "--k", "2", "--hierarchy", yaml.path, "-o", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOf: out, encoding: .utf8) == "job,d\nhealth,a\nhealth,b\ntransport,a\ntransport,b\n")
        #expect(r.stderr.contains("job hierarchy level 1 of 2"))
    }

    @Test("dp: count, sum, mean with a ledger; refusal past the budget leaves the ledger unchanged")
    func dp() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = dir.appendingPathComponent("ledger.json"), json = dir.appendingPathComponent("dp.json")
        let base = ["privacy", "dp", Self.patients, "--ledger", ledger.path, "--budget", "1"]
        let count = try CLI.run(base + ["--query", "count", "--epsilon", "0.5", "--json", json.path])
        #expect(count.status == 0, "\(count.stderr)")
        let value = try #require(Double(count.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        // b = 2: the answer is within 40 of 5000 except with probability e^−20.
        #expect(abs(value - 5000) < 40)
        let dp = try #require(try CLI.report(at: json).privacy?.differentialPrivacy)
        #expect(try schemaViolation(of: json) == nil)
        #expect(dp.dataset == URL(fileURLWithPath: Self.patients).resolvingSymlinksInPath().path && dp.epsilonSpent == 0.5 && dp.epsilonBudget == 1)
        #expect(dp.contentSHA256?.hasPrefix("sha256:") == true)
        #expect(dp.releases.first?.sensitivity == 1 && dp.releases.first?.noiseScale == 2)

        let sum = try CLI.run(base + ["--query", "mean", "--column", "visits", "--lower", "0", "--upper", "50", "--epsilon", "0.4"])
        #expect(sum.status == 0, "\(sum.stderr)")
        #expect(sum.stderr.contains("noisy sum / noisy count"))

        let before = try Data(contentsOf: ledger)
        let over = try CLI.run(base + ["--query", "count", "--epsilon", "0.2", "--json", json.path + ".2"])
        #expect(over.status == 2)
        #expect(over.stderr.contains("privacy budget exceeded"), "\(over.stderr)")
        #expect(over.stdout.isEmpty)
        #expect(try Data(contentsOf: ledger) == before)
        #expect(!FileManager.default.fileExists(atPath: json.path + ".2"))

        let gauss = try CLI.run(["privacy", "dp", Self.patients, "--ledger", ledger.path, "--dataset", "patients",
                                 "--budget", "1", "--delta-budget", "1e-5", "--query", "sum", "--column", "bill",
                                 "--lower", "0", "--upper", "10000", "--epsilon", "0.5", "--delta", "1e-6", "--mechanism", "gaussian"])
        #expect(gauss.status == 0, "\(gauss.stderr)")
        #expect(gauss.stderr.contains("gaussian"))
    }

    @Test("dp: the budget belongs to the dataset's name, not its bytes; an edited ledger is refused")
    func dpBudgetByName() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data.csv"), ledger = dir.appendingPathComponent("ledger.json")
        try Data("x\n1\n2\n3\n".utf8).write(to: data)
        let base = ["privacy", "dp", data.path, "--ledger", ledger.path, "--budget", "1", "--query", "count", "--epsilon", "1"]
        #expect(try CLI.run(base).status == 0)
        // `echo >> data.csv`: new bytes, the same dataset, no fresh budget (also through a symbolic link).
        let handle = try FileHandle(forWritingTo: data)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("4\n".utf8))
        try handle.close()
        let link = dir.appendingPathComponent("link.csv")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: data)
        for path in [data.path, link.path] {
            let again = try CLI.run(["privacy", "dp", path] + Array(base.dropFirst(3)))
            #expect(again.status == 2 && again.stderr.contains("privacy budget exceeded for dataset \(data.resolvingSymlinksInPath().path)"), "\(again.stderr)")
            #expect(again.stdout.isEmpty)
        }
        // A hand edit giving back budget is detected.
        let text = try String(contentsOf: ledger, encoding: .utf8)
        try text.replacingOccurrences(of: "\"epsilon\" : 1,", with: "\"epsilon\" : -100,").write(to: ledger, atomically: true, encoding: .utf8)
        let edited = try CLI.run(base)
        #expect(edited.status == 2 && edited.stderr.contains("ε must be finite and > 0"), "\(edited.stderr)")
        #expect(edited.stdout.isEmpty)
    }

    @Test("dp: missing bounds, bad columns and bad ε are clear errors that spend nothing")
    func dpErrors() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = dir.appendingPathComponent("ledger.json"), json = dir.appendingPathComponent("dp.json")
        let cases: [([String], String)] = [
            (["--query", "sum", "--column", "bill", "--epsilon", "0.5"], "needs clamping bounds"),
            (["--query", "sum", "--column", "bill", "--lower", "10", "--upper", "1", "--epsilon", "0.5"], "lower ≤ upper"),
            (["--query", "mean", "--column", "cost", "--lower", "0", "--upper", "1", "--epsilon", "0.5"], "unknown column cost; the header is"),
            (["--query", "sum", "--column", "name", "--lower", "0", "--upper", "1", "--epsilon", "0.5"], "line 2: column name:"),
            (["--query", "count", "--epsilon", "1.5", "--delta", "1e-6", "--mechanism", "gaussian", "--delta-budget", "1e-5"], "0 < ε < 1"),
        ]
        for (args, message) in cases {
            let r = try CLI.run(["privacy", "dp", Self.patients, "--ledger", ledger.path, "--budget", "1", "--json", json.path] + args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: json.path))
            #expect(!FileManager.default.fileExists(atPath: ledger.path))
        }
    }

    @Test("dp: concurrent processes on one ledger lose no entry")
    func dpConcurrent() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = dir.appendingPathComponent("ledger.json")
        let statuses = StatusList()
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            let r = try? CLI.run(["privacy", "dp", Self.patients, "--ledger", ledger.path, "--dataset", "p", "--budget", "1",
                                  "--query", "count", "--epsilon", "0.1"])
            statuses.append(r?.status ?? -1)
        }
        #expect(statuses.values == [0, 0, 0, 0, 0, 0])
        let data = try Data(contentsOf: ledger)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entries = try #require(object["entries"] as? [[String: Any]])
        #expect(entries.count == 6 && entries.allSatisfy { $0["dataset"] as? String == "p" })
    }
}

/// Exit statuses collected from several threads.
final class StatusList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Int32] = []
    func append(_ s: Int32) { lock.withLock { list.append(s) } }
    var values: [Int32] { lock.withLock { list } }
}
