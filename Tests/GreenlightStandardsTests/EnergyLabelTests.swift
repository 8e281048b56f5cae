import Foundation
import GreenlightCore
import GreenlightPolicy
import GreenlightStandards
import GreenlightTestSupport
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("the energy label")
struct EnergyLabelTests {
    /// The measured run as an inference of 1,000 queries: its GPU read 2.7 MJ, 750 Wh per 1,000 queries.
    static func inference(model: String = "llama-mini", task: String? = "text-generation") -> Report {
        var r = HTMLFixtures.run(model: model)
        r.context?.stage = .inference
        r.context?.task = task
        r.sci = SCIScore(functionalUnit: "query", units: 1000, energy: r.energy!.processFacilityEnergy,
                         intensity: r.carbon!.intensity.value, embodied: .zero)
        return r
    }

    @Test("five equal-width bands, 5 stars for the lowest fifth", arguments: [
        (0.1, 5), (0.2160, 5), (5.7, 5), (5.8, 4), (11.2, 4), (11.3, 3), (16.7, 3), (16.8, 2), (22.2, 2), (22.3, 1), (27.79, 1), (300, 1),
    ])
    func stars(_ wh: Double, _ stars: Int) {
        // text_classification on the bundled scale: 0.2160 to 27.79 Wh, bands 5.5148 Wh wide.
        #expect(EnergyScale.bundled.stars(task: "text_classification", whPer1000: wh) == stars)
    }

    @Test func theBundledScaleCitesItsSource() {
        let scale = EnergyScale.bundled
        #expect(scale.source.contains("AI Energy Score") && scale.source.contains("February 2025"))
        #expect(scale.hardware == "NVIDIA H100 80GB" && scale.tasks.count == 12)
        #expect(scale.task(named: "Text Classification") == "text_classification" && scale.task(named: "text-generation-a") == "text_generation_a")
    }

    @Test func theLabelIsTheGPUsEnergyPerThousandQueries() throws {
        let b = try EnergyLabel.make(Self.inference(), task: "text_generation_b")
        #expect(abs(b.whPer1000Queries - 750) < 1e-9 && b.stars == 1 && b.basis.hasPrefix("GPU energy"))
        #expect(b.hardware == "NVIDIA H100" && b.model == "llama-mini" && b.queries == 1000)
        let c = try EnergyLabel.make(Self.inference(), task: "text-generation-c")
        #expect(c.stars == 5, "below the range's minimum")
        var meta = ReportMetadata()
        meta.task = .init(nbRequest: 3000)
        #expect(abs(try EnergyLabel.make(Self.inference(), metadata: meta, task: "text_generation_b").whPer1000Queries - 250) < 1e-9)
    }

    @Test("what it cannot grade is named", arguments: ["size-class", "unknown-task", "no-task", "no-queries", "no-model"])
    func refusals(_ what: String) {
        var report = Self.inference()
        switch what {
        case "unknown-task": report.context?.task = "weather-forecast"
        case "no-task": report.context?.task = nil
        case "no-queries": report.sci = nil; report.context?.task = "text-generation-b"
        case "no-model": report.context?.model = nil
        default: break
        }
        let error = expectCode(.invalidInput) { try EnergyLabel.make(report) }
        let parameter = ["no-queries": "meta", "no-model": "model"][what] ?? "scaleTask"
        #expect(error?.parameter?.name == parameter, "\(error?.message ?? "")")
        if what == "size-class" { #expect(error?.message.contains("text_generation_a, text_generation_b, text_generation_c") == true) }
    }

    @Test func aScaleFileNeedsASourceAndRanges() throws {
        let good = try EnergyScale.parse("source: our lab, 2026\ntasks: {chat: {min: 1, max: 11}}\n", source: "s.yaml")
        #expect(good.stars(task: "chat", whPer1000: 2.9) == 5 && good.stars(task: "chat", whPer1000: 3) == 4)
        for (yaml, field) in [("tasks: {chat: {min: 1, max: 2}}\n", "source"), ("source: x\n", "tasks"),
                              ("source: x\ntasks: {chat: {min: 3, max: 2}}\n", "tasks.chat")] {
            let error = expectCode(.invalidInput) { try EnergyScale.parse(yaml, source: "s.yaml") }
            #expect(error?.location?.field == field, "\(yaml)")
        }
    }

    @Test func theSVGIsWellFormedEscapedAndShowsTheStars() throws {
        let label = try EnergyLabel.make(Self.inference(model: "<script>alert(1)</script>&"), task: "text_generation_b")
        let svg = label.svg()
        #expect(!svg.contains("<script>") && svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;&amp;"))
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(svg.components(separatedBy: "class=\"star on\"").count - 1 == 1)
        #expect(svg.contains("750 Wh") && svg.contains("per 1,000 queries") && svg.contains("date: 2026-05-28"))
        #expect(svg.contains("AI Energy Score leaderboard, February 2025"))
    }

    @Test func theEnergyLabelPackGradesInferenceRuns() throws {
        let loader = PolicyLoader(catalogue: StandardsPolicies.catalogue, packs: StandardsPolicies.packs)
        let pack = try loader.load("builtin:energy-label")
        func outcome(_ r: Report) -> RuleResult.Outcome? {
            PolicyEvaluator(policies: [pack], now: HTMLFixtures.created).evaluate(CheckSubject(name: "r.json", report: r)).first?.outcome
        }
        #expect(outcome(Self.inference(task: "text-generation-c")) == .pass)
        #expect(outcome(Self.inference(task: "text-generation-b")) == .fail)
        #expect(outcome(Self.inference(task: "text-generation")) == .error, "a report the scale cannot grade is an error, not a pass")
        #expect(outcome(HTMLFixtures.run()) == .skip, "training runs are not graded")
        #expect(loader.packNames == ["energy-label", "eu-ai-act-gpai", "sci", "sci-ai"])
    }

    @Test func docsListTheLabelMetricsAndPack() throws {
        let docs = try String(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("docs/POLICY.md"), encoding: .utf8)
        #expect(docs.hasSuffix(MetricListing.markdown(StandardsPolicies.catalogue)))
        #expect(docs.contains("`builtin:energy-label`") && docs.contains("| `energy-label-minimum-stars` |"))
    }
}
