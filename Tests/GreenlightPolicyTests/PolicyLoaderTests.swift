import Foundation
import GreenlightCore
import GreenlightPolicy
import GreenlightTestSupport
import Testing

@Suite("policy files: shape, positions and mistakes")
struct PolicyLoaderTests {
    static let example = """
        rules:
          - id: training-energy-budget
            description: A training run stays under 5 kWh
            severity: high                      # info | low | medium | high | critical
            action: enforce                     # enforce | warn
            when: {stage: training, tags: {team: nlp}}
            assert: "energy.total <= 5 kWh"
            reference: https://example.org/our-ai-energy-policy#budget
        exceptions:
          - rule: training-energy-budget
            reason: one-off baseline run
            owner: ml-platform
            expires: 2027-01-31
        """

    @Test func theREADMEShapeLoads() throws {
        let policy = try PolicyFixtures.policy(Self.example)
        let rule = try #require(policy.rules.first)
        #expect(rule.id == "training-energy-budget" && rule.severity == .high && rule.action == .enforce)
        #expect(rule.selector == Selector(stages: [.training], tags: ["team": ["nlp"]]))
        #expect(rule.assertion.text == "energy.total <= 5 kWh")
        #expect(rule.reference == "https://example.org/our-ai-energy-policy#budget")
        #expect(rule.position == PolicyPosition(source: "policy.yaml", line: 2, column: 5))
        let exception = try #require(policy.exceptions.first)
        #expect(exception.rule == rule.id && exception.owner == "ml-platform" && exception.expiresText == "2027-01-31")
        // It applies through 31 January (UTC) and not on 1 February.
        let lastDay = ISO8601DateFormatter().date(from: "2027-01-31T23:59:59Z")!
        #expect(!exception.isExpired(at: lastDay))
        #expect(exception.isExpired(at: lastDay.addingTimeInterval(1)))
    }

    @Test("malformed YAML and wrong shapes name the line and column", arguments: [
        ("rules:\n  - id: a\n    assert: [unclosed\n", 4, nil as Int?),
        ("rules:\n  - id: a\n\tassert: x exists\n", 3, nil),
        ("rules:\n  - id: a\n    assert: energy.total exists\n    asert: x\n", 4, 5),
        ("rules:\n  - id: a\n    assert: \"energy.total <= 5 kg\"\n", 3, 32),
        ("rules:\n  - id: a\n    assert: energy.totl exists\n", 3, 13),
        ("rules:\n  - id: a\n    severity: urgent\n    assert: energy.total exists\n", 3, 15),
        ("rules:\n  - id: a\n    when: {stage: pretraining}\n    assert: energy.total exists\n", 3, 19),
        ("rules:\n  - id: a\n    assert: energy.total exists\n  - id: a\n    assert: energy.total exists\n", 4, 5),
        ("rules:\n  - id: a\n    assert: energy.total exists\nexceptions:\n  - rule: a\n    reason: r\n    expires: 2027-02-30\n", 7, 14),
        ("rules:\n  - id: a\n    assert: energy.total exists\nexceptions:\n  - rule: a\n    expires: 2027-01-31\n", 5, 5),
        ("rules:\n  - description: no id\n    assert: energy.total exists\n", 2, 5),
        ("rules:\n  - id: a\n", 2, 5),
        ("rules: {a: 1}\n", 1, 8),
        ("rule:\n  - id: a\n", 1, 1),
        ("rules:\n  - id: a\n    assert: {every: [energy.total exists]}\n", 3, 14),
        ("rules:\n  - id: a\n    assert: energy.total exists\n    id: b\n", 2, 5),
    ])
    func mistakes(_ yaml: String, _ line: Int, _ column: Int?) {
        let error = expectCode(.invalidInput) { try PolicyFixtures.policy(yaml) }
        #expect(error?.location?.path == "policy.yaml")
        #expect(error?.location?.line == line, "\(yaml)\n→ \(error?.message ?? "")")
        if let column { #expect(error?.location?.column == column, "\(yaml)\n→ \(error?.message ?? "")") }
    }

    @Test func unknownKeysAndMetricsSuggest() {
        let key = expectCode(.invalidInput) { try PolicyFixtures.policy("rules:\n  - id: a\n    asert: energy.total exists\n") }
        #expect(key?.summary.contains("Did you mean assert?") == true, "\(key?.message ?? "")")
        let metric = expectCode(.invalidInput) { try PolicyFixtures.policy("rules:\n  - id: a\n    assert: energy.totl <= 5 kWh\n") }
        #expect(metric?.summary.contains("did you mean energy.total?") == true, "\(metric?.message ?? "")")
    }

    @Test func policiesAreCheckedTogether() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.yaml"), b = dir.appendingPathComponent("b.yaml")
        try "rules:\n  - id: sci-no-offsets\n    assert: energy.total exists\n".write(to: a, atomically: true, encoding: .utf8)
        let clash = expectCode(.invalidInput) { try PolicyLoader().loadAll([a.path, "builtin:sci"]) }
        #expect(clash?.location?.field == "id")
        // An exceptions-only file may waive a built-in rule; one naming no rule is refused.
        try "exceptions:\n  - rule: sci-embodied-included\n    reason: no LCA data yet\n".write(to: b, atomically: true, encoding: .utf8)
        #expect(try PolicyLoader().loadAll(["builtin:sci", b.path]).count == 2)
        try "exceptions:\n  - rule: sci-embodied\n    reason: typo\n".write(to: b, atomically: true, encoding: .utf8)
        let typo = expectCode(.invalidInput) { try PolicyLoader().loadAll(["builtin:sci", b.path]) }
        #expect(typo?.summary.contains("Did you mean sci-embodied-included?") == true, "\(typo?.message ?? "")")
        #expect(typo?.location?.line == 2)
        expectCode(.notFound) { try PolicyLoader().load(dir.appendingPathComponent("missing.yaml").path) }
        let pack = expectCode(.notFound) { try PolicyLoader().load("builtin:scii") }
        #expect(pack?.summary.contains("builtin:sci") == true)
    }

    @Test func everyBuiltinPackLoadsAndCitesItsClauses() throws {
        for name in PolicyLoader.builtinPacks {
            let policy = try PolicyLoader().load("builtin:\(name)")
            #expect(!policy.rules.isEmpty, "\(name)")
            for rule in policy.rules {
                #expect(rule.reference?.isEmpty == false, "\(name) \(rule.id) cites no clause")
                #expect(rule.description?.isEmpty == false, "\(name) \(rule.id)")
                #expect(rule.position.source == "builtin:\(name)" && rule.position.line > 1)
            }
        }
    }
}
