import Foundation
import GreenlightCore
import GreenlightPrivacy
import GreenlightTestSupport
import Testing

@Suite("Differential privacy: the privacy-budget ledger")
struct DifferentialPrivacyLedgerTests {
    @Test("spends add up; a query past the budget is refused and the ledger file is unchanged")
    func refusal() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = PrivacyBudgetLedger(path: dir.appendingPathComponent("ledger.json").path)
        func spend(_ e: Double) throws -> PrivacyBudgetLedger.Account {
            try ledger.spend(dataset: "d", epsilon: e, delta: 0, query: "count", mechanism: "laplace",
                             epsilonBudget: 1, deltaBudget: 0) { 42 }.1
        }
        #expect(try spend(0.4).epsilonSpent == 0.4)
        #expect(abs(try spend(0.4).epsilonSpent - 0.8) < 1e-12)
        let before = try Data(contentsOf: URL(fileURLWithPath: ledger.path))
        var ran = false
        #expect(throws: GreenlightError.self) {
            try ledger.spend(dataset: "d", epsilon: 0.4, delta: 0, query: "count", mechanism: "laplace",
                             epsilonBudget: 1, deltaBudget: 0) { ran = true }
        }
        #expect(!ran, "no noise may be drawn for a refused query")
        #expect(try Data(contentsOf: URL(fileURLWithPath: ledger.path)) == before)
        // The same dataset with a larger budget is refused too: budgets cannot be raised by asking.
        #expect(throws: GreenlightError.self) {
            try ledger.spend(dataset: "d", epsilon: 0.1, delta: 0, query: "count", mechanism: "laplace",
                             epsilonBudget: 2, deltaBudget: 0) { 0 }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: ledger.path)) == before)
        // Another dataset has its own budget.
        #expect(try ledger.spend(dataset: "e", epsilon: 1, delta: 0, query: "count", mechanism: "laplace",
                                 epsilonBudget: 1, deltaBudget: 0) { 0 }.1.queries.count == 1)
        let account = try #require(try ledger.account(for: "d"))
        #expect(account.queries.map(\.epsilon) == [0.4, 0.4])
        #expect(account.queries.allSatisfy { $0.query == "count" && $0.mechanism == "laplace" })
    }

    @Test("ten queries of ε = 0.1 fit a budget of 1 despite rounding; δ is budgeted too")
    func rounding() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = PrivacyBudgetLedger(path: dir.appendingPathComponent("l.json").path)
        for _ in 0..<10 {
            _ = try ledger.spend(dataset: "d", epsilon: 0.1, delta: 1e-6, query: "q", mechanism: "gaussian",
                                 epsilonBudget: 1, deltaBudget: 1e-5) { 0 }
        }
        #expect(throws: GreenlightError.self) {
            try ledger.spend(dataset: "d", epsilon: 1e-6, delta: 0, query: "q", mechanism: "laplace", epsilonBudget: 1, deltaBudget: 1e-5) { 0 }
        }
        let other = PrivacyBudgetLedger(path: dir.appendingPathComponent("m.json").path)
        #expect(throws: GreenlightError.self) {
            try other.spend(dataset: "d", epsilon: 0.1, delta: 1e-6, query: "q", mechanism: "gaussian", epsilonBudget: 1, deltaBudget: 0) { 0 }
        }
        #expect(!FileManager.default.fileExists(atPath: other.path))
    }

    @Test("concurrent spenders lose no entry and never overspend")
    func concurrent() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ledger.json").path
        // 8 workers × 10 queries of 0.01: all 80 fit a budget of 1.
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let ledger = PrivacyBudgetLedger(path: path)
            for _ in 0..<10 {
                _ = try? ledger.spend(dataset: "d", epsilon: 0.01, delta: 0, query: "count", mechanism: "laplace",
                                      epsilonBudget: 1, deltaBudget: 0) { 0 }
            }
        }
        #expect(try PrivacyBudgetLedger(path: path).account(for: "d")?.queries.count == 80)
        // 8 workers × 5 queries of 0.1 against a budget of 1: exactly 10 succeed.
        let successes = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let ledger = PrivacyBudgetLedger(path: path)
            for _ in 0..<5 {
                if (try? ledger.spend(dataset: "e", epsilon: 0.1, delta: 0, query: "count", mechanism: "laplace",
                                      epsilonBudget: 1, deltaBudget: 0) { 0 }) != nil { successes.add() }
            }
        }
        #expect(successes.value == 10)
        #expect(try PrivacyBudgetLedger(path: path).account(for: "e")?.queries.count == 10)
    }

    @Test("a corrupt ledger is an error and is left alone")
    func corrupt() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("ledger.json")
        try Data("not json".utf8).write(to: url)
        #expect(throws: GreenlightError.self) {
            try PrivacyBudgetLedger(path: url.path).spend(dataset: "d", epsilon: 0.1, delta: 0, query: "q", mechanism: "laplace",
                                                          epsilonBudget: 1, deltaBudget: 0) { 0 }
        }
        #expect(try Data(contentsOf: url) == Data("not json".utf8))
    }

    /// Spends ε on dataset `d` of a ledger at `path`.
    static func spend(_ path: String, _ epsilon: Double = 0.1, dataset: String = "d",
                      deliver: (Int, PrivacyBudgetLedger.Account) throws -> Void = { _, _ in }) throws -> PrivacyBudgetLedger.Account {
        try PrivacyBudgetLedger(path: path).spend(dataset: dataset, contentSHA256: "sha256:00", epsilon: epsilon, delta: 0, query: "count",
                                                  mechanism: "laplace", epsilonBudget: 10, deltaBudget: 0, { 42 }, deliver: deliver).1
    }

    @Test("a hand-edited ledger is refused: a negative ε, a changed, removed or reordered entry; the file is left alone")
    func edited() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ledger.json").path
        for _ in 0..<3 { _ = try Self.spend(path) }
        let original = try String(contentsOfFile: path, encoding: .utf8)
        #expect(original.contains("\"hash\"") && original.contains("\"contentSHA256\" : \"sha256:00\""))
        // `entry` is where in the ledger the damage is, told only in the message.
        func refused(_ text: String, _ code: GreenlightError.Code = .invalidInput, entry: String? = nil) throws {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let error = expectCode(code) { try Self.spend(path) }
            if let entry { #expect(error?.message.contains(entry) == true, "\(error?.message ?? "no error")") }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
        }
        // ε = -100, as the review's hand edit: invalid whatever the hash.
        try refused(original.replacingOccurrences(of: "\"epsilon\" : 0.1,", with: "\"epsilon\" : -100,", options: [], range: original.range(of: "\"epsilon\" : 0.1,")),
                    entry: "entry 1 (dataset d, count)")
        try refused(original.replacingOccurrences(of: "\"epsilon\" : 0.1,", with: "\"epsilon\" : 0.01,"), entry: "entry 1 (dataset d, count)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(original.utf8)) as? [String: Any])
        var entries = try #require(object["entries"] as? [[String: Any]])
        entries.remove(at: 0)
        try refused(String(decoding: try JSONSerialization.data(withJSONObject: ["version": 2, "entries": entries]), as: UTF8.self),
                    entry: "entry 1 (dataset d, count)")
        try refused("{\"version\": 2, \"entries\": [{\"dataset\": \"d\", \"epsilon\": \"nan\"}]}")
        // The old format is refused with how to move on.
        try refused("{\"version\": 1, \"datasets\": {}}", .unsupported)
        try original.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(abs(try Self.spend(path).epsilonSpent - 0.4) < 1e-12)
    }

    @Test("an answer that could not be delivered is not charged: the ledger is restored as it was")
    func rollback() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ledger.json").path
        struct Undelivered: Error {}
        // No ledger before: none after.
        #expect(throws: Undelivered.self) { try Self.spend(path) { _, _ in throw Undelivered() } }
        #expect(!FileManager.default.fileExists(atPath: path))
        _ = try Self.spend(path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        var charged: Double?
        #expect(throws: Undelivered.self) {
            try Self.spend(path) { _, account in
                charged = account.epsilonSpent
                throw Undelivered()
            }
        }
        #expect(charged.map { abs($0 - 0.2) < 1e-12 } == true, "deliver runs once the charge is written")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        // Budgets belong to the name: new contents under the same name share it.
        let account = try Self.spend(path, 9.9)
        #expect(account.queries.count == 2)
        #expect(throws: GreenlightError.self) { try Self.spend(path, 0.1) }
    }

    @Test("dataset ids are the SHA-256 of the contents")
    func datasetID() {
        // SHA-256("abc") from FIPS 180-2.
        #expect(PrivacyBudgetLedger.datasetID(contentsOf: Data("abc".utf8))
            == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

/// A thread-safe counter for the concurrency test.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
