import GreenlightCore

/// What one rule gave for one report.
public struct RuleResult: Sendable, Hashable, Codable {
    /// The outcome.
    public enum Outcome: String, Sendable, Hashable, Codable, CaseIterable {
        /// The assertion holds.
        case pass
        /// It does not hold, and the rule is enforced.
        case fail
        /// It does not hold, and the rule only warns.
        case warn
        /// It could not be evaluated (the report lacks a metric): fails an enforced rule, warns otherwise.
        case error
        /// The rule's `when:` did not select the report.
        case skip
        /// It did not hold (or could not be evaluated), and an exception in force waives it.
        case excepted
    }

    /// A metric the assertion read, as the result shows it.
    public struct Measured: Sendable, Hashable, Codable {
        /// The metric's name as written.
        public let metric: String
        /// The value with its unit (`3.2 kWh`), or nil when the report lacks it.
        public let value: String?
        /// The value in the metric's base unit, for machines (JSON); nil for words or when missing.
        public let number: Double?
        /// The base unit of ``number``.
        public let unit: String?
        /// How the value was obtained (`measured:rapl + user:pue`).
        public let method: String?
    }

    /// The exception that concerns the result: the one that waived it, or one that has expired.
    public struct ExceptionInfo: Sendable, Hashable, Codable {
        /// Why it was granted.
        public let reason: String
        /// Who answers for it.
        public let owner: String?
        /// Its last day, as written.
        public let expires: String?
        /// Whether it had expired (and so did not apply).
        public let expired: Bool
        /// Where it is written.
        public let position: PolicyPosition
    }

    /// The outcome.
    public let outcome: Outcome
    /// The rule's id.
    public let rule: String
    /// What the rule asks, in words.
    public let description: String?
    /// Its severity.
    public let severity: Severity
    /// Its action.
    public let action: RuleAction
    /// Where the rule is written (policy, line, column).
    public let position: PolicyPosition
    /// The report (or combined reports) checked.
    public let subject: String
    /// The assertion, as written.
    public let assertion: String
    /// What it read.
    public let measured: [Measured]
    /// One sentence: what was found against what was asked.
    public let message: String
    /// The rule's reference (a link, a clause).
    public let reference: String?
    /// The exception that waived it, or that expired.
    public let exception: ExceptionInfo?

    /// Whether the result stops a green light (a failure, or an error on an enforced rule).
    public var isFailure: Bool { outcome == .fail || (outcome == .error && action == .enforce) }
    /// Whether it is a warning (a breached warn rule, or an error on one).
    public var isWarning: Bool { outcome == .warn || (outcome == .error && action == .warn) }
}

/// The counts of a check and the exit status they give, as conftest's: 0 clean, 1 a failure; with
/// `failOnWarn`, 2 a failure and 1 warnings only.
public struct CheckVerdict: Sendable, Hashable, Codable {
    /// Results by outcome.
    public let passed, failed, warned, errored, skipped, excepted: Int
    /// Results that stop a green light: failures and errors on enforced rules.
    public let failures: Int
    /// Warnings: breached warn rules and errors on them.
    public let warnings: Int

    /// The verdict of `results`.
    public init(_ results: [RuleResult]) {
        func count(_ o: RuleResult.Outcome) -> Int { results.filter { $0.outcome == o }.count }
        passed = count(.pass)
        failed = count(.fail)
        warned = count(.warn)
        errored = count(.error)
        skipped = count(.skip)
        excepted = count(.excepted)
        failures = results.filter(\.isFailure).count
        warnings = results.filter(\.isWarning).count
    }

    /// `pass`, `warn` or `fail`.
    public var word: String { failures > 0 ? "fail" : warnings > 0 ? "warn" : "pass" }

    /// The exit status: 0 clean; 1 any failure; with `failOnWarn`, 2 a failure and 1 warnings only.
    public func exitStatus(failOnWarn: Bool) -> Int32 {
        if failOnWarn { return failures > 0 ? 2 : warnings > 0 ? 1 : 0 }
        return failures > 0 ? 1 : 0
    }
}
