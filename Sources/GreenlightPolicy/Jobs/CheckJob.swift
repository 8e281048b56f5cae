public import Foundation
public import GreenlightCore

/// One `greenlight check` as a value: the policies, the reports, how to combine and present the results.
///
/// ``run()`` checks the output path first, then loads every policy and report (any mistake in them is an
/// input error naming the file, line and column, before any rule is evaluated), evaluates, and renders.
public struct CheckJob: Sendable {
    /// Policy files and `builtin:NAME` packs.
    public var policies: [String]
    /// Report files.
    public var reports: [String]
    /// Check all reports as one pipeline (additive metrics summed) instead of one by one.
    public var combine: Bool
    /// The output format.
    public var format: CheckFormat
    /// Where to write the output (atomically); nil for the outcome's text (the CLI prints it).
    public var outputPath: String?
    /// Whether warnings fail the check (exit 2 on a failure, 1 on warnings only).
    public var failOnWarn: Bool
    /// ANSI colour in the text format.
    public var color: Bool
    /// When exceptions expire against.
    public var now: Date
    /// The metrics assertions may name.
    public var catalogue: MetricCatalogue
    /// Packs other modules add (name → YAML), named `builtin:NAME` like the built-in ones.
    public var packs: [String: String]

    /// A job.
    public init(policies: [String], reports: [String], combine: Bool = false, format: CheckFormat = .text,
                outputPath: String? = nil, failOnWarn: Bool = false, color: Bool = false, now: Date = Date(),
                catalogue: MetricCatalogue = .standard, packs: [String: String] = [:]) {
        self.packs = packs
        self.policies = policies
        self.reports = reports
        self.combine = combine
        self.format = format
        self.outputPath = outputPath
        self.failOnWarn = failOnWarn
        self.color = color
        self.now = now
        self.catalogue = catalogue
    }

    /// What a check found.
    public struct Outcome: Sendable {
        /// The findings.
        public var report: CheckReport
        /// The rendered output, when it was not written to ``CheckJob/outputPath``.
        public var text: String?
        /// The exit status as conftest gives it (see ``CheckVerdict/exitStatus(failOnWarn:)``).
        public var exitStatus: Int32
    }

    /// Loads, evaluates and renders.
    ///
    /// - Throws: ``GreenlightError`` for a policy or report that cannot be read or is malformed (with its
    ///   file, line and column), or an output that cannot be written; never for a breached rule.
    public func run() throws -> Outcome {
        guard !policies.isEmpty else {
            throw GreenlightError.invalidArgument("give a policy: a YAML file or builtin:NAME", parameter: "policies")
        }
        guard !reports.isEmpty else {
            throw GreenlightError.invalidArgument("give the report(s) to check", parameter: "reports")
        }
        if let outputPath { try OutputTarget.check(outputPath, notSameAs: policies.filter { !$0.hasPrefix("builtin:") } + reports) }
        let loaded = try PolicyLoader(catalogue: catalogue, packs: packs).loadAll(policies)
        let decoded = try reports.map { path in (name: path, report: try Self.readReport(path)) }
        let subjects = combine ? [CheckSubject(combining: decoded)] : decoded.map { CheckSubject(name: $0.name, report: $0.report) }
        let evaluator = PolicyEvaluator(policies: loaded, now: now)
        let results = subjects.flatMap(evaluator.evaluate)
        let report = CheckReport(results: results, policies: policies, subjects: subjects.map(\.name))
        let text = try format.render(report, color: color && outputPath == nil, failOnWarn: failOnWarn)
        var outcome = Outcome(report: report, text: text, exitStatus: report.counts.exitStatus(failOnWarn: failOnWarn))
        if let outputPath {
            try AtomicFile.write(Data(text.utf8), to: outputPath)
            outcome.text = nil
        }
        return outcome
    }

    /// A report file, decoded; errors name the file (and the line and column of a JSON syntax error).
    public static func readReport(_ path: String) throws -> Report {
        let data = try InputFile.contents(path, what: "the report")
        do {
            return try Report.decode(from: data)
        } catch let error as GreenlightError {
            var location = error.location ?? GreenlightError.Location()
            location.path = path
            let field = location.field.map { "\(TerminalText.escaped($0)): " } ?? ""
            throw positionedError(field + error.summary, location: location)
        }
    }
}
