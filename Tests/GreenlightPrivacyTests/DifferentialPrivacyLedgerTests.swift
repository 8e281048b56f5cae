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
