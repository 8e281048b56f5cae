public import Foundation
public import GreenlightCore

/// Checks subjects against policies: every rule of every policy, with the exceptions of all of them.
public struct PolicyEvaluator: Sendable {
    /// The policies, in the order given.
    public let policies: [Policy]
    /// The time exceptions expire against.
    public let now: Date

    /// An evaluator.
    public init(policies: [Policy], now: Date = Date()) {
        self.policies = policies
        self.now = now
    }

    /// Every rule's result for `subject`, in policy and file order.
    public func evaluate(_ subject: CheckSubject) -> [RuleResult] {
        let exceptions = policies.flatMap(\.exceptions)
        return policies.flatMap(\.rules).map { rule in
            evaluate(rule, on: subject, exceptions: exceptions.filter { $0.rule == rule.id })
        }
    }

    private func evaluate(_ rule: Rule, on subject: CheckSubject, exceptions: [PolicyException]) -> RuleResult {
        func result(_ outcome: RuleResult.Outcome, _ measured: [RuleResult.Measured], _ message: String,
                    _ exception: RuleResult.ExceptionInfo? = nil) -> RuleResult {
            RuleResult(outcome: outcome, rule: rule.id, description: rule.description, severity: rule.severity, action: rule.action,
                       position: rule.position, subject: subject.name, assertion: rule.assertion.text, measured: measured,
                       message: message, reference: rule.reference, exception: exception)
        }
        guard subject.isSelected(by: rule.selector) else {
            return result(.skip, [], "not selected: the rule is for \(rule.selector.summary)")
        }
        var measured: [RuleResult.Measured] = []
        let truth = evaluate(rule.assertion, on: subject, measured: &measured)
        let message: String
        let outcome: RuleResult.Outcome
        switch truth {
        case .holds:
            return result(.pass, measured, "holds: " + Self.found(measured))
        case .breaks:
            outcome = rule.action == .enforce ? .fail : .warn
            message = "breached: " + Self.found(measured) + "; the rule asks \(rule.assertion.text)"
        case .unknown(let why):
            outcome = .error
            message = "cannot be evaluated: \(why); a rule that cannot be evaluated never passes"
        }
        let applicable = exceptions.filter { subject.isSelected(by: $0.selector) }
        if let active = applicable.first(where: { !$0.isExpired(at: now) }) {
            return result(.excepted, measured, "\(message); waived by the exception at line \(active.position.line)",
                          Self.info(active, expired: false))
        }
        if let expired = applicable.first {
            return result(outcome, measured, "\(message); its exception expired after \(expired.expiresText ?? "?")",
                          Self.info(expired, expired: true))
        }
        return result(outcome, measured, message)
    }

    private static func info(_ e: PolicyException, expired: Bool) -> RuleResult.ExceptionInfo {
        RuleResult.ExceptionInfo(reason: e.reason, owner: e.owner, expires: e.expiresText, expired: expired, position: e.position)
    }

    /// `energy.total = 3.2 kWh [measured:rapl + user:pue]`, for each metric read.
    static func found(_ measured: [RuleResult.Measured]) -> String {
        measured.map { m in
            guard let value = m.value else { return "\(m.metric) is missing" }
            return "\(m.metric) = \(value)" + (m.method.map { " [\($0)]" } ?? "")
        }.joined(separator: ", ")
    }

    /// Three-valued: a part that cannot be evaluated makes the whole unknown unless the rest decides it.
    enum Truth: Equatable {
        case holds, breaks
        case unknown(String)
    }

