import CGreenlightShims
import Foundation
import GreenlightCore
@testable import GreenlightMeter
import Testing

/// The sampler's cheap paths: the futex wait for the command's exit, and the idle tick that accounts a sample
/// of a command that has not run without re-reading it.
@Suite("Idle ticks and the exit wait")
struct MeterIdleTickTests {
    /// An estimates-only plan (what a machine without RAPL or NVML gets), whatever this machine has.
    static func estimatesOnlyPlan() -> PowerPlan {
        var plan = PowerPlan.resolve(MeterConfiguration())
        plan.sources = []
        plan.estimatedCPUTDP = Figure(Power(watts: 100), Method(.estimated, "test", detail: "fixed"))
        plan.estimatedRAMPower = Figure(Power(watts: 6), Method(.estimated, "test", detail: "fixed"))
        return plan
    }

    /// Host files that do not change between reads, so that two sessions read the same figures.
    static func fixedHostFiles() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("greenlight-idle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "1000.00 1500.00\n".write(to: dir.appendingPathComponent("uptime"), atomically: true, encoding: .utf8)
        try "MemTotal:       16000000 kB\nMemFree:         8000000 kB\nMemAvailable:   12000000 kB\n"
            .write(to: dir.appendingPathComponent("meminfo"), atomically: true, encoding: .utf8)
        return dir.path
    }

    @Test("an idle tick accounts exactly what a full tick would")
    func idleTickEqualsFullTick() throws {
        let child = try ProcessTestKit.spawnQuietly(["/bin/sleep", "30"])
        defer {
            child.sendSignal(SIGKILL)
            _ = child.waitForExit(timeout: .seconds(5))
        }
        let hostRoot = try Self.fixedHostFiles()
        defer { try? FileManager.default.removeItem(atPath: hostRoot) }
        let plan = Self.estimatesOnlyPlan()
        let interval = Duration.milliseconds(100)
        // The tree is read from the real /proc; host CPU and memory from the fixed files.
        let full = MeterSession(plan: plan, monitor: ProcessTreeMonitor(root: child), procRoot: hostRoot, interval: interval)
        let fast = MeterSession(plan: plan, monitor: ProcessTreeMonitor(root: child), procRoot: hostRoot, interval: interval)
        full.begin()
        fast.begin()
        var idleTicks = 0
        for k in 1...25 {
            usleep(2_000)   // the sleeping child does not run meanwhile
            let step = Int64(k) * 100_000_000
            full.tick(now: full.start + step, timeline: false)
            if fast.tickIfIdle(now: fast.start + step) {
                idleTicks += 1
            } else {
                fast.tick(now: fast.start + step, timeline: false)
            }
        }
        // Ticks 10 and 20 are the once-a-second ones, the first follows begin(); most of the others are idle.
        #expect(idleTicks >= 15)
        let a = full.finish()
        let b = fast.finish()
        #expect(a.components.count == 2)
        for (x, y) in zip(a.components, b.components) {
            #expect(x.name == y.name)
            #expect(abs(x.energy.joules - y.energy.joules) <= 1e-9 * max(1, x.energy.joules))
            #expect(abs(x.idleEnergy.joules - y.idleEnergy.joules) <= 1e-9 * max(1, x.idleEnergy.joules))
            #expect(abs(x.processEnergy.joules - y.processEnergy.joules) <= 1e-9 * max(1, x.processEnergy.joules))
        }
        #expect(a.usage.meanRSSBytes == b.usage.meanRSSBytes)
        #expect(a.usage.peakRSSBytes == b.usage.peakRSSBytes)
        #expect(a.usage.userCPU + a.usage.systemCPU == b.usage.userCPU + b.usage.systemCPU)
        #expect(full.elapsed == fast.elapsed)
        #expect(full.sampleCount == fast.sampleCount)
    }

    @Test("a root that runs, or a timeline, takes full ticks")
    func busyRootOrTimelineTakesFullTicks() throws {
        let busy = try ProcessTestKit.spawnQuietly(["/bin/sh", "-c", ProcessTestKit.busyLoop])
        defer {
            busy.sendSignal(SIGKILL)
            _ = busy.waitForExit(timeout: .seconds(5))
        }
        let plan = Self.estimatesOnlyPlan()
        let session = MeterSession(plan: plan, monitor: ProcessTreeMonitor(root: busy), procRoot: "/proc", interval: .milliseconds(100))
        session.begin()
        session.tick(now: session.start + 100_000_000, timeline: false)
        usleep(20_000)   // the shell burns CPU all along
        #expect(!session.tickIfIdle(now: session.start + 200_000_000))

        let sleeper = try ProcessTestKit.spawnQuietly(["/bin/sleep", "30"])
        defer {
            sleeper.sendSignal(SIGKILL)
            _ = sleeper.waitForExit(timeout: .seconds(5))
        }
        let withTimeline = MeterSession(plan: plan, monitor: ProcessTreeMonitor(root: sleeper), procRoot: "/proc", interval: .milliseconds(100))
        withTimeline.begin()
        withTimeline.tick(now: withTimeline.start + 100_000_000, timeline: true)
        #expect(!withTimeline.tickIfIdle(now: withTimeline.start + 200_000_000))
    }

    @Test("the exit wait ends at the exit, not at the deadline")
    func exitWaitEndsAtTheExit() throws {
        let child = try ProcessTestKit.spawnQuietly(["/bin/sh", "-c", "sleep 0.2; exit 3"])
        #expect(child.waitForExit(untilMonotonicNanoseconds: greenlight_monotonic_ns()) == nil)   // past: only checks
        #expect(!child.hasExited)
        let start = greenlight_monotonic_ns()
        let exit = child.waitForExit(untilMonotonicNanoseconds: start + 20_000_000_000)
        let waited = Double(greenlight_monotonic_ns() - start) / 1e9
        #expect(exit == ExitInfo(status: .exited, code: 3))
        #expect(child.hasExited)
        #expect(waited < 5)
    }
}

@Suite("Host memory and durations in nanoseconds")
struct HostMemoryParsingTests {
    @Test func parsesMemTotalAndMemAvailableInPlace() {
        let text = "MemTotal:       24683652 kB\nMemFree:        20000000 kB\nMemAvailable:   21000000 kB\nBuffers: 1 kB\n"
        let info = Array(text.utf8).withUnsafeBufferPointer { MemoryInfo.parse($0) }
        #expect(info?.total == 24_683_652 * 1024)
        #expect(info?.available == 21_000_000 * 1024)
        // No MemAvailable (kernels before 3.14): all of it counts as available; no MemTotal: nothing.
        let old = Array("MemTotal: 1000 kB\nMemFree: 10 kB\n".utf8).withUnsafeBufferPointer { MemoryInfo.parse($0) }
        #expect(old?.available == 1000 * 1024)
        #expect(Array("MemFree: 10 kB\n".utf8).withUnsafeBufferPointer { MemoryInfo.parse($0) } == nil)
        #expect(Array("MemTotal: kB\n".utf8).withUnsafeBufferPointer { MemoryInfo.parse($0) } == nil)
    }

    @Test func wholeNanoseconds() {
        #expect(Duration.milliseconds(100).wholeNanoseconds == 100_000_000)
        #expect(Duration.seconds(2.5).wholeNanoseconds == 2_500_000_000)
        #expect(Duration.seconds(Int64.max).wholeNanoseconds == .max)
        #expect(Duration.seconds(Int64.min).wholeNanoseconds == .min)
    }
}
