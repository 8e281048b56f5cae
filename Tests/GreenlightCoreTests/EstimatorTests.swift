import Foundation
import GreenlightCore
import GreenlightTestSupport
import Testing

@Suite struct EstimatorTests {
    @Test func hoursBasedWithDefaults() throws {
        let r = try Estimator.estimate(EstimateRequest(device: "H100", count: 8, work: .hours(10)))
        #expect(r.kind == .estimate)
        let e = try #require(r.energy)
        // 8 × 700 W × (0.1 + 0.9 × 1) × 10 h = 56 kWh.
        #expect(abs(e.host.total.kilowattHours - 56) < 1e-9)
        #expect(e.process.energy == e.host.total)
        #expect(e.process.shareOfActive == 1)
        #expect(e.pue.value == 1)
        #expect(e.pue.method.kind == .default)
        let c = try #require(e.components.first)
        #expect(e.components.count == 1)
        #expect(c.kind == .gpu)
        #expect(c.method.label == "estimated:tdp-linear-v1")
        #expect(c.meanPower.watts == 5600)
        let carbon = try #require(r.carbon)
        #expect(abs(carbon.process.kilograms - 56 * 0.475) < 1e-9)
        #expect(carbon.intensity.method.label == "default:world-average")
        let inputs = try #require(r.estimate)
        #expect(inputs.hardware == [EstimatedDevice(model: "H100 SXM", count: 8, tdp: try HardwareCatalogue.bundled.device(named: "H100").tdpFigure)])
        #expect(inputs.duration == .seconds(36_000))
        #expect(inputs.utilization.value == 1)
        #expect(inputs.utilization.method.kind == .default)
        #expect(inputs.flops == nil && inputs.mfu == nil && inputs.precision == nil)
        #expect(inputs.formula.contains("8 × 700 W"))
        let codes = Set(r.notes.map(\.code))
        #expect(codes.isSuperset(of: ["default-utilization", "default-pue", "default-intensity", "estimate-scope"]))
        #expect(r.sci == nil)
        // The report round-trips through JSON.
        // (A whole-second creation time: sub-millisecond dates do not yet survive encode → decode → encode.)
        var fixed = r
        fixed.createdAt = Date(timeIntervalSince1970: 1_700_000_000)
        let json = try fixed.jsonData()
        #expect(try Report.decode(from: json).jsonData() == json)
    }

    @Test func givenUtilizationPUEAndLocation() throws {
        let r = try Estimator.estimate(EstimateRequest(
            device: "A100", count: 4, work: .hours(2), utilization: 0.5, pue: 1.2, location: .country("FRA", region: nil)))
        let e = try #require(r.energy)
        // 4 × 400 W × (0.1 + 0.9 × 0.5) × 2 h = 1.76 kWh IT, × 1.2 = 2.112 kWh.
        #expect(abs(e.host.total.kilowattHours - 1.76) < 1e-9)
        #expect(abs(e.processFacilityEnergy.kilowattHours - 2.112) < 1e-9)
        #expect(e.pue.method == Method(.user, "pue", detail: "given by the user"))
        let carbon = try #require(r.carbon)
        #expect(abs(carbon.process.grams - 2.112 * 56.039) < 1e-6)
        #expect(carbon.intensity.method.label == "estimated:owid-ember")
        let codes = Set(r.notes.map(\.code))
        #expect(!codes.contains("default-utilization") && !codes.contains("default-pue") && !codes.contains("default-intensity"))
    }

    @Test func trainingUsesSixND() throws {
        let r = try Estimator.estimate(EstimateRequest(
            device: "H100", count: 64, work: .training(parameters: 7e9, tokens: 2e12), location: .country("USA", region: "CA")))
        let inputs = try #require(r.estimate)
        let flops = 6 * 7e9 * 2e12
        #expect(inputs.flops == flops)
        #expect(inputs.mfu?.value == 0.4)
        #expect(inputs.mfu?.method.kind == .default)
        #expect(inputs.precision == "bf16")
        let hours = flops / (64 * 989.5e12 * 0.4) / 3600
        #expect(abs(inputs.duration.hours - hours) < 1e-6)
        let e = try #require(r.energy)
        #expect(abs(e.host.total.kilowattHours - 64 * 0.7 * hours) < 1e-3)
        #expect(inputs.formula.contains("FLOPs = 6 × N × D"))
        let codes = Set(r.notes.map(\.code))
        #expect(codes.isSuperset(of: ["default-mfu", "default-precision"]))
    }

    @Test func flopsWithGivenMFUAndPrecision() throws {
        let r = try Estimator.estimate(EstimateRequest(device: "MI300X", count: 2, work: .flops(1e21), mfu: 0.5, precision: .fp8))
        let inputs = try #require(r.estimate)
        #expect(abs(inputs.duration.seconds - 1e21 / (2 * 2614.9e12 * 0.5)) < 1e-3)
        #expect(inputs.mfu?.method.kind == .user)
        #expect(inputs.precision == "fp8")
    }

