import Foundation
import GreenlightCore
import GreenlightTestSupport
import Testing

@Suite("greenlight estimate and hardware, end to end")
struct EstimateHardwareCommandTests {
    @Test("8 × H100 for 100 h in Germany: 8 × 700 W × 100 h = 560 kWh, carbon from the DEU figure")
    func estimateByHours() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("estimate.json")
        let r = try CLI.run(["estimate", "--gpu", "H100", "--count", "8", "--hours", "100", "--country", "DEU", "--json", json.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try schemaViolation(of: json) == nil)
        let report = try CLI.report(at: json)
        #expect(report.kind == .estimate)
        let energy = try #require(report.energy)
        #expect(abs(energy.host.total.kilowattHours - 560) < 1e-6)
        let intensity = try GridIntensityDatabase.bundled.lookup(.country("DEU", region: nil)).intensity.value
        #expect(abs(report.carbon!.process.grams - 560 * intensity.gramsPerKilowattHour) < 1e-6)
        #expect(report.notes.contains { $0.code.contains("utilization") || $0.message.contains("utilisation") })
    }

    @Test("FLOP-based and 6·N·D estimates agree for the same compute")
    func estimateByFLOPs() throws {
        let a = try CLI.run(["estimate", "--gpu", "A100", "--count", "64", "--params", "7e9", "--tokens", "2e12", "--country", "USA"])
        let b = try CLI.run(["estimate", "--gpu", "A100", "--count", "64", "--flops", "8.4e22", "--country", "USA"])
        #expect(a.status == 0 && b.status == 0)
        let energyLine = { (s: String) in s.split(separator: "\n").first { $0.contains("energy") }.map(String.init) }
        #expect(energyLine(a.stderr) == energyLine(b.stderr))
    }

    @Test("an unknown GPU fails with suggestions")
    func unknownGPU() throws {
        let r = try CLI.run(["estimate", "--gpu", "H1000", "--hours", "1"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("H100"))
    }

    @Test("hardware shows the plan `run` will use")
    func hardware() throws {
        let r = try CLI.run(["hardware"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("will use"))
        #expect(r.stdout.contains("cpu"))
    }
}
