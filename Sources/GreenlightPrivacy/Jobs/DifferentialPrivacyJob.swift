#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
public import GreenlightCore

/// One `privacy dp` as a value: a differentially private answer to a query on a CSV table, charged to the
/// dataset's budget in a ledger.
///
/// ``run(deliver:)`` checks the ledger and the report before any work (neither may be the data), reads the
/// table, and spends the budget (``PrivacyBudgetLedger/spend(dataset:contentSHA256:epsilon:delta:query:mechanism:epsilonBudget:deltaBudget:time:_:deliver:)``):
/// the report goes to a temporary file first, then the answer is delivered, then the report is published. An
/// answer that cannot be delivered is not charged and leaves no report; once delivered, the charge stands.
public struct DifferentialPrivacyJob: Sendable {
    /// The CSV file (first row the header).
    public var inputPath: String
    /// count, sum or mean (of a column).
    public var query: DPQuery
    /// Clamping bounds (required for sum and mean).
    public var lower: Double?
    public var upper: Double?
    /// Laplace or Gaussian.
    public var mechanism: DPMechanism.Kind
    /// ε spent by this query.
    public var epsilon: Double
    /// δ spent by this query (Gaussian only).
    public var delta: Double?
    /// The dataset's total ε budget.
    public var epsilonBudget: Double
    /// The dataset's total δ budget.
    public var deltaBudget: Double
    /// The dataset's name in the ledger; `nil` is the data file's canonical path.
    public var dataset: String?
    /// The ledger file; `nil` is ``PrivacyBudgetLedger/defaultPath(environment:)``.
    public var ledgerPath: String?
    /// The JSON report, when wanted.
    public var reportPath: String?
    /// How the input is decoded.
    public var encoding: TextEncoding

    /// A job.
    public init(inputPath: String, query: DPQuery, lower: Double? = nil, upper: Double? = nil, mechanism: DPMechanism.Kind = .laplace,
                epsilon: Double, delta: Double? = nil, epsilonBudget: Double, deltaBudget: Double = 0, dataset: String? = nil,
                ledgerPath: String? = nil, reportPath: String? = nil, encoding: TextEncoding = .utf8) {
        self.inputPath = inputPath
        self.query = query
        self.lower = lower
        self.upper = upper
        self.mechanism = mechanism
        self.epsilon = epsilon
        self.delta = delta
        self.epsilonBudget = epsilonBudget
        self.deltaBudget = deltaBudget
        self.dataset = dataset
        self.ledgerPath = ledgerPath
        self.reportPath = reportPath
        self.encoding = encoding
    }

    /// What a delivered answer cost.
    public struct Outcome: Sendable {
        /// The dataset's budget after this query, with the release (as in the report).
        public var summary: DifferentialPrivacySummary
        /// How the answer was computed where the release has no field for it (the mean's ε split).
        public var notes: [String]
        /// Whether the dataset's contents changed since its previous query (the budget is the dataset's, shared by
        /// every version).
        public var contentsChanged: Bool

        /// The release this command made.
        public var release: DPRelease { summary.releases[0] }
    }

