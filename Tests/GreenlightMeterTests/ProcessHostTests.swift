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

@Suite("ProcFileCache")
struct ProcFileCacheTests {
    @Test("a regular file is read afresh each time, so a fixture replaced by rename is seen")
    func rereadsChangedFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gl-cache-\(UUID().uuidString)").path
        defer { unlink(path) }
        try "first line, longer\n".write(toFile: path, atomically: false, encoding: .utf8)
        let cache = ProcFileCache()
        #expect(cache.read(path).map { String(decoding: $0, as: UTF8.self) } == "first line, longer\n")
        try "second\n".write(toFile: path, atomically: true, encoding: .utf8)   // new inode
        #expect(cache.read(path).map { String(decoding: $0, as: UTF8.self) } == "second\n")
        #expect(cache.openCount == 0)
        // procfs files are kept open and re-read.
        #expect(cache.read("/proc/self/stat") != nil)
        #expect(cache.read("/proc/self/stat") != nil)
        #expect(cache.openCount == 1)
    }

    @Test("a file larger than the buffer is read whole")
    func growsTheBuffer() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gl-cache-\(UUID().uuidString)").path
        defer { unlink(path) }
        let text = String(repeating: "0123456789abcdef", count: 1_000)   // 16,000 bytes
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(ProcFileCache().read(path).map { String(decoding: $0, as: UTF8.self) } == text)
    }

    @Test("sweeping can keep descriptors unused for several sweeps")
    func sweepKeepsRecentlyUsed() {
        let cache = ProcFileCache()
        #expect(cache.read("/proc/self/stat") != nil)
        for _ in 0..<3 {
            cache.sweep(keepingUnusedFor: 3)
            #expect(cache.openCount == 1)
        }
        cache.sweep(keepingUnusedFor: 3)
        #expect(cache.openCount == 0)
    }

    @Test("a process's stat stops reading once it has gone, and unused descriptors are swept")
    func goneProcessAndSweep() throws {
        let child = try ChildProcess.spawn(["/bin/sleep", "5"], forwardSignals: false, becomeSubreaper: false)
        let cache = ProcFileCache()
        #expect(cache.read("/proc/\(child.pid)/stat") != nil)
        child.sendSignal(SIGKILL)
        _ = child.waitForExit(timeout: .seconds(5))
        #expect(cache.read("/proc/\(child.pid)/stat") == nil)
        #expect(cache.read("/proc/self/stat") != nil)
        cache.sweep()           // self was used since the last sweep: kept
        #expect(cache.openCount == 1)
        cache.sweep()           // not used since: closed
        #expect(cache.openCount == 0)
    }
}
