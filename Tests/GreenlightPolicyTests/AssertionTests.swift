import Foundation
import GreenlightCore
import GreenlightPolicy
import GreenlightTestSupport
import Testing

@Suite("assertions: operators, units, metrics")
struct AssertionTests {
    // The fixture run: energy.total = 5 kWh × 1.2 = 6 kWh, carbon.intensity 380 g/kWh, duration 1 h.

    @Test("every operator, on numbers", arguments: [
        ("energy.total <= 6 kWh", RuleResult.Outcome.pass), ("energy.total < 6 kWh", .fail),
        ("energy.total >= 6 kWh", .pass), ("energy.total > 6 kWh", .fail),
        ("energy.total == 6 kWh", .pass), ("energy.total != 6 kWh", .fail),
        ("energy.total == 21.6 MJ", .pass), ("energy.total in [1 kWh, 6 kWh]", .pass),
        ("energy.total not in [1 kWh, 6 kWh]", .fail), ("energy.total exists", .pass),
        ("sci.units > 1e8", .pass), ("compute.flops < 1e23", .pass), ("compute.flops > 1e21 FLOP", .fail),
    ])
    func operators(_ assertion: String, _ expected: RuleResult.Outcome) throws {
        #expect(try PolicyFixtures.outcome(assertion) == expected, "\(assertion)")
    }

    @Test("units convert within their dimension", arguments: [
        "energy.total == 6000 Wh", "energy.total == 0.006 MWh", "energy.total == 21600 kJ", "energy.total == 21600000 J",
        "energy.total == 0.0216 GJ", "energy.total == 6kWh",
        "carbon.intensity == 380 g/kWh", "carbon.intensity == 380 gCO2e/kWh", "carbon.intensity == 0.38 kg/kWh",
        "carbon.intensity == 380000 g/MWh", "carbon.intensity == 380 gCO2eq/kWh",
        "duration == 1 h", "duration == 60 min", "duration == 3600 s", "duration == 3600000 ms", "duration < 1 d",
        "process.peak_rss == 3 GiB", "process.peak_rss == 3072 MiB", "process.peak_rss == 3221225472 B",
        "process.peak_rss > 3 GB", "process.peak_rss < 3.3 GB", "host.memory == 16 GiB", "host.memory == 16777216 KiB",
        "energy.estimated_share == 0 %", "energy.estimated_share < 0.01", "power.mean == 10 kW", "power.mean == 10000000 mW",
        "carbon.emissions == 2.28 kg", "carbon.emissions == 2280 g", "carbon.emissions == 0.00228 t",
        "carbon.emissions == 2.28 kgCO2e", "carbon.emissions > 2000000 mg", "carbon.embodied < 1 kg",
    ])
    func unitConversions(_ assertion: String) throws {
        #expect(try PolicyFixtures.outcome(assertion) == .pass, "\(assertion)")
    }

    @Test("words, sets and truth values", arguments: [
        ("context.stage == training", RuleResult.Outcome.pass), ("context.stage != training", .fail),
        ("context.stage in [training, fine-tuning]", .pass), ("context.stage not in [training, fine-tuning]", .fail),
        ("context.tags.team == nlp", .pass), ("context.tags.team == \"nlp\"", .pass), ("context.tags.team in ['nlp', cv]", .pass),
        ("context.model == llama-mini", .pass), ("carbon.intensity.method == estimated", .pass),
        ("energy.methods in [measured]", .pass), ("energy.methods in [estimated]", .fail),
        ("energy.methods not in [estimated, default]", .pass), ("energy.sources in [measured:rapl, measured:nvml-energy]", .pass),
        ("energy.gpu.method == measured", .pass), ("carbon.intensity.year == 2024", .pass), ("carbon.intensity.age == 2", .pass),
    ])
    func words(_ assertion: String, _ expected: RuleResult.Outcome) throws {
        #expect(try PolicyFixtures.outcome(assertion) == expected, "\(assertion)")
    }

    @Test func percentagesAreRatios() throws {
        var report = PolicyFixtures.run()
        report.energy?.pue = Figure(1.5, Method(.user, "pue"))
        #expect(try PolicyFixtures.outcome("energy.estimated_share <= 5 %", on: report) == .pass)
        let estimate = try PolicyFixtures.estimate()
        #expect(try PolicyFixtures.outcome("energy.estimated_share == 100 %", on: estimate) == .pass)
        #expect(try PolicyFixtures.outcome("energy.estimated_share > 0.99", on: estimate) == .pass)
    }

    @Test("mistakes in an assertion are errors in the policy, at their column", arguments: [
        ("energy.total <= 5 kg", 19, "a CO2e mass"),
        ("energy.total <= 5", 17, "give a unit"),
        ("energy.totl <= 5 kWh", 1, "did you mean energy.total"),
        ("context.stage < training", 15, "=="),
        ("energy.total <= 5 kWhh", 19, "unknown unit"),
        ("energy.total => 5 kWh", 14, "unknown operator"),
        ("energy.methods == measured", 16, "set of words"),
        ("energy.total", 13, "operator"),
        ("energy.total in [1 kWh, 2 kWh", 30, "not closed"),
        ("context.model == 'x", 18, "not closed"),
        ("energy.total <= 5 kWh extra", 23, "unexpected"),
        ("carbon.intensity <= 300 kWh", 25, "a carbon intensity"),
        ("compression.dry_run == yes", 24, "true or false"),
    ])
    func mistakes(_ assertion: String, _ column: Int, _ words: String) {
        let error = expectCode(.invalidInput) { try AssertionParser().parse(assertion) }
        #expect(error?.location?.column == column, "\(assertion): \(error?.message ?? "")")
        #expect(error?.summary.contains(words) == true, "\(assertion): \(error?.message ?? "")")
    }

    @Test func familiesTakeTheWholeRestAsTheKey() throws {
        let catalogue = MetricCatalogue.standard
        #expect(catalogue.lookup("context.tags.run.id")?.key == "run.id")
        #expect(catalogue.lookup("context.tags.")?.metric == nil)
        #expect(catalogue.lookup("privacy.pii.findings.EMAIL_ADDRESS")?.metric.name == "privacy.pii.findings.*")
        #expect(catalogue.lookup("privacy.pii.findings")?.key == nil)
        #expect(catalogue.suggestions(for: "energy.totl").first == "energy.total")
    }
}
