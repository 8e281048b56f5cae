import CGreenlightShims

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ProcessTreeMonitor {
    /// The shortcut for a command that waits (a server, a `sleep`): the last sample, taken when the tree was the
    /// root alone, stands while the root's CPU clock has not moved. A value type that decides; the monitor reads
    /// the clock.
    struct IdleRoot {
        /// The last sample, taken when the tree was the root alone.
        var sample: ProcessTreeSample?
        /// The root's CPU clock (or, on fixture trees, its schedstat runtime and timeslices) read before that sample.
        var clock: RunClock?
        /// /proc/ROOT/schedstat, kept open for ``idleRootSample(fullRefresh:)``; -2 until opened, -1 if it cannot be.
        var schedstat: Int32 = -2
        /// The root's CPU clock read at the start of the current sample (CPU-clock mode only).
        var clockNow: RunClock?

        /// Whether the root, alone at the last sample, has not run since: its clock `now` is the one read then.
        func stands(now: RunClock) -> Bool {
            guard let clock else { return false }
            return now == clock
        }

        /// Keeps `result` as the idle root's sample when the tree was the root alone, else forgets the last one.
        ///
        /// - Parameters:
        ///   - alone: The tree was the root alone, with one thread or a clock that covers all of them, no zombie
        ///     and no adopted orphan.
        ///   - rootClock: The root's clock read before the sample.
        mutating func note(_ result: ProcessTreeSample, alone: Bool, rootClock: RunClock?) {
            if alone, let rootClock {
                sample = result
                clock = rootClock
            } else {
                sample = nil
                clock = nil
            }
        }
    }

    /// The root's time on CPU now: its process CPU clock, or on fixture trees its schedstat (runtime and timeslices).
    func rootRunClock() -> RunClock? {
        if let clock = rootCPUClock {
            var now = timespec()
            guard clock_gettime(clock, &now) == 0 else { return nil }
            return RunClock(runtime: UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec), timeslices: 0)
        }
        if idle.schedstat == -2 { idle.schedstat = open("\(procRoot)/\(rootPID)/schedstat", O_RDONLY | O_CLOEXEC) }
        guard idle.schedstat >= 0 else { return nil }
        let fd = idle.schedstat
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { buffer -> RunClock? in
            let n = pread(fd, buffer.baseAddress, buffer.count, 0)
            guard n > 0 else { return nil }
            return Self.parseSchedstat(UnsafeBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// The cheapest sample, for a command that waits (a server, a `sleep`): when the last sample found the root
    /// alone and its CPU clock has not moved since, the root has not run, so it forked nothing, reaped nothing and
    /// used no CPU: the last sample stands, for one `clock_gettime` and no bookkeeping. The process CPU clock
    /// covers every thread, so this holds for a multi-threaded root too; the schedstat fallback (the main
    /// thread only) requires a single-threaded root. (A reaped root has no clock, and a reused pid would have
    /// to show the same nanosecond count; full refreshes still come every ``refreshEvery`` samples.)
    func idleRootSample(fullRefresh: Bool) -> ProcessTreeSample? {
        guard !fullRefresh, rootIdleSinceLastSample() else { return nil }
        return idle.sample
    }

    /// Whether the last sample found the root alone and it has not run since (one clock read; see
    /// ``idleRootSample(fullRefresh:)``). Called with the lock held.
    func rootIdleSinceLastSample() -> Bool {
        guard !orphans.scanDue, orphans.adopted.isEmpty, idle.clock != nil, child?.hasExited != true,
            let clock = rootRunClock()
        else { return false }
        return idle.stands(now: clock)
    }

    /// Records the sample just taken for the idle-root shortcut, or clears it when the tree was more than the root.
    func noteIdleRoot(_ result: ProcessTreeSample, sawZombie: Bool, rootClock: RunClock?) {
        let alone = result.pids.count == 1 && result.pids[0] == rootPID
            && (result.threads == 1 || rootCPUClock != nil) && !sawZombie && orphans.adopted.isEmpty
        idle.note(result, alone: alone, rootClock: rootClock)
    }
}
