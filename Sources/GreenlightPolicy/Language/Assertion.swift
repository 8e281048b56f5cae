public import GreenlightCore

/// A comparison in an assertion.
public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case equal = "=="
    case notEqual = "!="

    /// Whether it orders values (`<`, `<=`, `>`, `>=`), which only numbers have.
    public var isOrdering: Bool { self != .equal && self != .notEqual }
}

/// A metric as an assertion names it, resolved against the catalogue.
public struct MetricReference: Sendable {
    /// The name as written (`context.tags.team`).
    public let name: String
    /// The metric it names.
    public let metric: ReportMetric
    /// The key, for a family.
    public let key: String?
}

/// A value an assertion compares with, already in the metric's base unit.
public struct Operand: Sendable, Hashable {
    /// The value.
    public let value: MetricValue.Value
    /// As written (`5 kWh`), for messages.
    public let written: String
}

/// A checked assertion: every metric known, every unit right for its metric.
public indirect enum Assertion: Sendable {
    /// `METRIC OP VALUE [UNIT]`.
    case compare(MetricReference, ComparisonOperator, Operand)
    /// `METRIC in [..]` or `METRIC not in [..]`.
    case membership(MetricReference, negated: Bool, [Operand])
    /// `METRIC exists`.
    case exists(MetricReference)
    /// Every one holds.
    case all([Assertion])
    /// At least one holds.
    case any([Assertion])

    /// The text of the assertion, as a policy would write it (lists as `all: [...]`).
    public var text: String {
        switch self {
        case .compare(let m, let op, let v): "\(m.name) \(op.rawValue) \(v.written)"
        case .membership(let m, let negated, let list):
            "\(m.name) \(negated ? "not in" : "in") [\(list.map(\.written).joined(separator: ", "))]"
        case .exists(let m): "\(m.name) exists"
        case .all(let parts): "all: [\(parts.map(\.text).joined(separator: "; "))]"
        case .any(let parts): "any: [\(parts.map(\.text).joined(separator: "; "))]"
        }
    }

    /// Every metric named, in order.
    public var references: [MetricReference] {
        switch self {
        case .compare(let m, _, _), .membership(let m, _, _), .exists(let m): [m]
        case .all(let parts), .any(let parts): parts.flatMap(\.references)
        }
    }
}

/// Parses one assertion string (`energy.total <= 5 kWh`) and checks it against a metric catalogue.
///
/// Errors are ``GreenlightError`` (invalid input) with ``GreenlightError/Location/column`` counted from 1 within
/// the string; the policy loader shifts them to the file's line and column.
public struct AssertionParser: Sendable {
    /// The metrics names resolve against.
    public let catalogue: MetricCatalogue

    /// A parser for `catalogue`'s metrics.
    public init(catalogue: MetricCatalogue = .standard) {
        self.catalogue = catalogue
    }

    /// The assertion `text` states.
    public func parse(_ text: String) throws -> Assertion {
        var lexer = Lexer(text)
        let tokens = try lexer.tokens()
        var p = TokenStream(tokens: tokens, text: text)
        let assertion = try parseAssertion(&p)
        if let extra = p.peek { throw p.fail(extra, "unexpected \(extra.describe) after the assertion") }
        return assertion
    }

    private func parseAssertion(_ p: inout TokenStream) throws -> Assertion {
        guard let first = p.next() else { throw p.failAtEnd("empty assertion; write METRIC OP VALUE, e.g. energy.total <= 5 kWh") }
        guard case .word(let name) = first.kind else {
            throw p.fail(first, "an assertion starts with a metric name, e.g. energy.total; got \(first.describe)")
        }
        let reference = try resolve(name, at: first, &p)
        guard let op = p.next() else {
            throw p.failAtEnd("after \(name), write an operator (<, <=, >, >=, ==, !=, in, not in) or exists")
        }
        switch op.kind {
        case .word("exists"):
            return .exists(reference)
        case .word("in"):
            return .membership(reference, negated: false, try list(for: reference, &p))
        case .word("not"):
            guard let next = p.next(), case .word("in") = next.kind else { throw p.fail(op, "write `not in [..]`") }
            return .membership(reference, negated: true, try list(for: reference, &p))
        case .op(let symbol):
            guard let comparison = ComparisonOperator(rawValue: symbol) else { throw p.fail(op, "unknown operator \(symbol)") }
            if comparison.isOrdering && !reference.metric.dimension.isNumeric {
                throw p.fail(op, "\(name) is \(reference.metric.dimension.phrase): compare it with ==, !=, in or not in, not \(symbol)")
            }
            if reference.metric.dimension == .textSet && !comparison.isOrdering {
                throw p.fail(op, "\(name) is a set of words: use in [..] (every one in the list) or not in [..] (none in it)")
            }
            return .compare(reference, comparison, try operand(for: reference, &p))
        default:
            throw p.fail(op, "after \(name), write an operator (<, <=, >, >=, ==, !=, in, not in) or exists; got \(op.describe)")
        }
    }

