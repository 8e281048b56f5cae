import Crypto
import Foundation
import GreenlightCore

/// A persistent record of the privacy budget each dataset has spent, in one JSON file.
///
/// Spending is basic composition: ε and δ add up over a dataset's queries. A query that would take the
/// total past the budget is refused before any noise is drawn, and the file is left as it was. The budget a
/// dataset was first given is kept; a different one later is refused too, so it cannot be raised by asking.
///
/// Updates hold an exclusive `flock(2)` on `LEDGER.lock` (a separate file, since the ledger itself is
/// replaced by rename) from reading the ledger to writing it back atomically, so concurrent queries in
/// any number of processes never lose an entry or overspend.
public struct PrivacyBudgetLedger: Sendable {
    /// One query charged to a dataset.
    public struct Entry: Codable, Sendable, Hashable {
        /// When it ran.
        public var time: Date
        /// `count`, `sum(bill)`, `mean(bill)`.
        public var query: String
        /// `laplace` or `gaussian`.
        public var mechanism: String
        /// ε spent.
        public var epsilon: Double
        /// δ spent (0 for Laplace).
        public var delta: Double
    }

    /// A dataset's budget and the queries charged to it.
    public struct Account: Codable, Sendable, Hashable {
        /// The dataset's total ε budget, fixed by its first query.
        public var epsilonBudget: Double
        /// The dataset's total δ budget, fixed by its first query.
        public var deltaBudget: Double
        /// Every query charged, oldest first.
        public var queries: [Entry]
        /// Total ε spent.
        public var epsilonSpent: Double { queries.reduce(0) { $0 + $1.epsilon } }
        /// Total δ spent.
        public var deltaSpent: Double { queries.reduce(0) { $0 + $1.delta } }
    }

    struct Contents: Codable {
        var version = 1
        var datasets: [String: Account] = [:]
    }

    /// The ledger file.
    public let path: String

    /// A ledger kept at `path` (created on first spend).
    public init(path: String) {
        self.path = path
    }

    /// The identifier of a dataset by content: `sha256:` and the hex SHA-256 of the file's bytes.
    public static func datasetID(contentsOf data: Data) -> String {
        "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// The account of a dataset, or `nil` when nothing was spent on it.
    ///
    /// - Throws: ``GreenlightError`` when the ledger exists but cannot be read or parsed.
    public func account(for dataset: String) throws -> Account? {
        try withLock { try read().datasets[dataset] }
    }

    /// Charges a query to a dataset and runs it, or refuses it when the budget would be exceeded.
    ///
    /// Under the lock: check the budget, run `body` (which draws the noise), record the entry, write the
    /// ledger atomically. If the check or `body` fails, the ledger is unchanged; if writing fails, the
    /// error is thrown and the answer never returned, so no answer escapes without being recorded.
    ///
    /// - Parameters:
    ///   - dataset: The dataset's identifier.
    ///   - epsilon: ε of this query; `delta` likewise.
    ///   - query: The query, for the record.
    ///   - mechanism: `laplace` or `gaussian`, for the record.
    ///   - epsilonBudget: The dataset's total ε budget; `deltaBudget` likewise.
    ///   - time: The time recorded.
    ///   - body: Computes the answer.
    /// - Returns: The answer and the dataset's account after this query.
    /// - Throws: ``GreenlightError`` when the budget would be exceeded or differs from the recorded one, the
    ///   ledger is unreadable, or `body`'s error.
    public func spend<T>(
        dataset: String, epsilon: Double, delta: Double, query: String, mechanism: String,
        epsilonBudget: Double, deltaBudget: Double, time: Date = Date(), _ body: () throws -> T
    ) throws -> (T, Account) {
        guard epsilonBudget > 0, epsilonBudget.isFinite, deltaBudget >= 0, deltaBudget < 1 else {
            throw GreenlightError.invalidInput("the budget needs ε > 0 and 0 ≤ δ < 1, got ε = \(epsilonBudget), δ = \(deltaBudget)")
        }
        return try withLock {
            var contents = try read()
            var account = contents.datasets[dataset] ?? Account(epsilonBudget: epsilonBudget, deltaBudget: deltaBudget, queries: [])
            guard account.epsilonBudget == epsilonBudget, account.deltaBudget == deltaBudget else {
                throw GreenlightError.invalidInput(
                    "the ledger \(path) records a budget of ε = \(account.epsilonBudget), δ = \(account.deltaBudget) for dataset \(dataset); "
                        + "a budget cannot change once spending began (asked ε = \(epsilonBudget), δ = \(deltaBudget))")
            }
            // A relative tolerance, so that ten queries of 0.1 fit a budget of 1.
            let newEpsilon = account.epsilonSpent + epsilon, newDelta = account.deltaSpent + delta
            guard newEpsilon <= epsilonBudget * (1 + 1e-9), newDelta <= deltaBudget * (1 + 1e-9) else {
                let g = { (x: Double) in String(format: "%g", x) }
                throw GreenlightError.invalidInput(
                    "privacy budget exceeded for dataset \(dataset): spent ε = \(g(account.epsilonSpent)), δ = \(g(account.deltaSpent)) "
                        + "of ε = \(g(epsilonBudget)), δ = \(g(deltaBudget)); this query asks ε = \(g(epsilon)), δ = \(g(delta)). Nothing was released.")
            }
            let answer = try body()
            account.queries.append(Entry(time: time, query: query, mechanism: mechanism, epsilon: epsilon, delta: delta))
            contents.datasets[dataset] = account
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            var data = try encoder.encode(contents)
            data.append(0x0A)
            try AtomicFile.write(data, to: path)
            return (answer, account)
        }
    }

    private func read() throws -> Contents {
        guard FileManager.default.fileExists(atPath: path) else { return Contents() }
        guard let data = FileManager.default.contents(atPath: path) else { throw GreenlightError.io("cannot read the ledger \(path)") }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            let contents = try decoder.decode(Contents.self, from: data)
            guard contents.version == 1 else { throw GreenlightError.unsupported("ledger \(path) has version \(contents.version); this build reads 1") }
            return contents
        } catch let error as GreenlightError {
            throw error
        } catch {
            throw GreenlightError.invalidInput("the ledger \(path) is not a Greenlight privacy ledger (\(error)); it was left as it is")
        }
    }

    private func withLock<T>(_ body: () throws -> T) throws -> T {
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw GreenlightError.io("cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw GreenlightError.io("cannot lock \(lockPath): \(String(cString: strerror(errno)))") }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
