import Foundation
public import GreenlightCore
import Yams

/// Reads policies: YAML files and the built-in packs (`builtin:sci`), checked whole before any report is.
///
/// Every mistake is a ``GreenlightError`` (invalid input, or not found for a missing file or pack) whose
/// ``GreenlightError/location`` has the file, line and column: malformed YAML, an unknown key, a wrong type, an
/// unknown metric (with a suggestion), a unit that does not fit its metric, a duplicate rule id.
public struct PolicyLoader: Sendable {
    /// The metrics assertions may name.
    public let catalogue: MetricCatalogue

    /// Packs other modules add (name → YAML), beside this module's own; their rules may name the metrics
    /// those modules add to ``catalogue``.
    public let packs: [String: String]

    /// A loader for `catalogue`'s metrics, with `packs` beside the built-in ones.
    public init(catalogue: MetricCatalogue = .standard, packs: [String: String] = [:]) {
        self.catalogue = catalogue
        self.packs = packs
    }

    /// The names of this module's built-in packs.
    public static var builtinPacks: [String] { ["eu-ai-act-gpai", "sci", "sci-ai"] }

    /// Every pack `builtin:NAME` can name: this module's and the ones given.
    public var packNames: [String] { Array(Set(Self.builtinPacks).union(packs.keys)).sorted() }

    /// Loads `spec`: a file path, or `builtin:NAME`.
    public func load(_ spec: String) throws -> Policy {
        if spec.hasPrefix("builtin:") {
            let name = String(spec.dropFirst("builtin:".count))
            if let text = packs[name] { return try parse(text, source: spec) }
            guard Self.builtinPacks.contains(name),
                  let url = Bundle.module.url(forResource: name, withExtension: "yaml", subdirectory: "Resources/Packs")
                    ?? Bundle.module.url(forResource: name, withExtension: "yaml")
            else {
                let hint = Suggestions.didYouMean(Suggestions.closest(to: name, in: packNames.map { .init(label: "builtin:\($0)", names: [$0]) }))
                throw GreenlightError.notFound("no built-in policy pack \(TerminalText.escaped(name)); packs: \(packNames.map { "builtin:\($0)" }.joined(separator: ", ")).\(hint)")
            }
            let text = try String(contentsOf: url, encoding: .utf8)
            return try parse(text, source: spec)
        }
        let data = try InputFile.contents(spec, what: "the policy")
        guard let text = String(data: data, encoding: .utf8) else {
            throw positionedError("the policy is not UTF-8 text", location: .init(path: spec))
        }
        return try parse(text, source: spec)
    }

    /// Loads every spec and checks them together: rule ids unique across them, every exception naming a rule.
    public func loadAll(_ specs: [String]) throws -> [Policy] {
        let policies = try specs.map(load)
        var owner: [String: PolicyPosition] = [:]
        for policy in policies {
            for rule in policy.rules {
                if let first = owner[rule.id] {
                    throw positionedError(
                        "rule id \(rule.id) is also at \(TerminalText.escaped(first.source)):\(first.line); give each rule its own id",
                        location: .init(path: rule.position.source, line: rule.position.line, column: rule.position.column, field: "id"))
                }
                owner[rule.id] = rule.position
            }
        }
        for policy in policies {
            for exception in policy.exceptions where owner[exception.rule] == nil {
                let hint = Suggestions.didYouMean(Suggestions.closest(to: exception.rule, in: owner.keys.sorted().map { .init(label: $0, names: [$0]) }))
                throw positionedError(
                    "the exception names rule \(TerminalText.escaped(exception.rule)), which no policy given has.\(hint)",
                    location: .init(path: exception.position.source, line: exception.position.line, column: exception.position.column, field: "rule"))
            }
        }
        return policies
    }

    /// Parses a policy's YAML text.
    ///
    /// - Parameter source: The name messages and results give it (the path, or `builtin:NAME`).
    public func parse(_ yaml: String, source: String) throws -> Policy {
        let reader = NodeReader(source: source, parser: AssertionParser(catalogue: catalogue))
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw positionedError("the policy is empty; it needs rules:", location: .init(path: source, line: 1, column: 1))
            }
            root = node
        } catch let error as GreenlightError {
            throw error
        } catch let error as YamlError {
            throw reader.yamlError(error)
        }
        guard let top = root.mapping else { throw reader.fail(root, "the policy must be a mapping with rules: (and exceptions:)") }
        var rules: [Rule] = []
        var exceptions: [PolicyException] = []
        var sawRules = false
        for (keyNode, value) in top {
            let key = try reader.string(keyNode, "key")
            switch key {
            case "rules":
                sawRules = true
                guard let list = value.sequence else { throw reader.fail(value, "rules: must be a list of rules") }
                for item in list { rules.append(try reader.rule(item)) }
            case "exceptions":
                guard let list = value.sequence else { throw reader.fail(value, "exceptions: must be a list") }
                for item in list { exceptions.append(try reader.exception(item)) }
            case "description", "name", "version":
                _ = try reader.string(value, key)
            default:
                throw reader.unknownKey(keyNode, key, allowed: ["rules", "exceptions", "description", "name", "version"])
            }
        }
        if !sawRules && exceptions.isEmpty { throw reader.fail(root, "the policy has no rules: (and no exceptions:)") }
        var seen: [String: Int] = [:]
        for rule in rules {
            if let line = seen[rule.id] {
                throw positionedError("rule id \(rule.id) is also used on line \(line); give each rule its own id",
                                                   location: .init(path: source, line: rule.position.line, column: rule.position.column, field: "id"))
            }
            seen[rule.id] = rule.position.line
        }
        return Policy(source: source, rules: rules, exceptions: exceptions)
    }
}