    private func resolve(_ name: String, at token: Token, _ p: inout TokenStream) throws -> MetricReference {
        guard let (metric, key) = catalogue.lookup(name) else {
            let hint = catalogue.suggestions(for: name).first.map { " (did you mean \($0)?)" } ?? ""
            throw p.fail(token, "unknown metric \(TerminalText.escaped(name))\(hint); `greenlight check --list-metrics` lists them")
        }
        return MetricReference(name: name, metric: metric, key: key)
    }

    private func list(for reference: MetricReference, _ p: inout TokenStream) throws -> [Operand] {
        guard let open = p.next(), case .punct("[") = open.kind else {
            throw p.failAtEnd("write the list in brackets: in [a, b]")
        }
        var items: [Operand] = []
        while true {
            if let close = p.peek, case .punct("]") = close.kind, items.isEmpty { _ = p.next(); break }
            items.append(try operand(for: reference, &p))
            guard let sep = p.next() else { throw p.failAtEnd("the list is not closed; end it with ]") }
            if case .punct("]") = sep.kind { break }
            guard case .punct(",") = sep.kind else { throw p.fail(sep, "separate list items with commas") }
        }
        if items.isEmpty { throw p.fail(open, "the list is empty") }
        return items
    }

    /// One value, with its unit for a physical metric, checked against the metric's dimension.
    private func operand(for reference: MetricReference, _ p: inout TokenStream) throws -> Operand {
        let dimension = reference.metric.dimension
        guard let token = p.next() else { throw p.failAtEnd("a value is missing after the operator") }
        switch (token.kind, dimension) {
        case (.number(let x, let written), _) where dimension.isNumeric:
            guard let unitToken = p.peekUnit() else {
                guard PolicyUnit.bareNumberAllowed(for: dimension) else {
                    throw p.fail(token, "\(reference.name) is \(dimension.phrase): give a unit (\(PolicyUnit.symbols(for: dimension).prefix(8).joined(separator: ", ")))")
                }
                return Operand(value: .number(x), written: written)
            }
            _ = p.next()
            guard case .word(let symbol) = unitToken.kind, let unit = PolicyUnit.named(symbol) else {
                throw p.fail(unitToken, "unknown unit \(unitToken.describe)\(Self.unitHint(unitToken, dimension))")
            }
            guard unit.dimension == dimension else {
                throw p.fail(unitToken, "\(reference.name) is \(dimension.phrase), but \(symbol) is \(unit.dimension.phrase)"
                    + (dimension.baseUnit.isEmpty && !PolicyUnit.bareNumberAllowed(for: dimension) ? "" : "; use \(PolicyUnit.symbols(for: dimension).prefix(8).joined(separator: ", "))"))
            }
            return Operand(value: .number(x * unit.factor), written: "\(written) \(symbol)")
        case (.number(_, let written), .text), (.number(_, let written), .textSet):
            return Operand(value: .text(written), written: written)
        case (.word(let w), .boolean) where w == "true" || w == "false":
            return Operand(value: .boolean(w == "true"), written: w)
        case (.word(let w), .text), (.word(let w), .textSet):
            return Operand(value: .text(w), written: w)
        case (.quoted(let s), .text), (.quoted(let s), .textSet):
            return Operand(value: .text(s), written: "\"\(s)\"")
        default:
            throw p.fail(token, "\(reference.name) is \(dimension.phrase); \(token.describe) is not such a value")
        }
    }

    private static func unitHint(_ token: Token, _ dimension: MetricDimension) -> String {
        guard case .word(let w) = token.kind else { return "" }
        let close = Suggestions.closest(to: w, in: PolicyUnit.all.map { .init(label: $0.symbol, names: [$0.symbol]) })
        if let first = close.first { return " (did you mean \(first)?)" }
        return "; \(dimension.phrase) takes \(PolicyUnit.symbols(for: dimension).prefix(8).joined(separator: ", "))"
    }
}

extension MetricDimension {
    /// Whether values are numbers (and can be ordered).
    var isNumeric: Bool {
        switch self {
        case .text, .textSet, .boolean: false
        default: true
        }
    }

    /// `an energy`, `a duration`, for messages.
    var phrase: String {
        switch self {
        case .energy: "an energy"
        case .power: "a power"
        case .carbon: "a CO2e mass"
        case .intensity: "a carbon intensity"
        case .duration: "a duration"
        case .bytes: "a size in bytes"
        case .ratio: "a ratio (0–1, or %)"
        case .number: "a number"
        case .flops: "a FLOP count"
        case .text: "a word"
        case .textSet: "a set of words"
        case .boolean: "true or false"
        }
    }
}

// MARK: - Tokens

struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case word(String)
        case quoted(String)
        case number(Double, String)
        case op(String)
        case punct(Character)
    }

    let kind: Kind
    /// 1-based column of its first character (in Unicode scalars, as YAML marks count).
    let column: Int
    /// Whether whitespace came right before it.
    let spaced: Bool

    var describe: String {
        switch kind {
        case .word(let w): "`\(TerminalText.escaped(w))`"
        case .quoted(let s): "\"\(TerminalText.escaped(s))\""
        case .number(_, let w): w
        case .op(let o): "`\(o)`"
        case .punct(let c): "`\(c)`"
        }
    }
}

struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var i = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    private static func isWord(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "-", ":", "/", "%", "*", "+": true
        default: c.value >= 0x80 && c.properties.isAlphabetic
        }
    }

    mutating func tokens() throws -> [Token] {
        var out: [Token] = []
        var spaced = true
        while i < scalars.count {
            let c = scalars[i]
            let column = i + 1
            if c == " " || c == "\t" { i += 1; spaced = true; continue }
            if c == "[" || c == "]" || c == "," {
                out.append(Token(kind: .punct(Character(c)), column: column, spaced: spaced)); i += 1
            } else if "<>=!".unicodeScalars.contains(c) {
                var symbol = String(c); i += 1
                if i < scalars.count, scalars[i] == "=" { symbol.append("="); i += 1 }
                guard ComparisonOperator(rawValue: symbol) != nil else {
                    throw Self.fail(column, "unknown operator \(symbol); operators are <, <=, >, >=, ==, !=, in, not in and exists")
                }
                out.append(Token(kind: .op(symbol), column: column, spaced: spaced))
            } else if c == "\"" || c == "'" {
                out.append(Token(kind: .quoted(try quoted(c, column)), column: column, spaced: spaced))
            } else if let number = number() {
                out.append(Token(kind: .number(number.value, number.text), column: column, spaced: spaced))
            } else if Self.isWord(c) {
                var w = ""
                while i < scalars.count, Self.isWord(scalars[i]) { w.unicodeScalars.append(scalars[i]); i += 1 }
                out.append(Token(kind: .word(w), column: column, spaced: spaced))
            } else {
                throw Self.fail(column, "unexpected character \(TerminalText.escaped(String(c)))")
            }
            spaced = false
        }
        return out
    }

    /// A number (`5`, `0.25`, `1e23`, `-3`) when one starts here and is not the start of a word (`5kWh` is a
    /// number and a unit; `2023-edition` is a word).
    private mutating func number() -> (value: Double, text: String)? {
        var j = i
        if j < scalars.count, scalars[j] == "-" || scalars[j] == "+" { j += 1 }
        let digitsStart = j
        while j < scalars.count, ("0"..."9").contains(scalars[j]) { j += 1 }
        if j < scalars.count, scalars[j] == "." {
            j += 1
            while j < scalars.count, ("0"..."9").contains(scalars[j]) { j += 1 }
        }
        guard j > digitsStart, scalars[digitsStart] != "." || j > digitsStart + 1 else { return nil }
        if j < scalars.count, scalars[j] == "e" || scalars[j] == "E" {
            var k = j + 1
            if k < scalars.count, scalars[k] == "-" || scalars[k] == "+" { k += 1 }
            let expStart = k
            while k < scalars.count, ("0"..."9").contains(scalars[k]) { k += 1 }
            if k > expStart { j = k }
        }
        // A number runs into a unit (`5kWh`, `50%`) but not into `-`, `.`, `:` or `_` (then it is a word).
        if j < scalars.count, "-.:_".unicodeScalars.contains(scalars[j]) { return nil }
        var text = ""
        for s in scalars[i..<j] { text.unicodeScalars.append(s) }
        guard let value = Double(text), value.isFinite else { return nil }
        i = j
        return (value, text)
    }

    private mutating func quoted(_ quote: Unicode.Scalar, _ column: Int) throws -> String {
        i += 1
        var s = ""
        while i < scalars.count {
            let c = scalars[i]
            if c == quote { i += 1; return s }
            if c == "\\", i + 1 < scalars.count { s.unicodeScalars.append(scalars[i + 1]); i += 2; continue }
            s.unicodeScalars.append(c); i += 1
        }
        throw Self.fail(column, "the quoted value is not closed")
    }

    static func fail(_ column: Int, _ message: String) -> GreenlightError {
        GreenlightError.invalidInput(message, location: .init(column: column))
    }
}

struct TokenStream {
    let tokens: [Token]
    let text: String
    private var i = 0

    init(tokens: [Token], text: String) {
        self.tokens = tokens
        self.text = text
    }

    var peek: Token? { i < tokens.count ? tokens[i] : nil }

    mutating func next() -> Token? {
        defer { i += 1 }
        return peek
    }

    /// The next token when it is a unit word (`kWh`, `%`) rather than a keyword or punctuation.
    func peekUnit() -> Token? {
        guard let t = peek, case .word = t.kind else { return nil }
        return t
    }

    func fail(_ token: Token, _ message: String) -> GreenlightError { Lexer.fail(token.column, message) }

    func failAtEnd(_ message: String) -> GreenlightError { Lexer.fail(text.unicodeScalars.count + 1, message) }
}
