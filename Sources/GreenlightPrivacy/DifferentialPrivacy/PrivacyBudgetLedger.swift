import Crypto
public import Foundation
import GreenlightCore

/// A persistent record of the privacy budget each dataset has spent, in one JSON file.
///
/// Spending is basic composition: ε and δ add up over a dataset's queries. A query that would take the
/// total past the budget is refused before any noise is drawn, and the file is left as it was. The budget a
/// dataset was first given is kept; a different one later is refused too, so it cannot be raised by asking.
///
/// Budgets belong to a dataset **name** (by default the data file's canonical path), not to its contents:
/// appending a line to the file does not give it a fresh budget. Each entry records the SHA-256 of the
/// contents it was computed on beside the name.
///
/// The file (format version 2) is an append-only list of entries chained by SHA-256: each entry's `hash`
/// covers the previous entry's hash and every field of its own, so an entry changed, removed, inserted or
/// reordered by hand is detected and the ledger refused (it detects edits, not a forger who recomputes the
/// chain: that needs a key the editor does not have). Negative, zero or non-finite ε or δ are refused too.
///
/// Updates hold an exclusive `flock(2)` on `LEDGER.lock` (a separate file, since the ledger itself is
/// replaced by rename) from reading the ledger to writing it back atomically, so concurrent queries in
/// any number of processes never lose an entry or overspend.
public struct PrivacyBudgetLedger: Sendable {
    /// One query charged to a dataset.
    public struct Entry: Codable, Sendable, Hashable {
        /// The dataset's name.
        public var dataset: String
        /// `sha256:` and the hex SHA-256 of the data the query ran on.
        public var contentSHA256: String
        /// The dataset's ε budget, as fixed by its first query.
        public var epsilonBudget: Double
        /// The dataset's δ budget, as fixed by its first query.
        public var deltaBudget: Double
        /// When it ran (whole seconds, UTC).
        public var time: Date
        /// `count`, `sum(bill)`, `mean(bill)`.
        public var query: String
        /// `laplace` or `gaussian`.
        public var mechanism: String
        /// ε spent.
        public var epsilon: Double
        /// δ spent (0 for Laplace).
        public var delta: Double
        /// Hex SHA-256 over the previous entry's hash and this entry's fields (see ``PrivacyBudgetLedger``).
        public var hash: String
    }

    /// A dataset's budget and the queries charged to it.
    public struct Account: Sendable, Hashable {
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
        /// The content hash of the latest query, if any.
        public var latestContentSHA256: String? { queries.last?.contentSHA256 }
    }

    struct Contents: Codable {
        var version = PrivacyBudgetLedger.formatVersion
        var entries: [Entry] = []
    }

    /// The file format this build reads and writes.
    public static let formatVersion = 2
    static let genesis = String(repeating: "0", count: 64)

    /// The ledger file.
    public let path: String

    /// A ledger kept at `path` (created on first spend).
    public init(path: String) {
        self.path = path
    }

    /// The identifier of a dataset's contents: `sha256:` and the hex SHA-256 of the file's bytes.
    public static func datasetID(contentsOf data: Data) -> String {
        "sha256:" + hex(SHA256.hash(data: data))
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }

    /// The account of a dataset, or `nil` when nothing was spent on it.
    ///
    /// - Throws: ``GreenlightError`` when the ledger exists but cannot be read, is not a ledger, or was edited.
    public func account(for dataset: String) throws -> Account? {
        try withLock { Self.account(of: dataset, in: try read().contents) }
    }

    static func account(of dataset: String, in contents: Contents) -> Account? {
        let queries = contents.entries.filter { $0.dataset == dataset }
        guard let first = queries.first else { return nil }
        return Account(epsilonBudget: first.epsilonBudget, deltaBudget: first.deltaBudget, queries: queries)
    }