/// Reads the parts of a policy from YAML nodes; every error has the source, line and column.
private struct NodeReader {
    let source: String
    let parser: AssertionParser

    func location(_ node: Node?, field: String? = nil) -> GreenlightError.Location {
        GreenlightError.Location(path: source, line: node?.mark?.line, column: node?.mark?.column, field: field)
    }

    func fail(_ node: Node?, _ message: String, field: String? = nil) -> GreenlightError {
        positionedError(message, location: location(node, field: field))
    }

    func yamlError(_ error: YamlError) -> GreenlightError {
        func at(_ mark: Mark, _ problem: String, _ context: YamlError.Context?) -> GreenlightError {
            let what = context.map { "\($0.text): " } ?? ""
            return positionedError("not valid YAML: \(what)\(problem)",
                                                location: .init(path: source, line: mark.line, column: mark.column))
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return at(mark, problem, context)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return positionedError("the key \(duplicates.joined(separator: ", ")) is given twice in one mapping",
                                                location: .init(path: source, line: context.mark.line, column: context.mark.column))
        case .reader(let problem, _, _, _):
            return positionedError("not valid YAML: \(problem)", location: .init(path: source))
        default:
            return positionedError("not valid YAML: \(error)", location: .init(path: source))
        }
    }

    func string(_ node: Node, _ key: String) throws -> String {
        guard let s = node.scalar?.string else { throw fail(node, "\(key): must be a text value", field: key) }
        return s
    }

    func strings(_ node: Node, _ key: String) throws -> [String] {
        if let list = node.sequence {
            let values = try list.map { try string($0, key) }
            if values.isEmpty { throw fail(node, "\(key): the list is empty", field: key) }
            return values
        }
        return [try string(node, key)]
    }

    func unknownKey(_ node: Node, _ key: String, allowed: [String]) -> GreenlightError {
        let hint = Suggestions.didYouMean(Suggestions.closest(to: key, in: allowed.map { .init(label: $0, names: [$0]) }))
        return fail(node, "unknown key \(TerminalText.escaped(key)); keys here: \(allowed.joined(separator: ", ")).\(hint)", field: key)
    }

    func enumValue<T: RawRepresentable & CaseIterable>(_ node: Node, _ key: String, _: T.Type) throws -> T where T.RawValue == String {
        let s = try string(node, key)
        guard let value = T(rawValue: s) else {
            throw fail(node, "\(key): \(TerminalText.escaped(s)) is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))", field: key)
        }
        return value
    }

