import Foundation
import GreenlightCore
import GreenlightStandards
import GreenlightTestSupport
import Testing

@Suite("the SCI disclosure")
struct SCIDisclosureTests {
    /// The measured run with an SCI per 1e9 training tokens.
    static func report() -> Report {
        var r = HTMLFixtures.run()
        r.sci = SCIScore(functionalUnit: "training-token", units: 1e9, energy: r.energy!.processFacilityEnergy,
                         intensity: r.carbon!.intensity.value, embodied: r.carbon!.embodied!.attributed)
        return r
    }

    static let metadata: ReportMetadata = {
        var m = ReportMetadata()
        m.sci = .init(rationale: "a training token is the provider's unit of work (SCI for AI §8.2)")
        return m
    }()

    @Test func theTermsSumToTheScoreAndSayHowTheyWereObtained() throws {
        let d = try SCIDisclosure.make(Self.report(), metadata: Self.metadata)
        let term = Dictionary(uniqueKeysWithValues: d.terms.map { ($0.symbol, $0) })
        let e = try #require(term["E"]), i = try #require(term["I"]), o = try #require(term["O"]), m = try #require(term["M"])
        let r = try #require(term["R"]), sci = try #require(term["SCI"])
        #expect(abs(e.value * i.value - o.value) < 1e-9 * o.value, "O = E × I")
        #expect(abs((o.value + m.value) / r.value - sci.value) < 1e-12 * sci.value, "SCI = (O + M) / R")
        #expect(sci.value == d.score && d.scoreUnit == "gCO2e per training-token")
        #expect(e.basis == .measured && i.basis == .sourced && m.basis == .given && o.basis == .derived && r.basis == .given)
        #expect(e.method.contains("measured:rapl") && e.method.contains("measured:nvml-energy"))
        let names = d.coefficients.map(\.name)
        #expect(names.contains("PUE") && names.contains("grid intensity (Germany)") && names.contains("expected lifetime (EL)"))
        let grid = try #require(d.coefficients.first { $0.name.hasPrefix("grid") })
        #expect(grid.value == 380 && grid.source.contains("owid-ember") && grid.source.hasSuffix("2024"))
        #expect(d.caveats.isEmpty && !d.boundaryStated && d.boundary.contains("gpu gpu-0 NVIDIA H100"))
    }

    @Test func anEstimateWithoutEmbodiedCarbonSaysSo() throws {
        let estimate = try Estimator.estimate(EstimateRequest(device: "H100", count: 8, work: .hours(2), functionalUnit: FunctionalUnit(name: "query", count: 1e6)))
        let d = try SCIDisclosure.make(estimate, metadata: Self.metadata)
        #expect(d.terms.first { $0.symbol == "E" }?.basis == .modelled)
        #expect(d.terms.first { $0.symbol == "M" }?.basis == .excluded)
        #expect(d.caveats.count == 2 && d.methodology.contains { $0.hasPrefix("The run was estimated") })
    }

    @Test func theRationaleAndAScoreAreRequired() {
        let noWhy = expectCode(.invalidInput) { try SCIDisclosure.make(Self.report(), metadata: ReportMetadata()) }
        #expect(noWhy?.message.contains("why training-token is the functional unit") == true)
        #expect(noWhy?.parameter?.name == "meta")
        let noScore = expectCode(.invalidInput) { try SCIDisclosure.make(HTMLFixtures.run(), metadata: Self.metadata) }
        #expect(noScore?.parameter?.name == "functionalUnit")
    }

    @Test func markdownAndJSONCarryTheSameDisclosureEscaped() throws {
        var meta = Self.metadata
        meta.sci?.boundary = "[click](http://evil.example) | <img src=x> \u{1B}[2J"
        let d = try SCIDisclosure.make(Self.report(), metadata: meta)
        let md = d.markdown()
        #expect(md.contains("\\[click\\](http://evil.example) \\| \\<img src=x\\> \\\\x1B\\[2J"), "\(md)")
        #expect(!md.contains("(written from the report's components"))
        #expect(md.contains("**SCI = \(String(format: "%.2e", d.score)) gCO2e per training-token**"))
        #expect(md.contains("| E | energy of the software (process tree × PUE) |"))
        let decoded = try JSONDecoder().decode(SCIDisclosure.self, from: try d.json())
        #expect(decoded == d)
    }
}
