import Foundation
import GreenlightCore
import GreenlightTestSupport
@testable import GreenlightMeter
import Testing

/// A powercap tree whose package counter a background thread advances at a fixed power, wrapping as real
/// counters do.
private final class LivePowercap: @unchecked Sendable {
    let root: URL
    private let energyFile: URL
    private let lock = NSLock()
    private var running = true
    private var thread: Thread?

    init(watts: Double, range: UInt64 = 5_000_000) throws {
        root = try TestSupport.temporaryDirectory()
        let zone = root.appendingPathComponent("intel-rapl:0")
        try FileManager.default.createDirectory(at: zone, withIntermediateDirectories: true)
        try "package-0\n".write(to: zone.appendingPathComponent("name"), atomically: true, encoding: .utf8)
        try "\(range)\n".write(to: zone.appendingPathComponent("max_energy_range_uj"), atomically: true, encoding: .utf8)
        energyFile = zone.appendingPathComponent("energy_uj")
        try "0\n".write(to: energyFile, atomically: true, encoding: .utf8)
        let start = Date()
        let file = energyFile
        thread = Thread { [self] in
            while lock.withLock({ running }) {
                let uj = UInt64(Date().timeIntervalSince(start) * watts * 1e6) % range
                try? "\(uj)\n".write(to: file, atomically: true, encoding: .utf8)
                Thread.sleep(forTimeInterval: 0.002)
            }
        }
        thread?.start()
    }

    func stop() {
        lock.withLock { running = false }
        Thread.sleep(forTimeInterval: 0.01)
        try? FileManager.default.removeItem(at: root)
    }
}

@Suite("Meter integration")
struct MeterIntegrationTests {
    @Test("a measured RAPL package at 100 W for ~0.5 s gives ~50 J, labelled measured:rapl, wraps handled")
    func measuredRAPL() throws {
        // A 5 J range wraps about 10 times at 100 W over 0.5 s: the sampler must poll faster than that.
        let powercap = try LivePowercap(watts: 100)
        defer { powercap.stop() }
        var config = MeterConfiguration()
        config.powercapRoot = powercap.root.path
        config.enableNVML = false
        config.interval = .milliseconds(20)
        config.location = .explicit(CarbonIntensity(gramsPerKilowattHour: 100))
        let outcome = try CommandRunner.run(["/bin/sleep", "0.5"], configuration: config, forwardSignals: false)
        let energy = try #require(outcome.report.energy)
        let cpu = try #require(energy.components.first { $0.kind == .cpu })
        #expect(cpu.method.label == "measured:rapl")
        let duration = try #require(outcome.report.run).duration.seconds
        #expect(abs(cpu.meanPower.watts - 100) < 15, "mean power \(cpu.meanPower)")
        #expect(abs(cpu.energy.joules - 100 * duration) < 0.15 * 100 * duration)
        #expect(!outcome.report.notes.contains { $0.code == "cpu-estimated" })
        // A sleeping tree uses almost no CPU, so it gets almost none of the active energy.
        #expect(energy.process.energy.joules < 0.2 * energy.host.active.joules + 1)
        #expect(abs(outcome.report.carbon!.host.grams - 100 * energy.hostFacilityEnergy.kilowattHours) < 1e-9)
    }

    @Test("EnergyMeter.measure returns the closure's result and a run report of this process")
    func energyMeterMeasure() async throws {
        var config = MeterConfiguration()
        config.enableRAPL = false
        config.enableNVML = false
        config.interval = .milliseconds(20)
        config.cpuTDP = Power(watts: 50)
        config.location = .country("FRA", region: nil)
        config.functionalUnit = FunctionalUnit(name: "sum", count: 1)
        let (value, report) = try await EnergyMeter.measure(configuration: config, label: "busy-sum") {
            var x: UInt64 = 0
            let end = Date().addingTimeInterval(0.3)
            while Date() < end { for i in 0..<10_000 { x &+= UInt64(i) &* 2_654_435_761 } }
            return x
        }
        #expect(value != 0)
        #expect(report.kind == .run)
        #expect(report.run?.command == ["busy-sum"])
        #expect((report.run?.samples ?? 0) >= 5)
        #expect((report.process?.cpuTime.seconds ?? 0) > 0.15)
        let cpu = try #require(report.energy?.components.first { $0.kind == .cpu })
        #expect(cpu.method.label == "estimated:tdp-linear-v1")
        #expect(report.host?.cpuTDP?.value.watts == 50)
        #expect(report.host?.cpuTDP?.method.kind == .user)
        #expect((report.energy?.process.energy.joules ?? 0) > 0)
        #expect(report.sci != nil)
    }

    @Test("start/stop misuse gives clear errors")
    func energyMeterMisuse() throws {
        var config = MeterConfiguration()
        config.enableRAPL = false
        config.enableNVML = false
        let meter = EnergyMeter(configuration: config)
        #expect(throws: GreenlightError.self) { try meter.stop() }
        try meter.start()
        #expect(throws: GreenlightError.self) { try meter.start() }
        _ = try meter.stop()
    }

    @Test("estimated CPU energy follows tdp-linear-v1 exactly on a fixed utilisation")
    func estimatedCPUAccumulator() {
        var acc = EstimatedCPUAccumulator(tdp: Figure(Power(watts: 100), Method(.user, "cpu-tdp")))
        acc.add(dt: 10, utilization: 0.5, share: 0.25)
        let c = acc.component(duration: .seconds(10))
        #expect(abs(c.energy.joules - 100 * (0.1 + 0.9 * 0.5) * 10) < 1e-9)   // 550 J
        #expect(abs(c.idleEnergy.joules - 100) < 1e-9)                       // 10 W × 10 s
        #expect(abs(c.processEnergy.joules - 450 * 0.25) < 1e-9)             // a quarter of active
    }

    @Test("measured channel: idle from the lowest interval power; the tree's share comes from active energy only")
    func channelAccumulator() {
        var acc = ChannelAccumulator(channel: EnergyChannel(id: "t", kind: .cpu, name: "package-0", method: Method(.measured, "rapl")))
        acc.add(energy: Energy(joules: 10), dt: 1, fullInterval: true)    // idle second at 10 W
        acc.closeWindow(share: 0)
        acc.add(energy: Energy(joules: 30), dt: 1, fullInterval: true)    // busy second at 30 W, tree half
        acc.closeWindow(share: 0.5)
        let c = acc.component(duration: .seconds(2))
        #expect(c.energy.joules == 40)
        #expect(c.idleEnergy.joules == 20)
        #expect(c.activeEnergy.joules == 20)
        #expect(abs(c.processEnergy.joules - (30 - 10) * 0.5) < 1e-9)
        #expect(c.peakPower?.watts == 30)
    }
}
