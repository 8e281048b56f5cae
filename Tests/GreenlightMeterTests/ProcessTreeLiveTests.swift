import Foundation
import GreenlightCore
import GreenlightMeter
import Testing

@Suite("Process tree of real children")
struct ProcessTreeLiveTests {
    @Test func busyWorkersAreCounted() throws {
        let script = "for w in 1 2; do ( \(ProcessTestKit.busyLoop) ) & done; wait"
        let child = try ChildProcess.spawn(["/bin/sh", "-c", script], forwardSignals: false, becomeSubreaper: false)
        let monitor = ProcessTreeMonitor(root: child)
        let (samples, exit) = ProcessTestKit.sampleUntilExit(child, monitor)
        #expect(exit == ExitInfo(status: .exited, code: 0))

        // Cumulative and monotonic.
        for (a, b) in zip(samples, samples.dropFirst()) {
            #expect(b.cpuTime >= a.cpuTime)
            #expect(b.user >= a.user)
            #expect(b.system >= a.system)
        }
        #expect(samples.map(\.processCount).max()! >= 2)
        #expect(monitor.processesSeen >= 3)  // sh and its two subshells

        // wait4's rusage of the root includes the workers it waited for; the final sample holds
        // exactly that, and no earlier sample exceeded it by more than a tick per process.
        let reaped = child.reapedCPU
        let rootTotal = reaped.user + reaped.system
        #expect(rootTotal > .milliseconds(150))  // two workers of ~0.2 s each, generously low
        let last = try #require(samples.last)
        #expect(last.cpuTime >= rootTotal)
        #expect(last.cpuTime <= rootTotal + .milliseconds(50))
        #expect(last.processCount == 0)
        let peak = samples.map(\.cpuTime).max()!
        #expect(peak <= rootTotal + .milliseconds(50))
    }

    @Test func liveSamplesSeeWorkersBeforeTheyExit() throws {
        let script = "( \(ProcessTestKit.busyLoop) ) & ( \(ProcessTestKit.busyLoop) ) & wait"
        let child = try ChildProcess.spawn(["/bin/sh", "-c", script], forwardSignals: false, becomeSubreaper: false)
        let monitor = ProcessTreeMonitor(root: child)
        let (samples, _) = ProcessTestKit.sampleUntilExit(child, monitor)
        let busiest = try #require(samples.max { $0.processCount < $1.processCount })
        #expect(busiest.processCount == 3)
        #expect(busiest.pids.first == child.pid)
        #expect(busiest.threads >= 3)
        #expect(busiest.rssBytes > 0)
        // While running, the live workers' own times are visible before any wait4.
        #expect(samples.contains { $0.cpuTime > .zero && $0.processCount == 3 })
    }

    @Test func shortLivedChildrenAreCountedThroughCutime() throws {
        // Each worker lives well under one sampling interval.
        let script = "for w in 1 2 3 4; do ( i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done ); done; sleep 0.3"
        let child = try ChildProcess.spawn(["/bin/sh", "-c", script], forwardSignals: false, becomeSubreaper: false)
        let monitor = ProcessTreeMonitor(root: child)
        var before: ProcessTreeSample?
        while child.waitForExit(timeout: .milliseconds(20)) == nil {
            let sample = monitor.sample()
            // The workers are done once the shell sleeps: their time must show while it still lives.
            if sample.pids.count == 2 { before = sample }
        }
        let sleeping = try #require(before)
        #expect(sleeping.cpuTime > .milliseconds(50))
    }

    @Test func orphanIsAdoptedAndCounted() throws {
        // The subshell outlives the root: it re-parents to us (subreaper) and keeps burning CPU.
        let script = "( sleep 0.3; \(ProcessTestKit.busyLoop) ) & sleep 0.1; exit 0"
        let child = try ChildProcess.spawn(["/bin/sh", "-c", script], forwardSignals: false, becomeSubreaper: true)
        let monitor = ProcessTreeMonitor(root: child)
        let (_, exit) = ProcessTestKit.sampleUntilExit(child, monitor)
        #expect(exit?.code == 0)
        let rootOnly = child.reapedCPU

        // Follow the orphan until it is gone.
        var orphanSample: ProcessTreeSample?
        var last = monitor.sample()
        let deadline = ContinuousClock.now + .seconds(5)
        while last.processCount > 0, ContinuousClock.now < deadline {
            if orphanSample == nil, let pid = last.pids.first {
                orphanSample = last
                #expect(ProcessTestKit.parentPID(of: pid) == getpid())
            }
            Thread.sleep(forTimeInterval: 0.02)
            last = monitor.sample()
        }
        #expect(orphanSample != nil)
        #expect(last.processCount == 0)
        // The orphan was reaped by the monitor and its busy loop added to the tree's time.
        let reaped = child.reapedCPU
        let orphanCPU = (reaped.user + reaped.system) - (rootOnly.user + rootOnly.system)
        #expect(orphanCPU > .milliseconds(100))
        #expect(last.cpuTime == reaped.user + reaped.system)
        #expect(monitor.processesSeen >= 2)
    }

    @Test func inProcessMonitorCountsOwnThreads() {
        let monitor = ProcessTreeMonitor(pid: getpid())
        let before = monitor.sample()
        #expect(before.pids.first == getpid())
        #expect(before.threads >= 1)
        #expect(before.rssBytes > 0)
        ProcessTestKit.burnThreadCPU(.milliseconds(150))
        let after = monitor.sample()
        // Other tests run in this process too, so only a lower bound holds.
        #expect(after.cpuTime - before.cpuTime >= .milliseconds(100))
    }
}
