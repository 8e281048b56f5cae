import Foundation
import GreenlightMeter
import Testing

@Suite("Host CPU times and system facts")
struct ProcessHostTests {
    @Test func hostBusyTimeGrowsUnderLoad() throws {
        let before = try HostCPUTimes.read()
        ProcessTestKit.burnThreadCPU(.milliseconds(120))
        let after = try HostCPUTimes.read()
        #expect(after.busy - before.busy >= .milliseconds(80))  // 10 ms ticks, other CPUs may idle
        #expect(after.total - before.total >= after.busy - before.busy)
        #expect(after.total >= after.busy)
    }

    @Test func systemFactsAreSane() {
        let facts = SystemFacts.read()
        #expect(!facts.hostname.isEmpty)
        #expect(facts.os.hasPrefix("Linux "))
        #expect(facts.logicalCPUs == Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #expect(facts.memoryBytes > 64 << 20)
        #expect(facts.memoryBytes == UInt64(sysconf(Int32(_SC_PHYS_PAGES))) * UInt64(sysconf(Int32(_SC_PAGESIZE))))
        if let model = facts.cpuModel { #expect(!model.isEmpty) }
    }
}
