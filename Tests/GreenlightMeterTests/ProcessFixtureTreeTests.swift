import Foundation
import GreenlightMeter
import Testing

@Suite("Process tree over fixture procfs")
struct ProcessFixtureTreeTests {
    /// 100 (two threads) → 101 (→ 105 garbage), 102 (vanished), 103 (zombie); 200 is unrelated.
    @Test(arguments: ["tree", "tree-nochildren"])
    func sumsTheTree(_ fixture: String) {
        let monitor = ProcessTreeMonitor(pid: 100, procRoot: ProcFixtures.path(fixture))
        let sample = monitor.sample()
        #expect(sample.pids == [100, 101, 103])
        #expect(sample.processCount == 3)
        #expect(sample.user == ProcFixtures.ticks(150 + 30 + 200 + 40))
        #expect(sample.system == ProcFixtures.ticks(50 + 10 + 20 + 5))
        #expect(sample.cpuTime == sample.user + sample.system)
        #expect(sample.threads == 2 + 1 + 1)
        #expect(sample.rssBytes == UInt64(1000 + 500) * UInt64(sysconf(Int32(_SC_PAGESIZE))))
        #expect(monitor.processesSeen == 3)
    }

    @Test func missingRootGivesAnEmptySample() {
        let monitor = ProcessTreeMonitor(pid: 4242, procRoot: ProcFixtures.path("tree"))
        let sample = monitor.sample()
        #expect(sample.processCount == 0)
        #expect(sample.cpuTime == .zero)
        #expect(monitor.processesSeen == 0)
    }

    @Test func missingProcRootDoesNotCrash() {
        let monitor = ProcessTreeMonitor(pid: 1, procRoot: "/nonexistent/proc")
        #expect(monitor.sample().pids.isEmpty)
    }

    @Test func hostCPUTimesFromFixture() throws {
        let times = try HostCPUTimes.read(procRoot: ProcFixtures.path("host"))
        // busy = user + nice + system + irq + softirq + steal; guest (900) is inside user already.
        #expect(times.busy == ProcFixtures.ticks(1000 + 200 + 300 + 60 + 70 + 80))
        #expect(times.total == ProcFixtures.ticks(1000 + 200 + 300 + 60 + 70 + 80 + 4000 + 500))
    }

    @Test func hostCPUTimesMissingFileThrows() {
        #expect(throws: (any Error).self) { try HostCPUTimes.read(procRoot: "/nonexistent/proc") }
        #expect(throws: (any Error).self) { try HostCPUTimes.read(procRoot: ProcFixtures.path("stat")) }
    }

    @Test func systemFactsFromFixture() {
        let facts = SystemFacts.read(procRoot: ProcFixtures.path("host"))
        #expect(facts.cpuModel == "Intel(R) Xeon(R) Platinum 8480+")
        #expect(facts.logicalCPUs == 2)
        #expect(facts.memoryBytes == 16_384_000 * 1024)
        #expect(facts.os.hasPrefix("Linux "))
    }
}
