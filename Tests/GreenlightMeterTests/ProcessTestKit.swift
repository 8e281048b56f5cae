import Foundation
import GreenlightCore
import GreenlightMeter

/// Helpers shared by the process and spawn tests.
enum ProcessTestKit {
    /// A dash/sh loop that burns roughly 0.2 s of CPU.
    static let busyLoop = "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"   // about 0.2 s of CPU here

    /// Samples `monitor` every 20 ms until `child` exits (the last sample follows the exit).
    static func sampleUntilExit(
        _ child: ChildProcess, _ monitor: ProcessTreeMonitor, limit: Duration = .seconds(10)
    ) -> (samples: [ProcessTreeSample], exit: ExitInfo?) {
        var samples: [ProcessTreeSample] = []
        let deadline = ContinuousClock.now + limit
        var exit: ExitInfo?
        while exit == nil, ContinuousClock.now < deadline {
            exit = child.waitForExit(timeout: .milliseconds(20))
            samples.append(monitor.sample())
        }
        return (samples, exit)
    }

    /// Spawns without touching process-wide state (no forwarding, no subreaper), so tests can run in parallel.
    static func spawnQuietly(_ argv: [String], environment: [String: String]? = nil) throws -> ChildProcess {
        try ChildProcess.spawn(argv, environment: environment, forwardSignals: false, becomeSubreaper: false)
    }

    /// A fresh temporary file with `contents` and POSIX `mode`.
    ///
    /// Written through an `O_CLOEXEC` descriptor: a command spawned concurrently by another test
    /// would otherwise inherit the write descriptor and make exec fail with ETXTBSY.
    static func temporaryFile(_ contents: String, mode: mode_t) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("greenlight-spawn-\(UUID().uuidString)").path
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count, fchmod(fd, mode) == 0 else {
            throw CocoaError(.fileWriteUnknown)
        }
        return path
    }

    /// Spins until this thread has used `amount` of CPU (independent of contention from parallel tests).
    static func burnThreadCPU(_ amount: Duration) {
        func threadCPU() -> Duration {
            var ts = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
            return .seconds(Int64(ts.tv_sec)) + .nanoseconds(Int64(ts.tv_nsec))
        }
        let start = threadCPU()
        var x: UInt64 = 1
        while threadCPU() - start < amount {
            for _ in 0..<10_000 { x = x &* 6364136223846793005 &+ 1442695040888963407 }
        }
        precondition(x != 0)
    }

    /// Field 4 of /proc/PID/stat, or nil.
    static func parentPID(of pid: Int32) -> Int32? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }
}

/// The /proc fixtures written by `Fixtures/proc/generate.sh`.
enum ProcFixtures {
    static let root: URL = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/proc")

    static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relative)))
    }

    /// Clock ticks to a duration the way /proc times are converted.
    static func ticks(_ count: Int64) -> Duration {
        let hz = Int64(sysconf(Int32(_SC_CLK_TCK)))
        return .nanoseconds(count * 1_000_000_000 / hz)
    }
}
