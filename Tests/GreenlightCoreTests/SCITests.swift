import GreenlightCore
import GreenlightTestSupport
import Testing

@Suite struct SCITests {
    @Test func scoreByHand() throws {
        // E = 2 kWh, I = 400 g/kWh, M = 100 g, R = 10 → (800 + 100) / 10 = 90 g per unit.
        let m = try SCI.embodied(
            EmbodiedInput(total: CarbonMass(grams: 100), lifetimeYears: 1, resourceShare: 1),
            timeReserved: .seconds(SCI.secondsPerYear))
        #expect(abs(m.attributed.grams - 100) < 1e-6)
        let s = try SCI.score(
            unit: FunctionalUnit(name: "inference", count: 10), energy: Energy(kilowattHours: 2),
            intensity: CarbonIntensity(gramsPerKilowattHour: 400), embodied: m)
        #expect(abs(s.operational.grams - 800) < 1e-9)
        #expect(abs(s.embodied.grams - 100) < 1e-6)
        #expect(abs(s.score.grams - 90) < 1e-6)
        #expect(s.functionalUnit == "inference")
    }

    @Test func embodiedByHand() throws {
        // 1000 kg over 4 years, run 1 h, share 0.5 → 1e6 g × 3600 / (4 × 365.25 × 86400) × 0.5.
        let m = try SCI.embodied(
            EmbodiedInput(total: CarbonMass(kilograms: 1000), lifetimeYears: 4, resourceShare: 0.5),
            timeReserved: .hours(1))
        let expected = 1_000_000.0 * (3600 / (4 * 365.25 * 86400)) * 0.5
        #expect(abs(m.attributed.grams - expected) < 1e-9)
        #expect(abs(m.attributed.grams - 14.25962) < 1e-4)
        #expect(m.method.kind == .user)
    }

    @Test func noEmbodiedMeansZeroM() throws {
        let s = try SCI.score(unit: FunctionalUnit(name: "epoch", count: 4), energy: Energy(kilowattHours: 1),
                              intensity: CarbonIntensity(gramsPerKilowattHour: 100), embodied: nil)
        #expect(s.score.grams == 25)
        #expect(s.embodied == .zero)
    }

    @Test(arguments: [
        EmbodiedInput(total: CarbonMass(grams: -1), lifetimeYears: 4),
        EmbodiedInput(total: CarbonMass(grams: .infinity), lifetimeYears: 4),
        EmbodiedInput(total: CarbonMass(grams: 1), lifetimeYears: 0),
        EmbodiedInput(total: CarbonMass(grams: 1), lifetimeYears: -2),
        EmbodiedInput(total: CarbonMass(grams: 1), lifetimeYears: 4, resourceShare: 1.5),
        EmbodiedInput(total: CarbonMass(grams: 1), lifetimeYears: 4, resourceShare: -0.1),
    ])
    func invalidEmbodied(_ input: EmbodiedInput) throws {
        // A value the caller gave out of range: the parameter names it, and the CLI its flag.
        expectCode(.invalidArgument) { try SCI.embodied(input, timeReserved: .hours(1)) }
    }

    @Test(arguments: [FunctionalUnit(name: "", count: 1), FunctionalUnit(name: "token", count: 0), FunctionalUnit(name: "token", count: .nan)])
    func invalidUnit(_ unit: FunctionalUnit) throws {
        expectCode(.invalidArgument) {
            try SCI.score(unit: unit, energy: Energy(joules: 1), intensity: CarbonIntensity(gramsPerKilowattHour: 1), embodied: nil)
        }
    }
}