    /// Charges a query to a dataset and runs it, or refuses it when the budget would be exceeded.
    ///
    /// Under the lock: check the budget, run `body` (which draws the noise), append the entry and write the
    /// ledger atomically, then `deliver` the answer. If the check or `body` fails, the ledger is unchanged.
    /// If `deliver` fails (the answer was not delivered), the entry is taken back: the ledger is restored as
    /// it was and `deliver`'s error thrown. If restoring fails too, the charge stays (an answer is never
    /// delivered uncharged; at worst one undelivered is charged) and the error says so.
    ///
    /// - Parameters:
    ///   - dataset: The dataset's name.
    ///   - contentSHA256: The hash of the data queried (``datasetID(contentsOf:)``), recorded with the entry.
    ///   - epsilon: ε of this query; `delta` likewise.
    ///   - query: The query, for the record.
    ///   - mechanism: `laplace` or `gaussian`, for the record.
    ///   - epsilonBudget: The dataset's total ε budget; `deltaBudget` likewise.
    ///   - time: The time recorded (to the second).
    ///   - body: Computes the answer.
    ///   - deliver: Delivers the answer (prints it, writes reports); runs after the charge is written.
    /// - Returns: The answer and the dataset's account after this query.
    /// - Throws: ``GreenlightError`` when the budget would be exceeded or differs from the recorded one, the
    ///   ledger is unreadable or was edited, or `body`'s or `deliver`'s error.
    public func spend<T>(
        dataset: String, contentSHA256: String = "", epsilon: Double, delta: Double, query: String, mechanism: String,
        epsilonBudget: Double, deltaBudget: Double, time: Date = Date(), _ body: () throws -> T,
        deliver: (T, Account) throws -> Void = { _, _ in }
    ) throws -> (T, Account) {
        guard epsilonBudget > 0, epsilonBudget.isFinite, deltaBudget >= 0, deltaBudget < 1 else {
            throw GreenlightError.invalidInput("the budget needs ε > 0 and 0 ≤ δ < 1, got ε = \(epsilonBudget), δ = \(deltaBudget)")
        }
        guard !dataset.isEmpty else { throw GreenlightError.invalidInput("the dataset needs a name; an empty one is not accepted") }
        guard epsilon > 0, epsilon.isFinite, delta >= 0, delta < 1 else {
            throw GreenlightError.invalidInput("a query needs ε > 0 and 0 ≤ δ < 1, got ε = \(epsilon), δ = \(delta)")
        }
        return try withLock {
            let (contents, old) = try read()
            var account = Self.account(of: dataset, in: contents) ?? Account(epsilonBudget: epsilonBudget, deltaBudget: deltaBudget, queries: [])
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
            var entry = Entry(dataset: dataset, contentSHA256: contentSHA256, epsilonBudget: epsilonBudget, deltaBudget: deltaBudget,
                              time: Date(timeIntervalSince1970: time.timeIntervalSince1970.rounded(.down)),
                              query: query, mechanism: mechanism, epsilon: epsilon, delta: delta, hash: "")
            entry.hash = Self.chainHash(previous: contents.entries.last?.hash ?? Self.genesis, entry)
            var updated = contents
            updated.entries.append(entry)
            account.queries.append(entry)
            try AtomicFile.write(try Self.encode(updated), to: path)
            do {
                try deliver(answer, account)
            } catch {
                do {
                    if let old {
                        try AtomicFile.write(old, to: path)
                    } else if unlink(path) != 0 {
                        throw GreenlightError.io("cannot remove \(path)", cause: SystemError(errno: errno))
                    }
                } catch let restore {
                    throw GreenlightError.io(
                        "the answer was not delivered, and the ledger \(path) could not be restored (\(restore)), "
                            + "so ε = \(epsilon), δ = \(delta) stay charged to dataset \(dataset)")
                }
                throw error
            }
            return (answer, account)
        }
    }

