import CGreenlightShims
import Foundation
import GreenlightCore
import GreenlightMeter
import Testing

/// These tests signal the test process itself. Handlers are process-wide, so the suite is serialized,
/// and every other test spawns with `forwardSignals: false`.
@Suite("Spawn signal forwarding", .serialized)
struct SpawnSignalForwardingTests {
    /// The handler word of a signal's current disposition (flags differ after a restore: SA_RESTORER).
    private func handler(_ signo: Int32) -> UInt {
        var action = sigaction()
        sigaction(signo, nil, &action)
        return withUnsafeBytes(of: &action.__sigaction_handler) { $0.load(as: UInt.self) }
    }

    /// Waits until a file exists (the child's "trap installed" mark).
    private func waitForFile(_ path: String, limit: Duration = .seconds(2)) -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if FileManager.default.fileExists(atPath: path) { return true }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return false
    }

    private func readyPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("greenlight-ready-\(UUID().uuidString)").path
    }

    private let trapping = #"trap "exit 42" TERM; : > "$1"; while :; do sleep 0.05; done"#

    @Test func sigtermIsForwardedToEveryChildAndWeSurvive() throws {
        let before = handler(SIGTERM)
        let readyA = readyPath()
        let readyB = readyPath()
        defer {
            try? FileManager.default.removeItem(atPath: readyA)
            try? FileManager.default.removeItem(atPath: readyB)
        }
        let a = try ChildProcess.spawn(["/bin/sh", "-c", trapping, "sh", readyA], becomeSubreaper: false)
        let b = try ChildProcess.spawn(["/bin/sh", "-c", trapping, "sh", readyB], becomeSubreaper: false)
        defer {
            for child in [a, b] where child.exitInfo == nil {
                child.sendSignal(SIGKILL)
                child.waitForExit(timeout: .seconds(2))
            }
        }
        try #require(waitForFile(readyA) && waitForFile(readyB))
        #expect(handler(SIGTERM) != before)

        let forwarded = greenlight_forwarded_count()
        kill(getpid(), SIGTERM)
        #expect(a.waitForExit(timeout: .seconds(2)) == ExitInfo(status: .exited, code: 42))
        #expect(b.waitForExit(timeout: .seconds(2)) == ExitInfo(status: .exited, code: 42))
        #expect(greenlight_forwarded_count() == forwarded + 1)

        // Both children reaped: the previous disposition is back.
        #expect(handler(SIGTERM) == before)
    }

    @Test func sigusr1ReachesTheChildNotUs() throws {
        let before = handler(SIGUSR1)
        let child = try ChildProcess.spawn(["/bin/sleep", "5"], becomeSubreaper: false)
        defer {
            if child.exitInfo == nil {
                child.sendSignal(SIGKILL)
                child.waitForExit(timeout: .seconds(2))
            }
        }
        kill(getpid(), SIGUSR1)
        let exit = child.waitForExit(timeout: .seconds(2))
        #expect(exit == ExitInfo(status: .signaled, signal: SIGUSR1))
        #expect(exit?.shellExitCode == 128 + SIGUSR1)
        #expect(handler(SIGUSR1) == before)
    }

    @Test func nothingIsInstalledWithoutForwarding() throws {
        let before = handler(SIGINT)
        let child = try ChildProcess.spawn(["/bin/sleep", "0.05"], forwardSignals: false, becomeSubreaper: false)
        #expect(handler(SIGINT) == before)
        #expect(child.waitForExit(timeout: .seconds(2))?.code == 0)
    }

    @Test func failedSpawnRestoresHandlers() {
        let before = handler(SIGTERM)
        #expect(throws: SpawnError.self) {
            try ChildProcess.spawn(["greenlight-no-such-command"], becomeSubreaper: false)
        }
        #expect(handler(SIGTERM) == before)
    }

    @Test func ignoredSignalsDoNotLeakIntoTheChild() throws {
        // Process-wide, hence here in the serialized suite.
        let old = signal(SIGUSR2, SIG_IGN)
        defer { signal(SIGUSR2, old) }
        // SIGUSR2 is bit 11 of SigIgn: the third hex digit from the right must be below 8.
        let child = try ChildProcess.spawn(
            ["grep", "-qE", "^SigIgn:[[:space:]]*[0-9a-f]*[0-7][0-9a-f]{2}$", "/proc/self/status"],
            forwardSignals: false, becomeSubreaper: false)
        #expect(child.waitForExit(timeout: .seconds(5))?.code == 0)
    }

    @Test func terminalGeneratedSignalsAreNotForwarded() {
        let siKernel: Int32 = 0x80
        let siUser: Int32 = 0
        // Ctrl-C: the tty signals the whole foreground group (the child included) with SI_KERNEL.
        #expect(greenlight_should_forward(siKernel, 0) == 0)
        // kill(1), systemd, a job scheduler: forwarded.
        #expect(greenlight_should_forward(siUser, 1234) == 1)
        #expect(greenlight_should_forward(siKernel, 1234) == 1)
    }

    @Test func subreaperFlagIsSet() throws {
        let child = try ChildProcess.spawn(["/bin/sh", "-c", "exit 0"], forwardSignals: false, becomeSubreaper: true)
        #expect(greenlight_is_child_subreaper() == 1)
        #expect(child.waitForExit(timeout: .seconds(2))?.code == 0)
    }
}
