import CGreenlightShims
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Follows a process tree through /proc and sums its CPU time, memory and threads.
///
/// **Finding the tree.** Each ``sample()`` walks down from the root through
/// `/proc/PID/task/TID/children` (`CONFIG_PROC_CHILDREN`, every thread of a multi-threaded process),
/// reading only the tree's own files rather than scanning all of /proc. On kernels without those
/// files it falls back to one scan of /proc per sample, grouping processes by parent pid.
///
/// **Orphans.** When a process of the tree exits before its children, they re-parent to the nearest
/// subreaper, which is this process when the root was spawned with `becomeSubreaper`. Each sample
/// also follows children of this process that an earlier sample saw in the tree (pid and start time
/// must match), and, when the root is a ``ChildProcess``, reaps those that have exited with `wait4`
/// and adds their `rusage` to ``ChildProcess/reapedCPU``. An orphan whose parent exits before any
/// sample saw it cannot be told apart from other children of this process and is not followed
/// (unless `adoptUnseenOrphans` says every child of this process belongs to the tree).
///
/// **CPU time.** For each live process: its own `utime + stime` plus `cutime + cstime`, the time of
/// descendants it has waited for (/proc/PID/stat fields 14–17); plus the `rusage` of the processes
/// this library reaped. A process is counted by itself while it lives and by its parent's `cutime`
/// once reaped, so a child that lived and died between two samples is still counted, and nothing is
/// counted twice. Parents are read before their children, so a child reaped during a sample is
/// missed for that one sample rather than counted twice; the next sample finds it in the parent's
/// `cutime`. Figures are cumulative and made monotonic (never below the previous sample) so those
/// transient gaps cannot produce negative deltas.
///
/// **Memory and threads.** Resident set size from stat field 24 (the counter statm reports), summed
/// over live processes, and thread counts from field 20. Processes that vanish between listing and
/// reading are skipped; malformed files are skipped rather than trusted.
///
/// **Measuring this process.** With ``init(pid:procRoot:)`` on `getpid()` the tree is this process
/// (all its threads, the sampler's included) and its children, counted by the same rules; its
/// `cutime` includes every child it has ever waited for, so use differences between samples. That
/// monitor never reaps: children of this process belong to whoever spawned them.
public final class ProcessTreeMonitor: @unchecked Sendable {
    private struct SeenEntry {
        var startTime: UInt64
        var generation: Int
    }

    private let rootPID: Int32
    private let child: ChildProcess?
    private let procRoot: String
    private let ownPID: Int32
    private let adoptUnseenOrphans: Bool

    // Everything below is guarded by `lock`; sample() may be called from any thread. (A Mutex rather than NSLock:
    // its code is inlined here, and after a sampler's wake-up every other library's code is cold.)
    private let lock = Mutex(())
    private var seen: [Int32: SeenEntry] = [:]
    private var seenCount = 0
    private var generation = 0
    private var lastUser: Duration = .zero
    private var lastSystem: Duration = .zero
    /// Whether /proc/PID/task/TID/children exists; `nil` until a live process tells.
    private var childrenFiles: Bool?
    /// Per-sample /proc scan used when the children files are missing.
    private var scan: (children: [Int32: [Int32]], stats: [Int32: ProcStat])?

    /// Follows the tree of a spawned command, including orphans re-parented to this process.
    ///
    /// - Parameters:
    ///   - root: The spawned command; the tree's CPU time includes its ``ChildProcess/reapedCPU``.
    ///   - procRoot: Where procfs is mounted (tests point it at fixtures).
    ///   - adoptUnseenOrphans: Treat every child of this process that no ``ChildProcess`` spawned as
    ///     an orphan of this tree, even one no sample saw, and reap it when it exits. Right for a
    ///     process that spawns nothing else (the `greenlight` CLI); wrong where other code has
    ///     children of its own (a test runner, an app), whose exit statuses it would steal.
    public init(root: ChildProcess, procRoot: String = "/proc", adoptUnseenOrphans: Bool = false) {
        self.rootPID = root.pid
        self.child = root
        self.procRoot = procRoot
        self.ownPID = getpid()
        self.adoptUnseenOrphans = adoptUnseenOrphans
        files = ProcFileCache(procRoot: procRoot)
        // A first walk right away, so that a parent that exits early has had its children seen.
        _ = sample()
    }

