import Foundation
import GreenlightCore
import GreenlightMeter
import Testing

/// Which children of this process a monitor claims as orphans of its tree, checked against a fake
/// procfs (so no real child of the test runner can be claimed or reaped by mistake).
@Suite("Process tree orphan selection")
struct ProcessOrphanSelectionTests {
    /// A temporary procfs holding this process, a real spawned root, and made-up processes.
    final class FakeProc {
        let root: URL
        let own = getpid()

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("greenlight-proc-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        var path: String { root.path }

        /// Writes /PID/stat and /PID/task/PID/children (proc(5) field layout).
        func process(_ pid: Int32, ppid: Int32, utime: Int, startTime: Int, children: [Int32] = [], state: String = "S") throws {
            let task = root.appendingPathComponent("\(pid)/task/\(pid)")
            try FileManager.default.createDirectory(at: task, withIntermediateDirectories: true)
            let stat = "\(pid) (fake \(pid)) \(state) \(ppid) 1 1 0 -1 0 0 0 0 0 \(utime) 0 0 0 20 0 1 0 \(startTime) 0 10 0\n"
            try stat.write(to: root.appendingPathComponent("\(pid)/stat"), atomically: false, encoding: .utf8)  // in place, as /proc changes
            try children.map { "\($0) " }.joined().write(to: task.appendingPathComponent("children"), atomically: false, encoding: .utf8)  // in place, as /proc changes
        }

        /// Writes /PID/schedstat: nanoseconds on CPU, nanoseconds waiting, times scheduled in.
        func schedstat(_ pid: Int32, runtime: UInt64, timeslices: UInt64) throws {
            try "\(runtime) 0 \(timeslices)\n".write(
                to: root.appendingPathComponent("\(pid)/schedstat"), atomically: false, encoding: .utf8)  // in place, as /proc changes
        }

        /// This process's children list (one thread is enough).
        func ownChildren(_ pids: [Int32]) throws {
            let task = root.appendingPathComponent("\(own)/task/\(own)")
            try FileManager.default.createDirectory(at: task, withIntermediateDirectories: true)
            try pids.map { "\($0) " }.joined().write(to: task.appendingPathComponent("children"), atomically: false, encoding: .utf8)  // in place, as /proc changes
        }
    }

    // Above any real pid_max, so wait4 on them can only fail.
    let orphan: Int32 = 2_000_000_001
    let stranger: Int32 = 2_000_000_002

    @Test func seenOrphanIsFollowedWhileItsStartTimeMatches() throws {
        let proc = try FakeProc()
        let child = try ProcessTestKit.spawnQuietly(["/bin/sleep", "2"])
        defer {
            child.sendSignal(SIGKILL)
            child.waitForExit(timeout: .seconds(2))
        }
        try proc.process(child.pid, ppid: proc.own, utime: 1, startTime: 100, children: [orphan])
        try proc.process(orphan, ppid: child.pid, utime: 50, startTime: 200)
        try proc.ownChildren([child.pid])
        let monitor = ProcessTreeMonitor(root: child, procRoot: proc.path)
        #expect(monitor.sample().pids == [child.pid, orphan])

        // The orphan's parent is gone from the picture: it is now a child of this process.
        try proc.process(child.pid, ppid: proc.own, utime: 1, startTime: 100)
        try proc.process(orphan, ppid: proc.own, utime: 60, startTime: 200)
        try proc.process(stranger, ppid: proc.own, utime: 999, startTime: 300)
        try proc.ownChildren([child.pid, orphan, stranger])
        let adopted = monitor.sample()
        #expect(adopted.pids == [child.pid, orphan])
        #expect(adopted.user == ProcFixtures.ticks(1 + 60))

        // Same pid, another process (pid reuse): no longer ours; the total stays monotonic.
        try proc.process(orphan, ppid: proc.own, utime: 5, startTime: 999)
        let reused = monitor.sample()
        #expect(reused.pids == [child.pid])
        #expect(reused.user == adopted.user)
        #expect(monitor.processesSeen == 2)
    }

    @Test func adoptUnseenOrphansClaimsEveryChildButSpawnedCommands() throws {
        let proc = try FakeProc()
        let child = try ProcessTestKit.spawnQuietly(["/bin/sleep", "2"])
        let other = try ProcessTestKit.spawnQuietly(["/bin/sleep", "2"])
        defer {
            for c in [child, other] {
                c.sendSignal(SIGKILL)
                c.waitForExit(timeout: .seconds(2))
            }
        }
        try proc.process(child.pid, ppid: proc.own, utime: 1, startTime: 100)
        try proc.process(other.pid, ppid: proc.own, utime: 1, startTime: 100)
        try proc.process(stranger, ppid: proc.own, utime: 7, startTime: 300)
        try proc.ownChildren([child.pid, other.pid, stranger])

        let strict = ProcessTreeMonitor(root: child, procRoot: proc.path)
        #expect(strict.sample().pids == [child.pid])
        let claiming = ProcessTreeMonitor(root: child, procRoot: proc.path, adoptUnseenOrphans: true)
        #expect(claiming.sample().pids == [child.pid, stranger])
    }

    @Test func inProcessMonitorNeverReapsOrClaims() throws {
        let proc = try FakeProc()
        try proc.process(proc.own, ppid: 1, utime: 10, startTime: 50, children: [orphan])
        try proc.process(orphan, ppid: proc.own, utime: 20, startTime: 60, state: "Z")
        let monitor = ProcessTreeMonitor(pid: proc.own, procRoot: proc.path)
        let sample = monitor.sample()
        // The zombie child is counted by its own stat until whoever spawned it reaps it.
        #expect(sample.pids == [proc.own, orphan])
        #expect(sample.user == ProcFixtures.ticks(30))
    }
}
