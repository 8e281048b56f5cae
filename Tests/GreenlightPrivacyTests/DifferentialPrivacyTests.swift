import Foundation
import GreenlightCore
import GreenlightPrivacy
import GreenlightTestSupport
import Testing

@Suite("Differential privacy: noise, mechanisms, queries")
struct DifferentialPrivacyTests {
    @Test("uniform doubles use 53 bits and stay in [0, 1)")
    func uniform() {
        struct Fixed: RandomNumberGenerator { var value: UInt64; mutating func next() -> UInt64 { value } }
        var ones = Fixed(value: .max), zeros = Fixed(value: 0)
        #expect(DPNoise.uniform(using: &ones) == 1 - 0x1p-53)
        #expect(DPNoise.uniform(using: &zeros) == 0)
        var rng = SplitMix64(seed: 1)
        let mean = (0..<100_000).reduce(0.0) { acc, _ in acc + DPNoise.uniform(using: &rng) } / 100_000
        // Standard error 0.29/√100000 ≈ 0.0009.
        #expect(abs(mean - 0.5) < 0.005)
    }

    @Test("Laplace(b): mean absolute deviation b, variance 2b², over 200,000 seeded draws")
    func laplace() {
        var rng = SplitMix64(seed: 42)
        let b = 2.0, n = 200_000
        let xs = (0..<n).map { _ in DPNoise.laplace(scale: b, using: &rng) }
        let mad = xs.reduce(0) { $0 + abs($1) } / Double(n)
        let variance = xs.reduce(0) { $0 + $1 * $1 } / Double(n)
        let mean = xs.reduce(0, +) / Double(n)
        // |X| is exponential with mean b and sd b: standard error b/√n ≈ 0.0045, so 1.5 % is > 6 SE.
        #expect(abs(mad - b) / b < 0.015)
        // Var(X²) = E[X⁴] − (2b²)² = 24b⁴ − 4b⁴ = 20b⁴: SE ≈ 2b²·√5/√n ≈ 0.04 on 8, so 3 % is > 5 SE.
        #expect(abs(variance - 2 * b * b) / (2 * b * b) < 0.03)
        #expect(abs(mean) < 0.03)
    }

    @Test("Gaussian(σ): variance σ², mean absolute deviation σ√(2/π)")
    func gaussian() {
        var rng = SplitMix64(seed: 7)
        let sigma = 3.0, n = 200_000
        let xs = (0..<n).map { _ in DPNoise.gaussian(sigma: sigma, using: &rng) }
        let variance = xs.reduce(0) { $0 + $1 * $1 } / Double(n)
        let mad = xs.reduce(0) { $0 + abs($1) } / Double(n)
        // SE of the variance σ²√(2/n) ≈ 0.028 on 9.
        #expect(abs(variance - sigma * sigma) / (sigma * sigma) < 0.02)
        #expect(abs(mad - sigma * (2 / Double.pi).squareRoot()) < 0.03)
    }

    @Test("noise scales: b = Δ/ε; σ = Δ√(2 ln(1.25/δ))/ε")
    func scales() throws {
        #expect(try DPMechanism.laplace(epsilon: 0.5).noiseScale(sensitivity: 10) == 20)
        // Δ = 1, ε = 0.5, δ = 1e-5: 2 ln 125000 = 23.472138, √ = 4.844805, / 0.5 = 9.689611.
        let g = try DPMechanism.gaussian(epsilon: 0.5, delta: 1e-5)
        #expect(abs(g.noiseScale(sensitivity: 1) - 9.689611) < 1e-5)
        #expect(throws: GreenlightError.self) { try DPMechanism.gaussian(epsilon: 1, delta: 1e-5) }
        #expect(throws: GreenlightError.self) { try DPMechanism.gaussian(epsilon: 0.5, delta: 0) }
        #expect(throws: GreenlightError.self) { try DPMechanism.laplace(epsilon: 0) }
        #expect(throws: GreenlightError.self) { try DPMechanism.laplace(epsilon: .infinity) }
    }

    static let table = try! CSVTable(header: ["x"], rows: [["-5"], ["3"], ["100"], ["7.5"]])