    /// Checks the outputs, answers the query and charges it.
    ///
    /// - Parameter deliver: Delivers the answer (prints it); when it throws, nothing is charged and no report
    ///   is left.
    /// - Throws: ``GreenlightError`` for missing bounds, an invalid ε or δ, a refused output, an unreadable
    ///   table or ledger, an unknown or non-numeric column, an exceeded budget, or `deliver`'s error.
    public func run(deliver: (DPRelease) throws -> Void) throws -> Outcome {
        let bounds = try DPQuery.bounds(lower: lower, upper: upper)
        if case .count = query {} else if bounds == nil {
            throw GreenlightError.invalidInput("\(query) needs clamping bounds", parameter: .init("bounds"))
        }
        let mech: DPMechanism = mechanism == .gaussian ? try .gaussian(epsilon: epsilon, delta: delta ?? 0) : try .laplace(epsilon: epsilon)
        let ledgerPath = try ledgerPath ?? PrivacyBudgetLedger.defaultPath()
        try OutputTarget.check(outputs: [ledgerPath, reportPath], reading: [inputPath], stdout: true)
        let bytes = try InputFile.contents(inputPath, what: "")
        let table = try CSVTable(bytes: [UInt8](bytes), name: inputPath, encoding: encoding)
        let contentHash = PrivacyBudgetLedger.datasetID(contentsOf: bytes)
        let datasetName = try dataset ?? Self.canonicalPath(inputPath)
        var rng = SystemRandomNumberGenerator()
        var pending: (report: AtomicFileWriter?, outcome: Outcome)?
        _ = try PrivacyBudgetLedger(path: ledgerPath).spend(
            dataset: datasetName, contentSHA256: contentHash, epsilon: mech.epsilon, delta: mech.delta, query: query.description,
            mechanism: mechanism.rawValue, epsilonBudget: epsilonBudget, deltaBudget: deltaBudget
        ) {
            try query.release(on: table, bounds: bounds, mechanism: mech, using: &rng)
        } deliver: { answer, account in
            let summary = DifferentialPrivacySummary(
                dataset: datasetName, contentSHA256: contentHash, releases: [answer.release],
                epsilonSpent: account.epsilonSpent, deltaSpent: account.deltaSpent,
                epsilonBudget: account.epsilonBudget, deltaBudget: account.deltaBudget, ledger: ledgerPath)
            let previous = account.queries.dropLast().last?.contentSHA256
            let outcome = Outcome(summary: summary, notes: answer.notes, contentsChanged: previous.map { $0 != contentHash } ?? false)
            let report = try reportPath.map { try Self.stage(outcome, at: $0) }
            do {
                try deliver(answer.release)
            } catch {
                report?.discard()
                throw error
            }
            pending = (report, outcome)
        }
        // Delivered and charged: a report that cannot be published no longer takes the charge back.
        guard let pending else { throw GreenlightError.io("the ledger returned without delivering the answer") }
        do {
            try pending.report?.commit()
        } catch {
            throw GreenlightError.io("the answer was delivered and charged, but the report was not written", cause: error as? GreenlightError)
        }
        return pending.outcome
    }

    /// The report written to a temporary file beside `path`, published by `commit()`.
    private static func stage(_ outcome: Outcome, at path: String) throws -> AtomicFileWriter {
        let report = Report(kind: .privacy, privacy: PrivacySection(differentialPrivacy: outcome.summary),
                            notes: outcome.notes.map { Note(.info, code: "dp-mean-split", $0) })
        let data = try report.jsonData()
        let writer = try AtomicFileWriter(path: path, mode: 0o644)
        do {
            try data.withUnsafeBytes { try writer.write($0) }
        } catch {
            writer.discard()
            throw error
        }
        return writer
    }

    /// The path with symbolic links, `.` and `..` resolved: one name per file, however it is reached.
    static func canonicalPath(_ path: String) throws -> String {
        guard let resolved = realpath(path, nil) else {
            throw GreenlightError.notFound("cannot resolve \(path)", cause: SystemError(errno: errno), location: .init(path: path))
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

extension PrivacyBudgetLedger {
    /// Where the ledger is kept unless told: `$XDG_STATE_HOME/greenlight/dp-ledger.json`, else
    /// `~/.local/state/greenlight/dp-ledger.json`; the folder is created.
    ///
    /// - Parameter environment: The variables to read; `nil` is this process's.
    /// - Throws: ``GreenlightError`` (I/O, with the system's reason) when the folder cannot be created.
    public static func defaultPath(environment: [String: String]? = nil) throws -> String {
        let environment = environment ?? ProcessInfo.processInfo.environment
        let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.local/state")
        let dir = state + "/greenlight"
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
            let cause = underlying.flatMap { $0.domain == NSPOSIXErrorDomain ? SystemError(errno: Int32(truncatingIfNeeded: $0.code)) : nil }
            throw GreenlightError(.io, "cannot create \(dir) for the privacy ledger", cause: cause,
                                  parameter: .init("ledger", suggestion: "FILE"))
        }
        return dir + "/dp-ledger.json"
    }
}