    /// Follows the tree rooted at any process, e.g. this one for in-process measurement.
    ///
    /// Children of this process that an earlier sample saw in the tree are followed when they are
    /// orphaned to it, but never reaped.
    ///
    /// - Parameters:
    ///   - pid: The root process.
    ///   - procRoot: Where procfs is mounted (tests point it at fixtures).
    public init(pid: Int32, procRoot: String = "/proc") {
        self.rootPID = pid
        self.child = nil
        self.procRoot = procRoot
        self.ownPID = getpid()
        self.adoptUnseenOrphans = false
        files = ProcFileCache(procRoot: procRoot)
        _ = sample()
    }

    deinit {
        if rootSchedstat >= 0 { close(rootSchedstat) }
    }

    /// Distinct processes (pid and start time) seen in the tree so far, by any sample.
    ///
    /// Processes that lived and died between two samples are not seen, though their CPU time is counted.
    public var processesSeen: Int {
        lock.withLock { _ in seenCount }
    }

    /// Reads the tree now.
    ///
    /// Cost: one stat read and one children read per live process (one per thread for
    /// multi-threaded processes), plus the children files of this process's threads for orphans.
    ///
    /// - Returns: Cumulative CPU times and the current memory, threads and members of the tree.
    public func sample() -> ProcessTreeSample {
        lock.withLock { _ in takeSample(refresh: nil) }
    }

    /// Reads the tree now, with the full re-read of every process forced (`true`) or left out (`false`) rather than
    /// every ``refreshEvery`` samples; a sampler uses it to do all its periodic reads in the same wake-up.
    func sample(refresh: Bool) -> ProcessTreeSample {
        lock.withLock { _ in takeSample(refresh: refresh) }
    }

    private func takeSample(refresh: Bool?) -> ProcessTreeSample {
        generation += 1
        let fullRefresh = refresh ?? (generation % Self.refreshEvery == 1)
        if let same = idleRootSample(fullRefresh: fullRefresh) { return same }
        // Read before the tree, so that a run of the root during this sample shows as a change at the next one.
        // (The CPU clock also stands in for the root's schedstat below; the schedstat fallback is read here only
        // while the tree may be the root alone.)
        let rootClock = rootCPUClock != nil || lastCount <= 1 ? rootRunClock() : nil
        rootClockNow = rootCPUClock != nil ? rootClock : nil
        scan = nil
        defer {
            scan = nil
            // Files skipped by the schedstat shortcut are read again at the next full refresh: keep them open.
            files.sweep(keepingUnusedFor: UInt32(Self.refreshEvery) + 1)
        }

        // Orphans first: reaping a zombie moves its time into the reaped total read just after.
        stack.removeAll(keepingCapacity: true)
        let scanNow = rootPID != ownPID && (orphanScanDue || fullRefresh || child?.hasExited == true)
        if scanNow {
            pushAdoptedOrphans(reap: true)
        } else if rootPID != ownPID {
            // Orphans adopted earlier, while each is still the process we saw (not a reused pid).
            for pid in adopted {
                if let known = seen[pid], readStat(pid)?.startTime == known.startTime { stack.append(pid) }
            }
        }
        let reaped = child?.reapedSnapshot() ?? (user: .zero, system: .zero, rootReaped: false)
        stack.reverse()
        if !reaped.rootReaped { stack.append(rootPID) }
        visited.removeAll(keepingCapacity: true)
        var pids: [Int32] = []
        var userTicks: UInt64 = 0
        var systemTicks: UInt64 = 0
        var rssPages: UInt64 = 0
        var threads = 0
        var signature: UInt64 = 0
        var sawZombie = false

        var scanned = scanNow
        while true {
            // Depth-first, parent before children (see the type's discussion of races).
            while let pid = stack.popLast() {
                guard visited.insert(pid).inserted, let stat = visit(pid, fullRefresh: fullRefresh) else { continue }
                record(stat)
                pids.append(pid)
                userTicks &+= stat.totalUserTicks
                systemTicks &+= stat.totalSystemTicks
                rssPages &+= stat.rssPages
                threads += stat.threads
                signature &+= (UInt64(UInt32(bitPattern: pid)) &* 0x9E37_79B9_7F4A_7C15) ^ stat.startTime
                sawZombie = sawZombie || stat.isZombie
            }
            // A member that exited (a zombie, or gone since the last sample) may have left orphans to this
            // process: look now, so that they are counted in this sample (reaping waits for the next one).
            let changed = sawZombie || signature != lastSignature || pids.count != lastCount
            orphanScanDue = changed
            guard changed, !scanned, rootPID != ownPID else { break }
            scanned = true
            pushAdoptedOrphans(reap: false)
        }
        lastSignature = signature
        lastCount = pids.count

        let user = max(lastUser, ProcFS.duration(ticks: userTicks) + reaped.user)
        let system = max(lastSystem, ProcFS.duration(ticks: systemTicks) + reaped.system)
        lastUser = user
        lastSystem = system
        if generation % 16 == 0 { pruneSeen() }
        let (rss, overflow) = rssPages.multipliedReportingOverflow(by: ProcFS.pageSize)
        let result = ProcessTreeSample(
            user: user, system: system, rssBytes: overflow ? .max : rss, threads: threads,
            processCount: pids.count, pids: pids)
        if pids.count == 1, pids[0] == rootPID, threads == 1 || rootCPUClock != nil, !sawZombie, adopted.isEmpty,
            let rootClock
        {
            idleRoot = result
            idleRootClock = rootClock
        } else {
            idleRoot = nil
            idleRootClock = nil
        }
        return result
    }