    static func encode(_ contents: Contents) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        var data = try encoder.encode(contents)
        data.append(0x0A)
        return data
    }

    /// SHA-256 over the previous hash and the entry's fields, one per line; numbers by their bit patterns,
    /// so the hash does not depend on how JSON wrote them.
    static func chainHash(previous: String, _ e: Entry) -> String {
        let fields = [
            "greenlight-dp-ledger-v2", previous, e.dataset, e.contentSHA256,
            String(e.epsilonBudget.bitPattern, radix: 16), String(e.deltaBudget.bitPattern, radix: 16),
            String(Int64(e.time.timeIntervalSince1970.rounded(.down))), e.query, e.mechanism,
            String(e.epsilon.bitPattern, radix: 16), String(e.delta.bitPattern, radix: 16),
        ]
        // Lengths first, so no field can shift into another.
        let text = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "\n")
        return hex(SHA256.hash(data: Data(text.utf8)))
    }

    /// The ledger and its bytes as they are on disk (`nil` when there is no file yet), checked entry by entry.
    private func read() throws -> (contents: Contents, bytes: Data?) {
        guard FileManager.default.fileExists(atPath: path) else { return (Contents(), nil) }
        let data = try InputFile.contents(path, what: "the ledger")
        struct Version: Decodable { var version: Int? }
        guard let version = (try? JSONDecoder().decode(Version.self, from: data))?.version else {
            throw GreenlightError.invalidInput("the ledger \(path) is not a Greenlight privacy ledger (no format version); it was left as it is")
        }
        if version == 1 {
            throw GreenlightError.unsupported(
                "the ledger \(path) has format version 1 (budgets keyed by content hash, no hash chain); this build reads version 2 "
                    + "and does not convert it, because its entries cannot be verified. Keep it as the record of what was spent, start a new "
                    + "ledger in another file, and give each dataset there the budget it has left")
        }
        guard version == Self.formatVersion else {
            throw GreenlightError.unsupported("the ledger \(path) has format version \(version); this build reads \(Self.formatVersion)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let contents: Contents
        do {
            contents = try decoder.decode(Contents.self, from: data)
        } catch {
            throw GreenlightError.invalidInput("the ledger \(path) is not a Greenlight privacy ledger (\(error)); it was left as it is")
        }
        var previous = Self.genesis
        var budgets: [String: (Double, Double)] = [:]
        for (i, e) in contents.entries.enumerated() {
            let which = "entry \(i + 1) (dataset \(e.dataset), \(e.query))"
            guard e.epsilon > 0, e.epsilon.isFinite, e.delta >= 0, e.delta < 1,
                  e.epsilonBudget > 0, e.epsilonBudget.isFinite, e.deltaBudget >= 0, e.deltaBudget < 1 else {
                throw GreenlightError.invalidInput(
                    "the ledger \(path) is invalid: \(which) has ε = \(e.epsilon), δ = \(e.delta), budget ε = \(e.epsilonBudget), δ = \(e.deltaBudget); "
                        + "ε must be finite and > 0 and δ in [0, 1). It was left as it is")
            }
            guard Self.chainHash(previous: previous, e) == e.hash else {
                throw GreenlightError.invalidInput(
                    "the ledger \(path) was edited or damaged: \(which) does not match its hash (each entry's hash covers the one "
                        + "before, so a changed, removed, inserted or reordered entry is detected). Restore it from a backup; it was left as it is")
            }
            if let b = budgets[e.dataset], b != (e.epsilonBudget, e.deltaBudget) {
                throw GreenlightError.invalidInput("the ledger \(path) is invalid: \(which) changes the dataset's budget; it was left as it is")
            }
            budgets[e.dataset] = (e.epsilonBudget, e.deltaBudget)
            previous = e.hash
        }
        return (contents, data)
    }

    private func withLock<T>(_ body: () throws -> T) throws -> T {
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw GreenlightError.io("cannot open \(lockPath)", cause: SystemError(errno: errno)) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw GreenlightError.io("cannot lock \(lockPath)", cause: SystemError(errno: errno)) }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
