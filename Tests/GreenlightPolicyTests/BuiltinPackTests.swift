import Foundation
import GreenlightCore
import GreenlightPolicy
import GreenlightTestSupport
import Testing

@Suite("built-in packs on a passing and a failing report")
struct BuiltinPackTests {
    static func outcomes(_ pack: String, _ report: Report, now: Date = PolicyFixtures.created) throws -> [String: RuleResult.Outcome] {
        let policy = try PolicyLoader().load("builtin:\(pack)")
        let results = PolicyEvaluator(policies: [policy], now: now).evaluate(CheckSubject(name: "r.json", report: report))
        return Dictionary(uniqueKeysWithValues: results.map { ($0.rule, $0.outcome) })
    }

    @Test func sciPassesAFullDisclosure() throws {
        let outcomes = try Self.outcomes("sci", PolicyFixtures.run())
        #expect(outcomes.values.allSatisfy { $0 == .pass }, "\(outcomes)")
        #expect(outcomes.count == 8)
    }

    @Test func sciFailsAnEstimateWithoutUnitOrEmbodiedAndWarnsOnDefaults() throws {
        let outcomes = try Self.outcomes("sci", try PolicyFixtures.estimate(), now: Date())
        #expect(outcomes["sci-functional-unit"] == .fail)
        #expect(outcomes["sci-embodied-included"] == .fail)
        #expect(outcomes["sci-pue-stated"] == .warn)
        #expect(outcomes["sci-intensity-year"] == .warn, "the bundled world average is IEA 2019")
        #expect(outcomes["sci-no-offsets"] == .pass && outcomes["sci-location-based-intensity"] == .pass)
        #expect(outcomes["sci-components-quantified"] == .pass, "estimated components are modelled and labelled")
        // A user-given intensity has no known basis: not location-based.
        var given = PolicyFixtures.run()
        given.carbon?.intensity = IntensityFigure(value: CarbonIntensity(gramsPerKilowattHour: 10), method: Method(.user, "intensity"),
                                                  location: Location(), year: nil)
        let user = try Self.outcomes("sci", given)
        #expect(user["sci-location-based-intensity"] == .fail && user["sci-intensity-granularity"] == .fail)
    }

    @Test func sciAIChecksTheBoundaryAndTheProvidersUnit() throws {
        #expect(try Self.outcomes("sci-ai", PolicyFixtures.run()) == [
            "sci-ai-boundary-stated": .pass, "sci-ai-provider-functional-unit": .pass, "sci-ai-consumer-functional-unit": .skip,
        ])
        var perRequest = PolicyFixtures.run()
        perRequest.sci?.functionalUnit = "request"
        #expect(try Self.outcomes("sci-ai", perRequest)["sci-ai-provider-functional-unit"] == .fail)
        var inference = PolicyFixtures.run(stage: .inference)
        inference.sci = nil
        #expect(try Self.outcomes("sci-ai", inference) == [
            "sci-ai-boundary-stated": .pass, "sci-ai-provider-functional-unit": .skip, "sci-ai-consumer-functional-unit": .warn,
        ])
        #expect(try Self.outcomes("sci-ai", PolicyFixtures.run(stage: nil))["sci-ai-boundary-stated"] == .error)
        #expect(try Self.outcomes("sci-ai", PolicyFixtures.run(stage: .other))["sci-ai-boundary-stated"] == .fail)
    }

    @Test func euAIActPassesADocumentedRunAndFlagsTheThresholds() throws {
        let documented = try Self.outcomes("eu-ai-act-gpai", PolicyFixtures.run())
        #expect(documented.values.allSatisfy { $0 == .pass }, "\(documented)")
        var frontier = PolicyFixtures.run()
        frontier.context?.flops = 5e25
        let flagged = try Self.outcomes("eu-ai-act-gpai", frontier)
        #expect(flagged["gpai-scope"] == .warn && flagged["gpai-systemic-risk"] == .warn && flagged["annex-xi-training-compute"] == .pass)
        var gpai = PolicyFixtures.run()
        gpai.context?.flops = 3e23
        #expect(try Self.outcomes("eu-ai-act-gpai", gpai)["gpai-systemic-risk"] == .pass)
        var undocumented = PolicyFixtures.run()
        undocumented.context?.flops = nil
        let missing = try Self.outcomes("eu-ai-act-gpai", undocumented)
        #expect(missing["annex-xi-training-compute"] == .fail && missing["gpai-scope"] == .error)
        // An estimate's FLOPs (6·N·D) count as the training compute.
        let estimate = try Estimator.estimate(EstimateRequest(device: "H100", count: 64, work: .training(parameters: 7e9, tokens: 3e12),
                                                              context: ReportContext(stage: .training)))
        let planned = try Self.outcomes("eu-ai-act-gpai", estimate)
        #expect(planned["annex-xi-training-compute"] == .pass && planned["gpai-scope"] == .warn && planned["gpai-systemic-risk"] == .pass)
        #expect(try Self.outcomes("eu-ai-act-gpai", PolicyFixtures.run(stage: .inference)).values.allSatisfy { $0 == .skip })
    }
}

@Suite("docs/POLICY.md is true to the code")
struct PolicyDocsTests {
    @Test func theMetricTablesAreTheCatalogue() throws {
        let docs = try String(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("docs/POLICY.md"), encoding: .utf8)
        let tables = MetricListing.markdown()
        #expect(docs.contains(tables), "regenerate the end of docs/POLICY.md from MetricListing.markdown():\n\(tables)")
    }

    @Test func everyBuiltinRuleIsDocumented() throws {
        let docs = try String(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("docs/POLICY.md"), encoding: .utf8)
        for pack in PolicyLoader.builtinPacks {
            #expect(docs.contains("`builtin:\(pack)`"), "\(pack)")
            for rule in try PolicyLoader().load("builtin:\(pack)").rules {
                #expect(docs.contains("| `\(rule.id)` |"), "\(rule.id)")
            }
        }
    }
}