    /// The last sample, taken when the tree was the root alone; with the root's CPU clock (or, on fixture trees,
    /// its schedstat runtime and timeslices) read before that sample.
    private var idleRoot: ProcessTreeSample?
    private var idleRootClock: (runtime: UInt64, timeslices: UInt64)?
    /// The root's process CPU clock (`clock_getcpuclockid`): all its threads' time on CPU, in nanoseconds, for the
    /// price of one `clock_gettime`. `nil` on fixture trees (`procRoot` other than /proc) and where unavailable,
    /// which use /proc/ROOT/schedstat instead.
    private lazy var rootCPUClock: clockid_t? = {
        guard procRoot == "/proc" else { return nil }
        var clock = clockid_t()
        return greenlight_process_cpu_clock(rootPID, &clock) == 0 ? clock : nil
    }()
    /// /proc/ROOT/schedstat, kept open for ``idleRootSample(fullRefresh:)``; -2 until opened, -1 if it cannot be.
    private var rootSchedstat: Int32 = -2
    /// The root's CPU clock read at the start of the current sample (CPU-clock mode only).
    private var rootClockNow: (runtime: UInt64, timeslices: UInt64)?

    /// The root's time on CPU now: its process CPU clock, or on fixture trees its schedstat (runtime and timeslices).
    private func rootRunClock() -> (runtime: UInt64, timeslices: UInt64)? {
        if let clock = rootCPUClock {
            var now = timespec()
            guard clock_gettime(clock, &now) == 0 else { return nil }
            return (UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec), 0)
        }
        if rootSchedstat == -2 { rootSchedstat = open("\(procRoot)/\(rootPID)/schedstat", O_RDONLY | O_CLOEXEC) }
        guard rootSchedstat >= 0 else { return nil }
        let fd = rootSchedstat
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { buffer -> (runtime: UInt64, timeslices: UInt64)? in
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
    private func idleRootSample(fullRefresh: Bool) -> ProcessTreeSample? {
        guard !fullRefresh, rootIdleSinceLastSample() else { return nil }
        return idleRoot
    }

    /// Whether the last sample found the root alone and it has not run since (one clock read; see
    /// ``idleRootSample(fullRefresh:)``). Called with the lock held.
    private func rootIdleSinceLastSample() -> Bool {
        guard !orphanScanDue, adopted.isEmpty, let idle = idleRootClock, child?.hasExited != true,
            let clock = rootRunClock()
        else { return false }
        return clock.runtime == idle.runtime && clock.timeslices == idle.timeslices
    }

    /// Whether the last sample still stands without any read but the root's CPU clock: the root was alone in the
    /// tree and has not run since. The sampler's idle tick (``MeterSession/tickIfIdle(now:)``) uses it to skip
    /// the sample's bookkeeping; ``sample()`` would return the same figures.
    func lastSampleStands() -> Bool {
        lock.withLock { _ in rootIdleSinceLastSample() }
    }

    /// Descriptors of the stat, schedstat and children files kept open between samples.
    private let files: ProcFileCache
    /// Work lists reused by every sample, so that a steady tree costs no allocation but the result's pid list.
    private var stack: [Int32] = []
    private var visited = Set<Int32>()
    private var ownChildren: [Int32] = []

    /// Every this many samples, every process is read afresh whatever its schedstat says and the orphan list
    /// is re-read (catching the rare changes no trigger sees, e.g. a sibling added with CLONE_PARENT).
    static let refreshEvery = 10

    /// What the last full read of a process found, reused while the process has not run since.
    private struct Cached {
        var runtime: UInt64
        var timeslices: UInt64
        var stat: ProcStat
        var children: [Int32]
        var generation: Int
        /// Its CPU ticks moved between the last two full reads: it is likely to have run again, so the next sample
        /// reads it in full without asking schedstat first.
        var busy = false
    }
    private var cache: [Int32: Cached] = [:]
    /// Whether /proc/PID/schedstat can be read (`CONFIG_SCHED_INFO`); `nil` until tried.
    private var schedstatFiles: Bool?
    /// Orphans followed by the last scan of this process's children, visited again until the next scan.
    private var adopted: [Int32] = []
    private var orphanScanDue = true
    private var lastSignature: UInt64 = 0
    private var lastCount = 0

    /// Reads one process and pushes its children onto `stack`.
    ///
    /// A single-threaded process whose schedstat (time on CPU and number of times scheduled) has not changed
    /// since the last full read has not run: its CPU times, state and children are as they were, so one small
    /// read replaces the stat and children reads. The root is checked the same way with its process CPU clock
    /// (all threads, one `clock_gettime`) where that clock is available. (Memory reclaim can lower its RSS
    /// meanwhile; the full reads every ``refreshEvery`` samples pick that up.) A process whose ticks moved between
    /// its last two full reads is read in full straight away.
    private func visit(_ pid: Int32, fullRefresh: Bool) -> ProcStat? {
        if let scan { return scanVisit(pid, scan) }
        var clock: (runtime: UInt64, timeslices: UInt64)?
        if pid == rootPID, let rootClockNow {
            // The root's process CPU clock, read at the start of this sample: covers all its threads.
            clock = rootClockNow
            if !fullRefresh, let cached = cache[pid], !cached.stat.isZombie, cached.runtime == rootClockNow.runtime {
                cache[pid]?.generation = generation
                stack.append(contentsOf: cached.children.reversed())
                return cached.stat
            }
        } else if schedstatFiles != false, fullRefresh || cache[pid]?.busy != true {
            clock = files.withContents(.schedstat(pid)) { Self.parseSchedstat($0) } ?? nil
            if schedstatFiles == nil, clock == nil, ProcFS.exists("\(procRoot)/\(pid)") {
                schedstatFiles = ProcFS.exists("\(procRoot)/\(pid)/schedstat") ? nil : false
            } else if clock != nil {
                schedstatFiles = true
            }
            if !fullRefresh, let clock, let cached = cache[pid], cached.stat.threads == 1, !cached.stat.isZombie,
                cached.runtime == clock.runtime, cached.timeslices == clock.timeslices
            {
                cache[pid]?.generation = generation
                stack.append(contentsOf: cached.children.reversed())
                return cached.stat
            }
        }
        guard let stat = files.withContents(.stat(pid), { ProcStat.parse($0, includeComm: false) }) ?? nil else {
            cache[pid] = nil
            return nil
        }
        var children: [Int32] = []
        // A zombie's children were re-parented when it exited.
        if !stat.isZombie { appendChildren(of: pid, threads: stat.threads, to: &children) }
        stack.append(contentsOf: children.reversed())
        let previous = cache[pid]
        let ran = previous.map { $0.stat.startTime == stat.startTime && $0.stat.ownTicks != stat.ownTicks } ?? false
        if clock != nil || ran {
            // Without a clock (a busy process read straight away) the entry cannot vouch for idleness: runtime
            // .max never matches, so the next quiet sample asks schedstat again and sets the baseline.
            cache[pid] = Cached(runtime: clock?.runtime ?? .max, timeslices: clock?.timeslices ?? .max, stat: stat,
                                children: children, generation: generation, busy: ran)
        } else {
            cache[pid] = nil
        }
        return stat
    }

    private func scanVisit(_ pid: Int32, _ scan: (children: [Int32: [Int32]], stats: [Int32: ProcStat])) -> ProcStat? {
        guard let stat = scan.stats[pid] else { return nil }
        if !stat.isZombie { stack.append(contentsOf: (scan.children[pid] ?? []).reversed()) }
        return stat
    }

    /// Fields 1 and 3 of /proc/PID/schedstat: nanoseconds on CPU and times scheduled in.
    static func parseSchedstat(_ bytes: UnsafeBufferPointer<UInt8>) -> (runtime: UInt64, timeslices: UInt64)? {
        var values: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var field = 0
        var digits = 0
        for byte in bytes {
            if byte >= 0x30, byte <= 0x39 {
                guard digits < 19 else { return nil }
                let digit = UInt64(byte - 0x30)
                switch field {
                case 0: values.0 = values.0 &* 10 &+ digit
                case 1: values.1 = values.1 &* 10 &+ digit
                default: values.2 = values.2 &* 10 &+ digit
                }
                digits += 1
            } else if byte == 0x20 || byte == 0x0A {
                if digits > 0 { field += 1 }
                digits = 0
                if field == 3 { break }
            } else {
                return nil
            }
        }
        if digits > 0 { field += 1 }
        guard field == 3 else { return nil }
        return (values.0, values.2)
    }

    /// Pushes the children of this process that belong to the tree onto `stack`; zombies among them are reaped
    /// when we own the root and `reap` is set (else left for the next sample, whose scan is then due).
    private func pushAdoptedOrphans(reap: Bool) {
        let claimAll = adoptUnseenOrphans && child != nil
        // Orphans re-parent to the subreaper's thread-group leader while it lives (the kernel's
        // find_alive_thread starts there), so its children file is enough: no listing of our threads.
        ownChildren.removeAll(keepingCapacity: true)
        adopted.removeAll(keepingCapacity: true)
        appendChildren(of: ownPID, threads: 1, to: &ownChildren)
        for pid in ownChildren where pid != rootPID {
            let known = seen[pid]
            guard known != nil || claimAll, let stat = readStat(pid) else { continue }
            if claimAll {
                // Never another spawned command, whatever the pid history.
                if ChildProcess.isSpawnedRoot(pid) { continue }
            } else if known?.startTime != stat.startTime {
                continue  // the pid was reused by an unrelated process
            }
            if stat.isZombie, !reap {
                orphanScanDue = true
                continue
            }
            if stat.isZombie, let child {
                var status: Int32 = 0
                var usage = rusage()
                if wait4(pid, &status, WNOHANG, &usage) == pid {
                    record(stat)
                    child.addReaped(usage)
                    continue
                }
            }
            stack.append(pid)
            adopted.append(pid)
        }
    }

    private func record(_ stat: ProcStat) {
        if let entry = seen[stat.pid], entry.startTime == stat.startTime {
            seen[stat.pid]?.generation = generation
        } else {
            seen[stat.pid] = SeenEntry(startTime: stat.startTime, generation: generation)
            seenCount += 1
        }
    }

    /// Forgets processes not seen for a while; only recent ones can still turn up as orphans.
    private func pruneSeen() {
        let horizon = generation - 16
        seen = seen.filter { $0.value.generation >= horizon }
        cache = cache.filter { $0.value.generation >= horizon }
    }

    private func readStat(_ pid: Int32) -> ProcStat? {
        if let scan = scan ?? (childrenFiles == false ? scanProc() : nil) { return scan.stats[pid] }
        return files.withContents(.stat(pid)) { ProcStat.parse($0, includeComm: false) } ?? nil
    }

    /// Appends the children of `pid` to `list`: from the children files of its threads, or from a /proc scan.
    ///
    /// - Parameter threads: The thread count from stat; with one thread only `task/PID` is read.
    private func appendChildren(of pid: Int32, threads: Int, to list: inout [Int32]) {
        if childrenFiles != false {
            var anyRead = false
            if threads <= 1 {
                anyRead = files.withContents(.children(pid: pid, tid: pid)) { ProcFS.appendPIDs($0, to: &list) } != nil
            } else {
                for tid in ProcFS.numericEntries("\(procRoot)/\(pid)/task") ?? [] {
                    if files.withContents(.children(pid: pid, tid: tid), { ProcFS.appendPIDs($0, to: &list) }) != nil {
                        anyRead = true
                    }
                }
            }
            if anyRead {
                childrenFiles = true
                return
            }
            // No children file although the task directory exists: CONFIG_PROC_CHILDREN is off.
            guard childrenFiles == nil, ProcFS.exists("\(procRoot)/\(pid)/task/\(pid)") else { return }
            childrenFiles = false
        }
        list.append(contentsOf: scanProc().children[pid] ?? [])
    }

    /// Fallback for kernels without children files: every process's stat, grouped by parent.
    private func scanProc() -> (children: [Int32: [Int32]], stats: [Int32: ProcStat]) {
        if let scan { return scan }
        var children: [Int32: [Int32]] = [:]
        var stats: [Int32: ProcStat] = [:]
        for pid in (ProcFS.numericEntries(procRoot) ?? []).sorted() {
            guard let bytes = ProcFS.readBytes("\(procRoot)/\(pid)/stat", sizeHint: 512),
                let stat = ProcStat.parse(bytes)
            else { continue }
            stats[pid] = stat
            children[stat.ppid, default: []].append(pid)
        }
        scan = (children, stats)
        return (children, stats)
    }
}
