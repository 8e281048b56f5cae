import Foundation
import GreenlightCore
@testable import GreenlightMeter
import Testing

/// A process that has not run since the last full read (same schedstat) is not read again, except at the
/// periodic full refresh.
@Suite("Process tree schedstat shortcut")
struct ProcessSchedstatShortcutTests {
    typealias FakeProc = ProcessOrphanSelectionTests.FakeProc
    let root: Int32 = 2_000_000_100
    let worker: Int32 = 2_000_000_101

    @Test func idleProcessIsNotReReadUntilItRunsOrTheRefreshIsDue() throws {
        let proc = try FakeProc()
        try proc.process(root, ppid: 1, utime: 10, startTime: 5)
        try proc.schedstat(root, runtime: 1_000, timeslices: 3)
        let monitor = ProcessTreeMonitor(pid: root, procRoot: proc.path)   // sample 1: a full read

        // The stat changes but schedstat says the process has not run: the cached figures stand.
        try proc.process(root, ppid: 1, utime: 20, startTime: 5, children: [worker])
        try proc.process(worker, ppid: root, utime: 7, startTime: 6)
        #expect(monitor.sample().user == ProcFixtures.ticks(10))        // sample 2
        #expect(monitor.sample().pids == [root])                        // sample 3

        // It ran: read again, with its new child.
        try proc.schedstat(root, runtime: 2_000, timeslices: 4)
        let ran = monitor.sample()                                       // sample 4
        #expect(ran.user == ProcFixtures.ticks(20 + 7))
        #expect(ran.pids == [root, worker])

        // Its ticks moved, so it counts as busy and is read in full until a read finds them still (sample 5);
        // the next read sets the schedstat baseline again (sample 6).
        #expect(monitor.sample().user == ProcFixtures.ticks(20 + 7))    // sample 5
        #expect(monitor.sample().user == ProcFixtures.ticks(20 + 7))    // sample 6

        // Changes without a schedstat change surface at the next full refresh.
        try proc.process(root, ppid: 1, utime: 30, startTime: 5, children: [worker])
        for _ in 7..<ProcessTreeMonitor.refreshEvery + 1 {              // samples 7…10
            #expect(monitor.sample().user == ProcFixtures.ticks(20 + 7))
        }
        #expect(monitor.sample().user == ProcFixtures.ticks(30 + 7))    // sample 11: full refresh
    }

    @Test("a process busy at the last two reads is read in full without asking schedstat, until it goes quiet")
    func busyProcessSkipsSchedstat() throws {
        let proc = try FakeProc()
        try proc.process(root, ppid: 1, utime: 10, startTime: 5, children: [worker])
        try proc.schedstat(root, runtime: 1_000, timeslices: 3)
        try proc.process(worker, ppid: root, utime: 100, startTime: 6)
        try proc.schedstat(worker, runtime: 5_000, timeslices: 9)
        let monitor = ProcessTreeMonitor(pid: root, procRoot: proc.path)   // sample 1: a full read

        // The worker ran (schedstat and ticks moved): read in full, and now marked busy.
        try proc.process(worker, ppid: root, utime: 150, startTime: 6)
        try proc.schedstat(worker, runtime: 9_000, timeslices: 12)
        #expect(monitor.sample().user == ProcFixtures.ticks(10 + 150))      // sample 2

        // Busy: its stat is read although schedstat did not move.
        try proc.process(worker, ppid: root, utime: 170, startTime: 6)
        #expect(monitor.sample().user == ProcFixtures.ticks(10 + 170))      // sample 3

        // Its ticks stood still at that read: no longer busy. The next sample sets the schedstat baseline again,
        // after which an unchanged schedstat is trusted once more.
        #expect(monitor.sample().user == ProcFixtures.ticks(10 + 170))      // sample 4
        #expect(monitor.sample().user == ProcFixtures.ticks(10 + 170))      // sample 5: baseline
        try proc.process(worker, ppid: root, utime: 190, startTime: 6)
        #expect(monitor.sample().user == ProcFixtures.ticks(10 + 170))      // sample 6: shortcut
    }

    @Test("an idle root alone: the last sample stands until it runs, and its exit is seen at once")
    func idleRootAlone() throws {
        let child = try ProcessTestKit.spawnQuietly(["/bin/sleep", "0.5"])
        let monitor = ProcessTreeMonitor(root: child)
        var samples: [ProcessTreeSample] = []
        for _ in 0..<5 { samples.append(monitor.sample()) }
        #expect(samples.allSatisfy { $0.pids == [child.pid] })
        #expect(child.waitForExit(timeout: .seconds(5))?.code == 0)
        // Reaped: the kept-open schedstat fails, so the sample is a real one, without the root.
        let after = monitor.sample()
        #expect(after.processCount == 0)
        #expect(after.cpuTime >= samples.last!.cpuTime)
    }

    @Test func withoutSchedstatEveryProcessIsReadEachSample() throws {
        let proc = try FakeProc()
        try proc.process(root, ppid: 1, utime: 10, startTime: 5)
        let monitor = ProcessTreeMonitor(pid: root, procRoot: proc.path)
        try proc.process(root, ppid: 1, utime: 20, startTime: 5)
        #expect(monitor.sample().user == ProcFixtures.ticks(20))
    }

    @Test(arguments: [
        ("123456789 42 17\n", (UInt64(123_456_789), UInt64(17))),
        ("0 0 0\n", (UInt64(0), UInt64(0))),
    ])
    func parsesSchedstat(_ text: String, _ expected: (UInt64, UInt64)) {
        let parsed = Array(text.utf8).withUnsafeBufferPointer { ProcessTreeMonitor.parseSchedstat($0) }
        #expect(parsed?.runtime == expected.0)
        #expect(parsed?.timeslices == expected.1)
    }

    @Test(arguments: ["", "1 2\n", "1 x 3\n", "99999999999999999999 1 1\n"])
    func rejectsMalformedSchedstat(_ text: String) {
        #expect(Array(text.utf8).withUnsafeBufferPointer { ProcessTreeMonitor.parseSchedstat($0) } == nil)
    }
}
