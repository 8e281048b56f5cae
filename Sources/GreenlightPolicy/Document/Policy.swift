public import Foundation
public import GreenlightCore

/// A policy: rules over reports and the exceptions granted to them, as a file (or a built-in pack) states them.
public struct Policy: Sendable {
    /// Where it came from: the file path as given, or `builtin:NAME`.
    public let source: String
    /// The rules, in file order.
    public let rules: [Rule]
    /// The exceptions, in file order.
    public let exceptions: [PolicyException]

    /// A policy.
    public init(source: String, rules: [Rule], exceptions: [PolicyException] = []) {
        self.source = source
        self.rules = rules
        self.exceptions = exceptions
    }
}

/// How much a breach matters (SARIF and CI annotations map it to error, warning or note).
public enum Severity: String, Sendable, Hashable, CaseIterable, Codable {
    case info, low, medium, high, critical
}

/// What a breach of a rule does to the check.
public enum RuleAction: String, Sendable, Hashable, CaseIterable, Codable {
    /// A breach fails the check.
    case enforce
    /// A breach is a warning (it fails only with `--fail-on-warn`).
    case warn
}

/// Where a rule or exception is written: its policy and the line and column of its entry.
public struct PolicyPosition: Sendable, Hashable, Codable {
    /// The policy's ``Policy/source``.
    public let source: String
    /// 1-based line.
    public let line: Int
    /// 1-based column.
    public let column: Int

    /// A position.
    public init(source: String, line: Int, column: Int) {
        self.source = source
        self.line = line
        self.column = column
    }
}

/// The reports a rule applies to, by their context and kind; every field given must match.
public struct Selector: Sendable, Hashable {
    /// Report kinds (`run`, `estimate`, …); any when empty.
    public var kinds: [Report.Kind] = []
    /// Stages; any when empty.
    public var stages: [ReportContext.Stage] = []
    /// Model names; any when empty.
    public var models: [String] = []
    /// Tasks; any when empty.
    public var tasks: [String] = []
    /// Tags that must have one of the values given.
    public var tags: [String: [String]] = [:]

    /// A selector; an empty one matches every report.
    public init(kinds: [Report.Kind] = [], stages: [ReportContext.Stage] = [], models: [String] = [], tasks: [String] = [],
                tags: [String: [String]] = [:]) {
        self.kinds = kinds
        self.stages = stages
        self.models = models
        self.tasks = tasks
        self.tags = tags
    }

    /// Whether a report of `kind` with `context` is selected.
    public func matches(kind: Report.Kind, context: ReportContext?) -> Bool {
        if !kinds.isEmpty && !kinds.contains(kind) { return false }
        if !stages.isEmpty && !(context?.stage.map(stages.contains) ?? false) { return false }
        if !models.isEmpty && !(context?.model.map(models.contains) ?? false) { return false }
        if !tasks.isEmpty && !(context?.task.map(tasks.contains) ?? false) { return false }
        for (key, values) in tags where !(context?.tags[key].map(values.contains) ?? false) { return false }
        return true
    }

    /// `stage training, tags team=nlp`, for messages; empty for a selector that matches everything.
    public var summary: String {
        var parts: [String] = []
        if !kinds.isEmpty { parts.append("kind " + kinds.map(\.rawValue).joined(separator: "|")) }
        if !stages.isEmpty { parts.append("stage " + stages.map(\.rawValue).joined(separator: "|")) }
        if !models.isEmpty { parts.append("model " + models.joined(separator: "|")) }
        if !tasks.isEmpty { parts.append("task " + tasks.joined(separator: "|")) }
        for key in tags.keys.sorted() { parts.append("tag \(key)=" + (tags[key] ?? []).joined(separator: "|")) }
        return TerminalText.escaped(parts.joined(separator: ", "))
    }
}

/// One rule: an assertion over the reports its selector picks.
public struct Rule: Sendable {
    /// A unique id in the policy (`training-energy-budget`).
    public let id: String
    /// What it asks, in words.
    public let description: String?
    /// How much a breach matters.
    public let severity: Severity
    /// Whether a breach fails the check or warns.
    public let action: RuleAction
    /// The reports it applies to.
    public let selector: Selector
    /// What must hold.
    public let assertion: Assertion
    /// A link or clause the rule comes from.
    public let reference: String?
    /// Where it is written.
    public let position: PolicyPosition

    /// A rule.
    public init(id: String, description: String? = nil, severity: Severity = .medium, action: RuleAction = .enforce,
                selector: Selector = Selector(), assertion: Assertion, reference: String? = nil, position: PolicyPosition) {
        self.id = id
        self.description = description
        self.severity = severity
        self.action = action
        self.selector = selector
        self.assertion = assertion
        self.reference = reference
        self.position = position
    }
}

/// A waiver of a rule: who granted it, why and until when.
public struct PolicyException: Sendable {
    /// The id of the rule it waives.
    public let rule: String
    /// Why.
    public let reason: String
    /// Who answers for it.
    public let owner: String?
    /// The last day it applies (through the end of that day, UTC); nil for no end.
    public let expires: Date?
    /// As written (`2027-01-31`).
    public let expiresText: String?
    /// Only for these reports, when given.
    public let selector: Selector
    /// Where it is written.
    public let position: PolicyPosition

    /// An exception.
    public init(rule: String, reason: String, owner: String? = nil, expires: Date? = nil, expiresText: String? = nil,
                selector: Selector = Selector(), position: PolicyPosition) {
        self.rule = rule
        self.reason = reason
        self.owner = owner
        self.expires = expires
        self.expiresText = expiresText
        self.selector = selector
        self.position = position
    }

    /// Whether it has expired at `now`: after the end of its last day.
    public func isExpired(at now: Date) -> Bool {
        guard let expires else { return false }
        return now >= expires
    }
}