    @Test("sum and mean clamp to the bounds; sensitivity max(|lower|, |upper|)")
    func clamping() throws {
        var rng = SplitMix64(seed: 3)
        // Clamped to [0, 10]: 0 + 3 + 10 + 7.5 = 20.5; with ε = 1e9 the noise (b = 1e-8) vanishes.
        let huge = try DPMechanism.laplace(epsilon: 1e9)
        let sum = try DPQuery.sum(column: "x").release(on: Self.table, bounds: 0...10, mechanism: huge, using: &rng)
        #expect(abs(sum.release.value - 20.5) < 1e-6)
        #expect(sum.release.sensitivity == 10)
        #expect(sum.release.query == "sum(x)" && sum.release.mechanism == "laplace" && sum.release.delta == 0)
        let neg = try DPQuery.sum(column: "x").release(on: Self.table, bounds: -20 ... -1, mechanism: huge, using: &rng)
        // Clamped to [−20, −1]: −5 − 1 − 1 − 1 = −8; sensitivity 20.
        #expect(abs(neg.release.value + 8) < 1e-6)
        #expect(neg.release.sensitivity == 20)
        let mean = try DPQuery.mean(column: "x").release(on: Self.table, bounds: 0...10, mechanism: huge, using: &rng)
        #expect(abs(mean.release.value - 20.5 / 4) < 1e-6)
        #expect(mean.notes.count == 1)
        // Half the budget each: b = 10 / (ε/2).
        #expect(mean.release.noiseScale == 10 / 5e8)
        let count = try DPQuery.count.release(on: Self.table, bounds: nil, mechanism: huge, using: &rng)
        #expect(abs(count.release.value - 4) < 1e-6)
        #expect(count.release.sensitivity == 1)
    }

    @Test("the released noise has the stated scale: Laplace b and Gaussian σ over 20,000 seeded releases")
    func releasedNoise() throws {
        var rng = SplitMix64(seed: 11)
        let laplace = try DPMechanism.laplace(epsilon: 0.5)
        let n = 20_000
        var mad = 0.0
        for _ in 0..<n {
            mad += abs(try DPQuery.sum(column: "x").release(on: Self.table, bounds: 0...10, mechanism: laplace, using: &rng).release.value - 20.5)
        }
        // b = 10 / 0.5 = 20; SE 20/√20000 ≈ 0.14.
        #expect(abs(mad / Double(n) - 20) < 0.8)
        let gauss = try DPMechanism.gaussian(epsilon: 0.5, delta: 1e-5)
        var sq = 0.0
        for _ in 0..<n {
            let v = try DPQuery.count.release(on: Self.table, bounds: nil, mechanism: gauss, using: &rng).release.value - 4
            sq += v * v
        }
        // σ ≈ 9.689611, σ² ≈ 93.8886; SE σ²√(2/n) ≈ 0.94.
        #expect(abs(sq / Double(n) - 93.8886) < 4)
    }

    @Test("missing or bad bounds and non-numbers are clear errors")
    func errors() throws {
        var rng = SplitMix64(seed: 5)
        let m = try DPMechanism.laplace(epsilon: 1)
        #expect(throws: GreenlightError.invalidInput("sum(x) needs clamping bounds: a lower and an upper bound")) {
            try DPQuery.sum(column: "x").release(on: Self.table, bounds: nil, mechanism: m, using: &rng)
        }
        #expect(throws: GreenlightError.self) { try DPQuery.mean(column: "x").release(on: Self.table, bounds: nil, mechanism: m, using: &rng) }
        #expect(throws: GreenlightError.self) { try DPQuery.bounds(lower: 1, upper: nil) }
        #expect(throws: GreenlightError.self) { try DPQuery.bounds(lower: 2, upper: 1) }
        #expect(try DPQuery.bounds(lower: nil, upper: nil) == nil)
        let text = try CSVTable(header: ["x"], rows: [["1"], ["two"]])
        #expect(throws: GreenlightError.invalidInput("line 3: column x: 'two' is not a number")) {
            try DPQuery.sum(column: "x").release(on: text, bounds: 0...1, mechanism: m, using: &rng)
        }
        #expect(throws: GreenlightError.invalidInput("unknown column y; the header is: x")) {
            try DPQuery.sum(column: "y").release(on: text, bounds: 0...1, mechanism: m, using: &rng)
        }
    }
}
