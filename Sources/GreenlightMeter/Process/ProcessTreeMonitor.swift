import Foundation

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

    // Everything below is guarded by `lock`; sample() may be called from any thread.
    private let lock = NSLock()
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
        _ = sample()
    }

    /// Distinct processes (pid and start time) seen in the tree so far, by any sample.
    ///
    /// Processes that lived and died between two samples are not seen, though their CPU time is counted.
    public var processesSeen: Int {
        lock.withLock { seenCount }
    }

    /// Reads the tree now.
    ///
    /// Cost: one stat read and one children read per live process (one per thread for
    /// multi-threaded processes), plus the children files of this process's threads for orphans.
    ///
    /// - Returns: Cumulative CPU times and the current memory, threads and members of the tree.
    public func sample() -> ProcessTreeSample {
        lock.withLock { takeSample() }
    }

    private func takeSample() -> ProcessTreeSample {
        generation += 1
        scan = nil
        defer {
            scan = nil
            files.sweep()
        }

        // Orphans first: reaping a zombie moves its time into the reaped total read just after.
        let orphans = rootPID == ownPID ? [] : adoptedOrphans()
        let reaped = child?.reapedSnapshot() ?? (user: .zero, system: .zero, rootReaped: false)

        var stack: [Int32] = orphans.reversed()
        if !reaped.rootReaped { stack.append(rootPID) }
        var visited = Set<Int32>()
        var pids: [Int32] = []
        var userTicks: UInt64 = 0
        var systemTicks: UInt64 = 0
        var rssPages: UInt64 = 0
        var threads = 0

        // Depth-first, parent before children (see the type's discussion of races).
        while let pid = stack.popLast() {
            guard visited.insert(pid).inserted, let stat = readStat(pid) else { continue }
            record(stat)
            pids.append(pid)
            userTicks &+= stat.totalUserTicks
            systemTicks &+= stat.totalSystemTicks
            rssPages &+= stat.rssPages
            threads += stat.threads
            // A zombie's children were re-parented when it exited.
            if !stat.isZombie {
                stack.append(contentsOf: children(of: pid, threads: stat.threads).reversed())
            }
        }

        let user = max(lastUser, ProcFS.duration(ticks: userTicks) + reaped.user)
        let system = max(lastSystem, ProcFS.duration(ticks: systemTicks) + reaped.system)
        lastUser = user
        lastSystem = system
        if generation % 16 == 0 { pruneSeen() }
        let (rss, overflow) = rssPages.multipliedReportingOverflow(by: ProcFS.pageSize)
        return ProcessTreeSample(
            user: user, system: system, rssBytes: overflow ? .max : rss, threads: threads,
            processCount: pids.count, pids: pids)
    }

    /// Descriptors of the stat and children files kept open between samples.
    private let files = ProcFileCache()

    /// Children of this process that belong to the tree; zombies among them are reaped when we own the root.
    private func adoptedOrphans() -> [Int32] {
        var result: [Int32] = []
        let claimAll = adoptUnseenOrphans && child != nil
        // Orphans re-parent to the subreaper's thread-group leader while it lives (the kernel's
        // find_alive_thread starts there), so its children file is enough: no listing of our threads.
        for pid in children(of: ownPID, threads: 1) where pid != rootPID {
            let known = seen[pid]
            guard known != nil || claimAll, let stat = readStat(pid) else { continue }
            if claimAll {
                // Never another spawned command, whatever the pid history.
                if ChildProcess.isSpawnedRoot(pid) { continue }
            } else if known?.startTime != stat.startTime {
                continue  // the pid was reused by an unrelated process
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
            result.append(pid)
        }
        return result
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
    }

    private func readStat(_ pid: Int32) -> ProcStat? {
        if let scan { return scan.stats[pid] }
        guard let bytes = files.read("\(procRoot)/\(pid)/stat", sizeHint: 512) else { return nil }
        return ProcStat.parse(bytes)
    }

    /// The children of `pid`: from the children files of its threads, or from a /proc scan.
    ///
    /// - Parameter threads: The thread count from stat; with one thread only `task/PID` is read.
    private func children(of pid: Int32, threads: Int) -> [Int32] {
        if childrenFiles != false {
            let base = "\(procRoot)/\(pid)/task"
            let tids = threads <= 1 ? [pid] : (ProcFS.numericEntries(base) ?? [])
            var result: [Int32] = []
            var anyRead = false
            for tid in tids {
                if let bytes = files.read("\(base)/\(tid)/children", sizeHint: 256) {
                    anyRead = true
                    result.append(contentsOf: ProcFS.parsePIDList(bytes))
                }
            }
            if anyRead {
                childrenFiles = true
                return result
            }
            // No children file although the task directory exists: CONFIG_PROC_CHILDREN is off.
            if childrenFiles == nil, let tid = tids.first, ProcFS.exists("\(base)/\(tid)") {
                childrenFiles = false
            } else {
                return result
            }
        }
        return scanProc().children[pid] ?? []
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