    func rule(_ node: Node) throws -> Rule {
        guard let map = node.mapping else { throw fail(node, "a rule must be a mapping with id: and assert:") }
        let position = PolicyPosition(source: source, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
        var id: String?, description: String?, reference: String?
        var severity = Severity.medium, action = RuleAction.enforce
        var selector = Selector()
        var assertion: Assertion?
        for (keyNode, value) in map {
            let key = try string(keyNode, "key")
            switch key {
            case "id":
                let s = try string(value, key)
                guard ReportContext.isValidTagKey(s) else {
                    throw fail(value, "id: must be 1 to 64 of \(ReportContext.tagKeyCharacters)", field: key)
                }
                id = s
            case "description": description = try string(value, key)
            case "reference": reference = try string(value, key)
            case "severity": severity = try enumValue(value, key, Severity.self)
            case "action": action = try enumValue(value, key, RuleAction.self)
            case "when": selector = try self.selector(value)
            case "assert": assertion = try self.assertion(value)
            default:
                throw unknownKey(keyNode, key, allowed: ["id", "description", "severity", "action", "when", "assert", "reference"])
            }
        }
        guard let id else { throw fail(node, "the rule has no id:") }
        guard let assertion else { throw fail(node, "rule \(id) has no assert:") }
        return Rule(id: id, description: description, severity: severity, action: action, selector: selector,
                    assertion: assertion, reference: reference, position: position)
    }

    /// `assert:` — a string, a list (all must hold), or `{all: [...]}` / `{any: [...]}`, nested.
    func assertion(_ node: Node) throws -> Assertion {
        if let scalar = node.scalar {
            do {
                return try parser.parse(scalar.string)
            } catch let error as GreenlightError {
                // The parser counts columns within the string; the file's column is the scalar's plus that.
                let quote = scalar.style == .singleQuoted || scalar.style == .doubleQuoted ? 1 : 0
                let column = (node.mark?.column ?? 1) + quote + (error.location?.column ?? 1) - 1
                throw positionedError(
                    "assert: \(error.summary)",
                    location: .init(path: source, line: node.mark?.line, column: column, field: "assert"))
            }
        }
        if let list = node.sequence {
            guard !list.isEmpty else { throw fail(node, "assert: the list is empty", field: "assert") }
            return .all(try list.map(assertion))
        }
        guard let map = node.mapping, map.count == 1, let (keyNode, value) = map.first else {
            throw fail(node, "assert: must be a string (METRIC OP VALUE), a list, or {all: [...]} or {any: [...]}", field: "assert")
        }
        let key = try string(keyNode, "assert")
        guard let list = value.sequence, !list.isEmpty else { throw fail(value, "\(key): must be a non-empty list of assertions", field: key) }
        switch key {
        case "all": return .all(try list.map(assertion))
        case "any": return .any(try list.map(assertion))
        default: throw unknownKey(keyNode, key, allowed: ["all", "any"])
        }
    }

    /// `when:` — `kind`, `stage`, `model`, `task` (a value or a list) and `tags: {KEY: value or list}`.
    func selector(_ node: Node) throws -> Selector {
        guard let map = node.mapping else { throw fail(node, "when: must be a mapping like {stage: training}", field: "when") }
        var selector = Selector()
        for (keyNode, value) in map {
            let key = try string(keyNode, "when")
            switch key {
            case "kind":
                selector.kinds = try strings(value, key).map { s in
                    guard let kind = Report.Kind(rawValue: s) else {
                        throw fail(value, "kind: \(TerminalText.escaped(s)) is not one of run, estimate, compress, privacy", field: key)
                    }
                    return kind
                }
            case "stage":
                selector.stages = try strings(value, key).map { s in
                    guard let stage = ReportContext.Stage(rawValue: s) else {
                        throw fail(value, "stage: \(TerminalText.escaped(s)) is not one of \(ReportContext.Stage.allCases.map(\.rawValue).joined(separator: ", "))", field: key)
                    }
                    return stage
                }
            case "model": selector.models = try strings(value, key)
            case "task": selector.tasks = try strings(value, key)
            case "tags":
                guard let tags = value.mapping else { throw fail(value, "tags: must be a mapping like {team: nlp}", field: key) }
                for (tk, tv) in tags { selector.tags[try string(tk, "tags")] = try strings(tv, "tags") }
            default:
                throw unknownKey(keyNode, key, allowed: ["kind", "stage", "model", "task", "tags"])
            }
        }
        return selector
    }

    func exception(_ node: Node) throws -> PolicyException {
        guard let map = node.mapping else { throw fail(node, "an exception must be a mapping with rule: and reason:") }
        let position = PolicyPosition(source: source, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
        var rule: String?, reason: String?, owner: String?, expires: Date?, expiresText: String?
        var selector = Selector()
        for (keyNode, value) in map {
            let key = try string(keyNode, "key")
            switch key {
            case "rule": rule = try string(value, key)
            case "reason": reason = try string(value, key)
            case "owner": owner = try string(value, key)
            case "when": selector = try self.selector(value)
            case "expires":
                let text = try string(value, key)
                guard let day = Self.dayAfter(text) else {
                    throw fail(value, "expires: \(TerminalText.escaped(text)) is not a date; write YYYY-MM-DD", field: key)
                }
                expires = day
                expiresText = text
            default:
                throw unknownKey(keyNode, key, allowed: ["rule", "reason", "owner", "expires", "when"])
            }
        }
        guard let rule else { throw fail(node, "the exception has no rule: (the id of the rule it waives)") }
        guard let reason, !reason.isEmpty else { throw fail(node, "the exception for \(rule) has no reason:; say why it is granted") }
        return PolicyException(rule: rule, reason: reason, owner: owner, expires: expires, expiresText: expiresText,
                               selector: selector, position: position)
    }

    /// Midnight UTC after the day `YYYY-MM-DD`: an exception applies through its last day.
    static func dayAfter(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let components = DateComponents(year: y, month: m, day: d)
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        return calendar.date(byAdding: .day, value: 1, to: date)
    }
}

/// An invalid-input error whose message starts with its place, as compilers write it: `policy.yaml:3:27: …`.
func positionedError(_ message: String, location: GreenlightError.Location) -> GreenlightError {
    var place = location.path.map { TerminalText.escaped($0) } ?? ""
    if let line = location.line {
        place += ":\(line)"
        if let column = location.column { place += ":\(column)" }
    }
    return GreenlightError.invalidInput(place.isEmpty ? message : "\(place): \(message)", location: location)
}
