import Foundation
import GreenlightCore
import GreenlightPrivacy
import GreenlightTestSupport
import Testing

/// The decisions the privacy commands used to make themselves: the measure verdict, the default ledger, the
/// report each job writes and what it leaves alone when it refuses.
@Suite("privacy jobs: verdicts, defaults and reports")
struct PrivacyJobsTests {
    static let table = """
        zip,age,disease
        13053,28,flu
        13068,29,flu
        13068,21,cancer
        14853,50,flu
        """

    static func write(_ text: String, in dir: URL, as name: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test("the measure verdict: met when every requirement holds, requirementsNotMet naming each one missed")
    func measureVerdict() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = try Self.write(Self.table, in: dir, as: "t.csv")
        let report = dir.appendingPathComponent("r.json").path
        let met = try KAnonymityJob(inputPath: csv, quasiIdentifiers: ["zip"], k: 1, reportPath: report).run()
        #expect(met.requirementsMet)
        try met.requireMet()
        #expect(FileManager.default.fileExists(atPath: report))
        let unmet = try KAnonymityJob(inputPath: csv, quasiIdentifiers: ["zip"], sensitive: "disease", k: 2, l: 2).run()
        #expect(!unmet.requirementsMet)
        // zip classes: 13053 (1 row), 13068 (2 rows, flu and cancer), 14853 (1 row): k 1, l 1.
        let error = expectCode(.requirementsNotMet) { try unmet.requireMet() }
        #expect(error?.message == "the table does not meet the requirements: k 1 < 2, l 1 < 2")
        // The same requirements, checked on a summary, say the same.
        #expect(KAnonymity.missed(unmet.summary, unmet.requirements) == ["k 1 < 2", "l 1 < 2"])
    }

    @Test("l or t without a sensitive column is refused before anything is written")
    func measureNeedsSensitive() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = try Self.write(Self.table, in: dir, as: "t.csv")
        let report = dir.appendingPathComponent("r.json").path
        let error = expectCode(.invalidInput) { try KAnonymityJob(inputPath: csv, quasiIdentifiers: ["zip"], l: 2, reportPath: report).run() }
        #expect(error?.parameter?.name == "sensitive")
        #expect(!FileManager.default.fileExists(atPath: report))
    }

    @Test("a release writes the table and its column treatments; an unreadable hierarchy is notFound with the system's reason")
    func release() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = try Self.write(Self.table, in: dir, as: "t.csv")
        let out = dir.appendingPathComponent("o.csv").path, report = dir.appendingPathComponent("r.json").path
        let outcome = try KAnonymityJob(inputPath: csv, quasiIdentifiers: ["zip", "age"], sensitive: "disease", k: 2,
                                        release: .init(outputPath: out, suppressionLimit: 0.5), reportPath: report).run()
        #expect(outcome.summary.kReached >= 2 && outcome.requirementsMet)
        let written = try Report.decode(from: Data(contentsOf: URL(fileURLWithPath: report)))
        #expect(written.privacy?.anonymization?.columns.map(\.column) == ["zip", "age", "disease"])
        #expect(FileManager.default.fileExists(atPath: out))
        let missing = dir.appendingPathComponent("none.yaml").path
        let error = expectCode(.notFound) {
            try KAnonymityJob(inputPath: csv, quasiIdentifiers: ["zip"], k: 1,
                              release: .init(outputPath: out + "2", hierarchyPath: missing)).run()
        }
        #expect((error?.cause as? SystemError)?.code == ENOENT)
        #expect(!FileManager.default.fileExists(atPath: out + "2"))
    }

    @Test("the default ledger is under XDG_STATE_HOME, else ~/.local/state, and its folder is made")
    func defaultLedger() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state").path
        #expect(try PrivacyBudgetLedger.defaultPath(environment: ["XDG_STATE_HOME": state]) == state + "/greenlight/dp-ledger.json")
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: state + "/greenlight", isDirectory: &isDirectory) && isDirectory.boolValue)
        let blocked = try Self.write("", in: dir, as: "file")
        let error = expectCode(.io) { try PrivacyBudgetLedger.defaultPath(environment: ["XDG_STATE_HOME": blocked]) }
        #expect(error?.parameter?.name == "ledger")
    }

    @Test("dp: an answer that cannot be delivered is not charged and leaves no report; a delivered one is")
    func dpDelivery() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = try Self.write(Self.table, in: dir, as: "t.csv")
        let ledger = dir.appendingPathComponent("l.json").path, report = dir.appendingPathComponent("r.json").path
        let job = DifferentialPrivacyJob(inputPath: csv, query: .count, epsilon: 0.5, epsilonBudget: 1, dataset: "t",
                                         ledgerPath: ledger, reportPath: report)
        struct Closed: Error {}
        #expect(throws: Closed.self) { try job.run { _ in throw Closed() } }
        #expect(!FileManager.default.fileExists(atPath: report))
        #expect(try PrivacyBudgetLedger(path: ledger).account(for: "t") == nil)
        var delivered: [Double] = []
        let outcome = try job.run { delivered.append($0.value) }
        #expect(delivered == [outcome.release.value] && outcome.summary.epsilonSpent == 0.5 && !outcome.contentsChanged)
        #expect(FileManager.default.fileExists(atPath: report))
        #expect(try PrivacyBudgetLedger(path: ledger).account(for: "t")?.epsilonSpent == 0.5)
    }

    @Test("dp: sum without bounds names the bounds parameter and charges nothing")
    func dpBounds() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = try Self.write(Self.table, in: dir, as: "t.csv")
        let ledger = dir.appendingPathComponent("l.json").path
        let error = expectCode(.invalidInput) {
            try DifferentialPrivacyJob(inputPath: csv, query: .sum(column: "age"), epsilon: 0.5, epsilonBudget: 1, ledgerPath: ledger).run { _ in }
        }
        #expect(error?.parameter?.name == "bounds")
        #expect(!FileManager.default.fileExists(atPath: ledger))
    }

    @Test("Fernet round trip through files, with the record the report keeps; a missing key file is notFound")
    func encryption() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = try Self.write(Fernet.generateKey() + "\n", in: dir, as: "k")
        let plain = try Self.write("hello", in: dir, as: "p")
        let token = dir.appendingPathComponent("t").path, back = dir.appendingPathComponent("b").path
        let record = try EncryptionJob(operation: .encrypt, key: .fernetFile(key), inputPath: plain, outputPath: token).run()
        #expect(record == EncryptionRecord(operation: "encrypt", format: "fernet", path: token, plaintextBytes: 5, recipients: ["fernet"]))
        try EncryptionJob(operation: .decrypt, key: .fernetFile(key), inputPath: token, outputPath: back, ttl: .seconds(60)).run()
        #expect(try String(contentsOfFile: back, encoding: .utf8) == "hello")
        let error = expectCode(.notFound) {
            try EncryptionJob(operation: .encrypt, key: .fernetFile(key + "-none"), inputPath: plain, outputPath: token + "2").run()
        }
        #expect(error?.message.hasPrefix("cannot read the key file") == true)
        // The key file is an input: refused as an output before anything is read.
        expectCode(.invalidInput) { try EncryptionJob(operation: .encrypt, key: .fernetFile(key), inputPath: plain, outputPath: key).run() }
    }
}