    @Test func sciAndEmbodied() throws {
        let r = try Estimator.estimate(EstimateRequest(
            device: "L4", count: 1, work: .hours(1), utilization: 1, pue: 1, location: .explicit(CarbonIntensity(gramsPerKilowattHour: 500)),
            embodied: EmbodiedInput(total: CarbonMass(kilograms: 100), lifetimeYears: 4, resourceShare: 1),
            functionalUnit: FunctionalUnit(name: "image", count: 1000)))
        let sci = try #require(r.sci)
        let m = 100_000 * 3600 / (4 * 365.25 * 86400)
        // E = 72 Wh → 36 g at 500 g/kWh.
        #expect(abs(sci.operational.grams - 36) < 1e-9)
        #expect(abs(sci.embodied.grams - m) < 1e-9)
        #expect(abs(sci.score.grams - (36 + m) / 1000) < 1e-12)
        #expect(r.carbon?.embodied?.attributed == sci.embodied)
        #expect(r.carbon?.intensity.method.label == "user:intensity")
    }

    @Test func cpuDevice() throws {
        let r = try Estimator.estimate(EstimateRequest(device: "EPYC 9654", count: 2, work: .hours(1), utilization: 0))
        #expect(r.energy?.components.first?.kind == .cpu)
        #expect(abs((r.energy?.host.total.wattHours ?? 0) - 72) < 1e-9)  // 2 × 360 W × 0.1 × 1 h
        expectCode(.invalidInput) { try Estimator.estimate(EstimateRequest(device: "EPYC 9654", work: .flops(1e18))) }
    }

    /// Requests a guard refuses, with the parameter it names (`nil` for catalogue data, not a caller's number).
    static let invalid: [(EstimateRequest, String?)] = [
        (EstimateRequest(device: "H100", count: 0, work: .hours(1)), "count"),
        (EstimateRequest(device: "H100", work: .hours(0)), "hours"),
        (EstimateRequest(device: "H100", work: .hours(-3)), "hours"),
        (EstimateRequest(device: "H100", work: .hours(.infinity)), "hours"),
        (EstimateRequest(device: "H100", work: .hours(1e300)), "hours"),
        (EstimateRequest(device: "H100", work: .hours(1), utilization: 1.5), "utilization"),
        (EstimateRequest(device: "H100", work: .hours(1), utilization: -0.1), "utilization"),
        (EstimateRequest(device: "H100", work: .hours(1), mfu: 0.4), "mfu"),
        (EstimateRequest(device: "H100", work: .hours(1), precision: .fp8), "precision"),
        (EstimateRequest(device: "H100", work: .flops(1e20), mfu: 0), "mfu"),
        (EstimateRequest(device: "H100", work: .flops(1e20), mfu: 1.2), "mfu"),
        (EstimateRequest(device: "H100", work: .flops(-1)), "flops"),
        (EstimateRequest(device: "H100", work: .training(parameters: 0, tokens: 1e9)), "parameters"),
        (EstimateRequest(device: "H100", work: .training(parameters: 1e9, tokens: -1)), "tokens"),
        (EstimateRequest(device: "H100", work: .hours(1), pue: 0.9), "pue"),
        (EstimateRequest(device: "T4", work: .flops(1e20), precision: .fp8), nil),
        (EstimateRequest(device: "H100", work: .hours(1), embodied: EmbodiedInput(total: CarbonMass(kilograms: 1), lifetimeYears: 0)), "lifetimeYears"),
        (EstimateRequest(device: "H100", work: .hours(1), functionalUnit: FunctionalUnit(name: "token", count: 0)), "functionalUnits"),
    ]

    @Test(arguments: invalid)
    func invalidInputIsRejected(_ request: EstimateRequest, parameter: String?) throws {
        // A caller's out-of-range number is an argument error naming it; a catalogue gap is the data's.
        let e = expectCode(parameter != nil ? .invalidArgument : .invalidInput) { try Estimator.estimate(request) }
        #expect(e?.message.isEmpty == false)
        #expect(e?.parameter?.name == parameter)
    }

    @Test func unknownDeviceAndLocation() throws {
        // The suggestion is what the user acts on, so the message is checked for it.
        let d = expectCode(.notFound) { try Estimator.estimate(EstimateRequest(device: "H1OO", work: .hours(1))) }
        #expect(d?.message.contains("H100") == true)
        let l = expectCode(.notFound) {
            try Estimator.estimate(EstimateRequest(device: "H100", work: .hours(1), location: .country("GER", region: nil)))
        }
        #expect(l?.message.contains("DEU (Germany)") == true)
    }
}
