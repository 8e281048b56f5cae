import Foundation
import GreenlightCore
import GreenlightMeter
import Testing

@Suite("Spawning commands")
struct SpawnTests {
    @Test(arguments: [0, 3, 255] as [Int32])
    func exitCodePropagates(_ code: Int32) throws {
        let child = try ProcessTestKit.spawnQuietly(["/bin/sh", "-c", "exit \(code)"])
        let exit = try #require(child.waitForExit(timeout: .seconds(5)))
        #expect(exit == ExitInfo(status: .exited, code: code))
        #expect(exit.shellExitCode == code)
        #expect(child.exitInfo == exit)
    }

    @Test func signalDeathIsReported() throws {
        let child = try ProcessTestKit.spawnQuietly(["/bin/sh", "-c", "kill -9 $$"])
        let exit = try #require(child.waitForExit(timeout: .seconds(5)))
        #expect(exit.status == .signaled)
        #expect(exit.signal == 9)
        #expect(exit.code == nil)
        #expect(!exit.coreDumped)
        #expect(exit.shellExitCode == 137)
    }

    @Test func commandNotFoundIs127() {
        let name = "greenlight-no-such-command-\(UInt32.random(in: 0...UInt32.max))"
        #expect {
            try ProcessTestKit.spawnQuietly([name, "arg"])
        } throws: { error in
            let spawn = error as? SpawnError
            return spawn?.exitCode == 127 && spawn?.message == "greenlight: command not found: \(name)"
                && spawn?.errorNumber == ENOENT
        }
    }

    @Test func missingPathIs127() {
        #expect {
            try ProcessTestKit.spawnQuietly(["/nonexistent/dir/tool"])
        } throws: { error in
            (error as? SpawnError)?.exitCode == 127
        }
    }

    @Test func nonExecutableFileIs126() throws {
        let path = try ProcessTestKit.temporaryFile("#!/bin/sh\nexit 0\n", mode: 0o644)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try ProcessTestKit.spawnQuietly([path])
        } throws: { error in
            let spawn = error as? SpawnError
            return spawn?.exitCode == 126 && spawn?.message.hasPrefix("greenlight: permission denied: ") == true
        }
    }

    @Test func unknownExecutableFormatIs126() throws {
        let path = try ProcessTestKit.temporaryFile("this is not a program\n", mode: 0o755)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            try ProcessTestKit.spawnQuietly([path])
        } throws: { error in
            (error as? SpawnError)?.exitCode == 126 && (error as? SpawnError)?.errorNumber == ENOEXEC
        }
    }

    @Test func emptyCommandIsRejected() {
        #expect(throws: SpawnError.self) { try ProcessTestKit.spawnQuietly([]) }
        #expect(throws: SpawnError.self) { try ProcessTestKit.spawnQuietly([""]) }
    }

    @Test func waitTimesOutThenSeesTheSignal() throws {
        let child = try ProcessTestKit.spawnQuietly(["/bin/sleep", "5"])
        let clock = ContinuousClock()
        let start = clock.now
        #expect(child.waitForExit(timeout: .milliseconds(50)) == nil)
        let waited = clock.now - start
        #expect(waited >= .milliseconds(45))
        #expect(waited < .milliseconds(1000))
        #expect(child.waitForExit(timeout: .zero) == nil)
        #expect(child.exitInfo == nil)
        child.sendSignal(SIGKILL)
        let exit = try #require(child.waitForExit(timeout: .seconds(5)))
        #expect(exit.status == .signaled && exit.signal == SIGKILL)
        child.sendSignal(SIGKILL)  // after reaping: a no-op, never a stray kill
    }

    @Test func waitReturnsPromptlyOnExit() throws {
        let child = try ProcessTestKit.spawnQuietly(["/bin/sh", "-c", "sleep 0.2"])
        let clock = ContinuousClock()
        let start = clock.now
        let exit = child.waitForExit(timeout: .seconds(10))
        let waited = clock.now - start
        #expect(exit?.code == 0)
        // Woken by the reaper, not by the 10 s timeout (sleep's own start-up is the slack).
        #expect(waited < .milliseconds(1500))
        // Once known, later waits return at once.
        let again = clock.now
        #expect(child.waitForExit(timeout: .seconds(10)) == exit)
        #expect(child.waitForExit(timeout: nil) == exit)
        #expect(clock.now - again < .milliseconds(10))
    }

    @Test func exitWakesWaiterWithinMilliseconds() throws {
        // Kill the child and time how soon the waiter wakes (microseconds when idle; slack for a loaded CI).
        let child = try ProcessTestKit.spawnQuietly(["/bin/sleep", "5"])
        let clock = ContinuousClock()
        #expect(child.waitForExit(timeout: .milliseconds(30)) == nil)
        let killedAt = clock.now
        child.sendSignal(SIGTERM)
        let exit = child.waitForExit(timeout: .seconds(5))
        #expect(exit?.signal == SIGTERM)
        #expect(clock.now - killedAt < .milliseconds(250))
    }

    @Test func environmentIsReplacedWhenGiven() throws {
        let child = try ProcessTestKit.spawnQuietly(
            ["/bin/sh", "-c", #"[ "$GREENLIGHT_TEST" = "yes" ] && [ -z "$HOME" ]"#],
            environment: ["GREENLIGHT_TEST": "yes"])
        #expect(child.waitForExit(timeout: .seconds(5))?.code == 0)
    }

    @Test func environmentIsInheritedByDefault() throws {
        setenv("GREENLIGHT_SPAWN_INHERIT", "1", 1)
        let child = try ProcessTestKit.spawnQuietly(["/bin/sh", "-c", #"[ "$GREENLIGHT_SPAWN_INHERIT" = "1" ]"#])
        #expect(child.waitForExit(timeout: .seconds(5))?.code == 0)
    }

    @Test func blockedSignalsDoNotLeakIntoTheChild() throws {
        // Block SIGUSR1 in this thread only; the child must still start with an empty mask.
        var block = sigset_t()
        sigemptyset(&block)
        sigaddset(&block, SIGUSR1)
        var old = sigset_t()
        pthread_sigmask(SIG_BLOCK, &block, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        // grep reads its own status (a shell would block signals around its own forks).
        let child = try ProcessTestKit.spawnQuietly(["grep", "-q", "^SigBlk:[[:space:]]*0*$", "/proc/self/status"])
        #expect(child.waitForExit(timeout: .seconds(5))?.code == 0)
    }

    @Test func reapedCPUIncludesTheCommandAndItsChildren() throws {
        let child = try ProcessTestKit.spawnQuietly(["/bin/sh", "-c", "( \(ProcessTestKit.busyLoop) ); true"])
        #expect(child.reapedCPU.user == .zero)
        #expect(child.waitForExit(timeout: .seconds(10))?.code == 0)
        let reaped = child.reapedCPU
        #expect(reaped.user + reaped.system > .milliseconds(100))
    }

    @Test func exitStatusDecoding() {
        #expect(ExitInfo(waitStatus: 3 << 8) == ExitInfo(status: .exited, code: 3))
        #expect(ExitInfo(waitStatus: 9) == ExitInfo(status: .signaled, signal: 9))
        #expect(ExitInfo(waitStatus: 11 | 0x80) == ExitInfo(status: .signaled, signal: 11, coreDumped: true))
    }
}
