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
    let rootPID: Int32
    let child: ChildProcess?
    let procRoot: String
    let ownPID: Int32
    let adoptUnseenOrphans: Bool
    /// Descriptors of the stat, schedstat and children files kept open between samples.
    let files: ProcFileCache

    // Everything below is guarded by `lock`; sample() may be called from any thread. (A Mutex rather than NSLock:
    // its code is inlined here, and after a sampler's wake-up every other library's code is cold.)
    private let lock = Mutex(())
    /// What the samples have counted: processes seen, the monotonic CPU totals, the last tree's shape.
    var tally = Tally()
    /// The walk's work lists, the per-process cache and what the kernel offers.
    var walk = Walk()
    /// Orphans re-parented to this process and followed as members of the tree.
    var orphans = Orphans()
    /// The shortcut for a root alone and idle (see ``idleRootSample(fullRefresh:)``).
    var idle = IdleRoot()
    /// The root's process CPU clock (`clock_getcpuclockid`): all its threads' time on CPU, in nanoseconds, for the
    /// price of one `clock_gettime`. `nil` on fixture trees (`procRoot` other than /proc) and where unavailable,
    /// which use /proc/ROOT/schedstat instead.
    lazy var rootCPUClock: clockid_t? = {
        guard procRoot == "/proc" else { return nil }
        var clock = clockid_t()
        return greenlight_process_cpu_clock(rootPID, &clock) == 0 ? clock : nil
    }()

    /// Every this many samples, every process is read afresh whatever its schedstat says and the orphan list
    /// is re-read (catching the rare changes no trigger sees, e.g. a sibling added with CLONE_PARENT).
    static let refreshEvery = 10

    /// A process's time on CPU as a clock that tells whether it ran: nanoseconds on CPU and times scheduled in
    /// (from /proc/PID/schedstat), or the process CPU clock's nanoseconds with `timeslices` 0.
    struct RunClock: Equatable {
        var runtime: UInt64
        var timeslices: UInt64
    }

    struct SeenEntry {
        var startTime: UInt64
        var generation: Int
    }

    struct Tally {
        var seen: [Int32: SeenEntry] = [:]
        var seenCount = 0
        var generation = 0
        var lastUser: Duration = .zero
        var lastSystem: Duration = .zero
        /// A hash of the last tree's members (pid and start time) and their number: a change means one exited.
        var lastSignature: UInt64 = 0
        var lastCount = 0
    }

    /// What the last full read of a process found, reused while the process has not run since.
    struct Cached {
        var runtime: UInt64
        var timeslices: UInt64
        var stat: ProcStat
        var children: [Int32]
        var generation: Int
        /// Its CPU ticks moved between the last two full reads: it is likely to have run again, so the next sample
        /// reads it in full without asking schedstat first.
        var busy = false
    }

    /// Work lists reused by every sample, so that a steady tree costs no allocation but the result's pid list.
    struct Walk {
        var stack: [Int32] = []
        var visited = Set<Int32>()
        var cache: [Int32: Cached] = [:]
        /// Whether /proc/PID/task/TID/children exists; `nil` until a live process tells.
        var childrenFiles: Bool?
        /// Whether /proc/PID/schedstat can be read (`CONFIG_SCHED_INFO`); `nil` until tried.
        var schedstatFiles: Bool?
        /// Per-sample /proc scan used when the children files are missing.
        var scan: ProcScan?
    }

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
        if idle.schedstat >= 0 { close(idle.schedstat) }
    }

    /// Distinct processes (pid and start time) seen in the tree so far, by any sample.
    ///
    /// Processes that lived and died between two samples are not seen, though their CPU time is counted.
    public var processesSeen: Int {
        lock.withLock { _ in tally.seenCount }
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

    /// Whether the last sample still stands without any read but the root's CPU clock: the root was alone in the
    /// tree and has not run since. The sampler's idle tick (``MeterSession/tickIfIdle(now:)``) uses it to skip
    /// the sample's bookkeeping; ``sample()`` would return the same figures.
    func lastSampleStands() -> Bool {
        lock.withLock { _ in rootIdleSinceLastSample() }
    }

    private func takeSample(refresh: Bool?) -> ProcessTreeSample {
        tally.generation += 1
        let fullRefresh = refresh ?? (tally.generation % Self.refreshEvery == 1)
        if let same = idleRootSample(fullRefresh: fullRefresh) { return same }
        // Read before the tree, so that a run of the root during this sample shows as a change at the next one.
        // (The CPU clock also stands in for the root's schedstat below; the schedstat fallback is read here only
        // while the tree may be the root alone.)
        let rootClock = rootCPUClock != nil || tally.lastCount <= 1 ? rootRunClock() : nil
        idle.clockNow = rootCPUClock != nil ? rootClock : nil
        walk.scan = nil
        defer {
            walk.scan = nil
            // Files skipped by the schedstat shortcut are read again at the next full refresh: keep them open.
            files.sweep(keepingUnusedFor: UInt32(Self.refreshEvery) + 1)
        }

        // Orphans first: reaping a zombie moves its time into the reaped total read just after.
        let scanNow = pushStartingPoints(fullRefresh: fullRefresh)
        let reaped = child?.reapedSnapshot() ?? (user: .zero, system: .zero, rootReaped: false)
        walk.stack.reverse()
        if !reaped.rootReaped { walk.stack.append(rootPID) }
        let totals = walkTree(fullRefresh: fullRefresh, scanned: scanNow)
        tally.lastSignature = totals.signature
        tally.lastCount = totals.pids.count

        let user = max(tally.lastUser, ProcFS.duration(ticks: totals.userTicks) + reaped.user)
        let system = max(tally.lastSystem, ProcFS.duration(ticks: totals.systemTicks) + reaped.system)
        tally.lastUser = user
        tally.lastSystem = system
        if tally.generation % 16 == 0 { pruneSeen() }
        let (rss, overflow) = totals.rssPages.multipliedReportingOverflow(by: ProcFS.pageSize)
        let result = ProcessTreeSample(
            user: user, system: system, rssBytes: overflow ? .max : rss, threads: totals.threads,
            processCount: totals.pids.count, pids: totals.pids)
        noteIdleRoot(result, sawZombie: totals.sawZombie, rootClock: rootClock)
        return result
    }

    /// Fills the work stack with the orphans to visit: all of this process's children that belong to the tree when
    /// a scan is due, else the orphans adopted by the last scan that are still the processes seen then.
    ///
    /// - Returns: Whether this process's children were scanned.
    private func pushStartingPoints(fullRefresh: Bool) -> Bool {
        walk.stack.removeAll(keepingCapacity: true)
        let scanNow = rootPID != ownPID && (orphans.scanDue || fullRefresh || child?.hasExited == true)
        if scanNow {
            pushAdoptedOrphans(reap: true)
        } else if rootPID != ownPID {
            // Orphans adopted earlier, while each is still the process we saw (not a reused pid).
            for pid in orphans.adopted {
                if let known = tally.seen[pid], readStat(pid)?.startTime == known.startTime { walk.stack.append(pid) }
            }
        }
        return scanNow
    }

    /// What one walk of the tree adds up.
    private struct Totals {
        var pids: [Int32] = []
        var userTicks: UInt64 = 0
        var systemTicks: UInt64 = 0
        var rssPages: UInt64 = 0
        var threads = 0
        var signature: UInt64 = 0
        var sawZombie = false
    }

    /// Visits everything on the work stack and what it leads to, depth-first, parent before children (see the
    /// type's discussion of races); when a member exited, scans this process's children once more for orphans.
    private func walkTree(fullRefresh: Bool, scanned scannedBefore: Bool) -> Totals {
        walk.visited.removeAll(keepingCapacity: true)
        var totals = Totals()
        var scanned = scannedBefore
        while true {
            while let pid = walk.stack.popLast() {
                guard walk.visited.insert(pid).inserted, let stat = visit(pid, fullRefresh: fullRefresh) else { continue }
                record(stat)
                totals.pids.append(pid)
                totals.userTicks &+= stat.totalUserTicks
                totals.systemTicks &+= stat.totalSystemTicks
                totals.rssPages &+= stat.rssPages
                totals.threads += stat.threads
                totals.signature &+= (UInt64(UInt32(bitPattern: pid)) &* 0x9E37_79B9_7F4A_7C15) ^ stat.startTime
                totals.sawZombie = totals.sawZombie || stat.isZombie
            }
            // A member that exited (a zombie, or gone since the last sample) may have left orphans to this
            // process: look now, so that they are counted in this sample (reaping waits for the next one).
            let changed = totals.sawZombie || totals.signature != tally.lastSignature
                || totals.pids.count != tally.lastCount
            orphans.scanDue = changed
            guard changed, !scanned, rootPID != ownPID else { break }
            scanned = true
            pushAdoptedOrphans(reap: false)
        }
        return totals
    }

    /// Reads one process and pushes its children onto the work stack.
    ///
    /// A single-threaded process whose schedstat (time on CPU and number of times scheduled) has not changed
    /// since the last full read has not run: its CPU times, state and children are as they were, so one small
    /// read replaces the stat and children reads. The root is checked the same way with its process CPU clock
    /// (all threads, one `clock_gettime`) where that clock is available. (Memory reclaim can lower its RSS
    /// meanwhile; the full reads every ``refreshEvery`` samples pick that up.) A process whose ticks moved between
    /// its last two full reads is read in full straight away.
    private func visit(_ pid: Int32, fullRefresh: Bool) -> ProcStat? {
        if let scan = walk.scan { return scanVisit(pid, scan) }
        var clock: RunClock?
        if pid == rootPID, let rootClockNow = idle.clockNow {
            // The root's process CPU clock, read at the start of this sample: covers all its threads.
            clock = rootClockNow
            if !fullRefresh, let cached = walk.cache[pid], !cached.stat.isZombie, cached.runtime == rootClockNow.runtime {
                return reuse(cached, of: pid)
            }
        } else if walk.schedstatFiles != false, fullRefresh || walk.cache[pid]?.busy != true {
            clock = files.withContents(.schedstat(pid)) { Self.parseSchedstat($0) } ?? nil
            if walk.schedstatFiles == nil, clock == nil, ProcFS.exists("\(procRoot)/\(pid)") {
                walk.schedstatFiles = ProcFS.exists("\(procRoot)/\(pid)/schedstat") ? nil : false
            } else if clock != nil {
                walk.schedstatFiles = true
            }
            if !fullRefresh, let clock, let cached = walk.cache[pid], cached.stat.threads == 1, !cached.stat.isZombie,
                cached.runtime == clock.runtime, cached.timeslices == clock.timeslices
            {
                return reuse(cached, of: pid)
            }
        }
        return readInFull(pid, clock: clock)
    }

    /// A process that has not run since its last full read: that read stands.
    private func reuse(_ cached: Cached, of pid: Int32) -> ProcStat {
        walk.cache[pid]?.generation = tally.generation
        walk.stack.append(contentsOf: cached.children.reversed())
        return cached.stat
    }

    /// Reads a process's stat and children and caches them with the clock read before (if any).
    private func readInFull(_ pid: Int32, clock: RunClock?) -> ProcStat? {
        guard let stat = files.withContents(.stat(pid), { ProcStat.parse($0, includeComm: false) }) ?? nil else {
            walk.cache[pid] = nil
            return nil
        }
        var children: [Int32] = []
        // A zombie's children were re-parented when it exited.
        if !stat.isZombie { appendChildren(of: pid, threads: stat.threads, to: &children) }
        walk.stack.append(contentsOf: children.reversed())
        let previous = walk.cache[pid]
        let ran = previous.map { $0.stat.startTime == stat.startTime && $0.stat.ownTicks != stat.ownTicks } ?? false
        if clock != nil || ran {
            // Without a clock (a busy process read straight away) the entry cannot vouch for idleness: runtime
            // .max never matches, so the next quiet sample asks schedstat again and sets the baseline.
            walk.cache[pid] = Cached(
                runtime: clock?.runtime ?? .max, timeslices: clock?.timeslices ?? .max, stat: stat,
                children: children, generation: tally.generation, busy: ran)
        } else {
            walk.cache[pid] = nil
        }
        return stat
    }

    /// Fields 1 and 3 of /proc/PID/schedstat: nanoseconds on CPU and times scheduled in.
    static func parseSchedstat(_ bytes: UnsafeBufferPointer<UInt8>) -> RunClock? {
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
        return RunClock(runtime: values.0, timeslices: values.2)
    }

    func record(_ stat: ProcStat) {
        let generation = tally.generation
        if let entry = tally.seen[stat.pid], entry.startTime == stat.startTime {
            tally.seen[stat.pid]?.generation = generation
        } else {
            tally.seen[stat.pid] = SeenEntry(startTime: stat.startTime, generation: tally.generation)
            tally.seenCount += 1
        }
    }

    /// Forgets processes not seen for a while; only recent ones can still turn up as orphans.
    private func pruneSeen() {
        let horizon = tally.generation - 16
        tally.seen = tally.seen.filter { $0.value.generation >= horizon }
        walk.cache = walk.cache.filter { $0.value.generation >= horizon }
    }

    func readStat(_ pid: Int32) -> ProcStat? {
        if let scan = walk.scan ?? (walk.childrenFiles == false ? scanProc() : nil) { return scan.stats[pid] }
        return files.withContents(.stat(pid)) { ProcStat.parse($0, includeComm: false) } ?? nil
    }

    /// Appends the children of `pid` to `list`: from the children files of its threads, or from a /proc scan.
    ///
    /// - Parameter threads: The thread count from stat; with one thread only `task/PID` is read.
    func appendChildren(of pid: Int32, threads: Int, to list: inout [Int32]) {
        if walk.childrenFiles != false {
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
                walk.childrenFiles = true
                return
            }
            // No children file although the task directory exists: CONFIG_PROC_CHILDREN is off.
            guard walk.childrenFiles == nil, ProcFS.exists("\(procRoot)/\(pid)/task/\(pid)") else { return }
            walk.childrenFiles = false
        }
        list.append(contentsOf: scanProc().children[pid] ?? [])
    }
}