    private func evaluate(_ assertion: Assertion, on subject: CheckSubject, measured: inout [RuleResult.Measured]) -> Truth {
        switch assertion {
        case .all(let parts):
            let results = parts.map { evaluate($0, on: subject, measured: &measured) }
            if results.contains(.breaks) { return .breaks }
            if let unknown = results.first(where: { if case .unknown = $0 { true } else { false } }) { return unknown }
            return .holds
        case .any(let parts):
            let results = parts.map { evaluate($0, on: subject, measured: &measured) }
            if results.contains(.holds) { return .holds }
            if let unknown = results.first(where: { if case .unknown = $0 { true } else { false } }) { return unknown }
            return .breaks
        case .exists(let reference):
            switch subject.value(of: reference) {
            case .success(let v):
                measured.append(Self.measured(reference, v))
                return .holds
            case .failure:
                measured.append(RuleResult.Measured(metric: reference.name, value: nil, number: nil, unit: nil, method: nil))
                return .breaks
            }
        case .compare(let reference, let op, let operand):
            return read(reference, subject, &measured) { Self.compare($0, op, operand.value) }
        case .membership(let reference, let negated, let list):
            return read(reference, subject, &measured) { value in
                if case .texts(let words) = value {
                    let inList = words.map { w in list.contains { $0.value == .text(w) } }
                    return negated ? !inList.contains(true) : !inList.contains(false)
                }
                let found = list.contains { Self.compare(value, .equal, $0.value) }
                return negated ? !found : found
            }
        }
    }

    private func read(_ reference: MetricReference, _ subject: CheckSubject, _ measured: inout [RuleResult.Measured],
                      _ test: (MetricValue.Value) -> Bool) -> Truth {
        switch subject.value(of: reference) {
        case .success(let v):
            measured.append(Self.measured(reference, v))
            return test(v.value) ? .holds : .breaks
        case .failure(let missing):
            measured.append(RuleResult.Measured(metric: reference.name, value: nil, number: nil, unit: nil, method: nil))
            return .unknown(missing.reason)
        }
    }

    static func compare(_ lhs: MetricValue.Value, _ op: ComparisonOperator, _ rhs: MetricValue.Value) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)):
            // Equal within a relative 1e-9: a threshold written in kWh is not exactly its joules in binary.
            let close = abs(a - b) <= 1e-9 * max(abs(a), abs(b))
            switch op {
            case .less: return a < b && !close
            case .lessOrEqual: return a <= b || close
            case .greater: return a > b && !close
            case .greaterOrEqual: return a >= b || close
            case .equal: return close
            case .notEqual: return !close
            }
        case (.text(let a), .text(let b)):
            return op == .equal ? a == b : op == .notEqual ? a != b : false
        case (.boolean(let a), .boolean(let b)):
            return op == .equal ? a == b : op == .notEqual ? a != b : false
        case (.texts(let words), .text(let b)):
            return op == .equal ? words == [b] : op == .notEqual ? words != [b] : false
        default:
            return false
        }
    }

    static func measured(_ reference: MetricReference, _ v: MetricValue) -> RuleResult.Measured {
        let dimension = reference.metric.dimension
        switch v.value {
        case .number(let x):
            return RuleResult.Measured(metric: reference.name, value: ValueText.format(x, dimension), number: x,
                                       unit: dimension.baseUnit.isEmpty ? nil : dimension.baseUnit, method: v.method)
        case .text(let s):
            return RuleResult.Measured(metric: reference.name, value: TerminalText.escaped(s), number: nil, unit: nil, method: v.method)
        case .texts(let list):
            return RuleResult.Measured(metric: reference.name, value: "[" + list.map(TerminalText.escaped).joined(separator: ", ") + "]",
                                       number: nil, unit: nil, method: v.method)
        case .boolean(let b):
            return RuleResult.Measured(metric: reference.name, value: String(b), number: nil, unit: nil, method: v.method)
        }
    }
}

/// A number of a dimension as a person reads it, in the unit that reads best.
public enum ValueText {
    /// `3.2 kWh`, `12 min 3 s`, `41 %`, `1.2e+23 FLOP`.
    public static func format(_ x: Double, _ dimension: MetricDimension) -> String {
        switch dimension {
        case .energy: Format.energy(Energy(joules: x))
        case .power: Format.power(Power(watts: x))
        case .carbon: Format.carbon(CarbonMass(grams: x))
        case .intensity: "\(Format.number(x)) gCO2e/kWh"
        case .duration: Format.duration(.seconds(x))
        case .bytes: Format.bytes(x)
        case .ratio: "\(Format.number(x)) (\(Format.number(x * 100, significant: 3)) %)"
        case .flops: "\(Format.number(x)) FLOP"
        case .number, .text, .textSet, .boolean: Format.number(x)
        }
    }
}
