#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ProcessTreeMonitor {
    /// Orphans followed by the last scan of this process's children, visited again until the next scan.
    struct Orphans {
        var adopted: [Int32] = []
        /// A member exited (or a zombie waits to be reaped): this process's children must be scanned again.
        var scanDue = true
        /// This process's children, read by a scan (reused between scans).
        var ownChildren: [Int32] = []
    }

    /// What to do with one child of this process found by an orphan scan.
    enum OrphanAction: Equatable {
        /// Not of this tree, or a pid reused by an unrelated process.
        case skip
        /// An exited orphan to reap later: the next sample scans again.
        case reapLater
        /// An exited orphan to reap now (its `rusage` joins the root's reaped total).
        case reap
        /// A live orphan of the tree: visit it and follow it until the next scan.
        case follow

        /// Decides, from what is known of a child of this process, what the scan does with it (no I/O).
        ///
        /// - Parameters:
        ///   - stat: Its stat, just read.
        ///   - known: Its start time when an earlier sample saw it in the tree.
        ///   - claimAll: Every child of this process that no ``ChildProcess`` spawned belongs to the tree.
        ///   - isSpawnedRoot: It is the root of another spawned command.
        ///   - reap: Reaping is allowed in this scan.
        ///   - canReap: This monitor owns the root (a ``ChildProcess``) and may reap.
        static func decide(
            stat: ProcStat, known: UInt64?, claimAll: Bool, isSpawnedRoot: @autoclosure () -> Bool, reap: Bool,
            canReap: Bool
        ) -> OrphanAction {
            if claimAll {
                // Never another spawned command, whatever the pid history.
                if isSpawnedRoot() { return .skip }
            } else if known != stat.startTime {
                return .skip  // the pid was reused by an unrelated process
            }
            if stat.isZombie, !reap { return .reapLater }
            if stat.isZombie, canReap { return .reap }
            return .follow
        }
    }

    /// Pushes the children of this process that belong to the tree onto the work stack; zombies among them are
    /// reaped when we own the root and `reap` is set (else left for the next sample, whose scan is then due).
    func pushAdoptedOrphans(reap: Bool) {
        let claimAll = adoptUnseenOrphans && child != nil
        // Orphans re-parent to the subreaper's thread-group leader while it lives (the kernel's
        // find_alive_thread starts there), so its children file is enough: no listing of our threads.
        orphans.ownChildren.removeAll(keepingCapacity: true)
        orphans.adopted.removeAll(keepingCapacity: true)
        appendChildren(of: ownPID, threads: 1, to: &orphans.ownChildren)
        for pid in orphans.ownChildren where pid != rootPID {
            let known = tally.seen[pid]
            guard known != nil || claimAll, let stat = readStat(pid) else { continue }
            let action = OrphanAction.decide(
                stat: stat, known: known?.startTime, claimAll: claimAll,
                isSpawnedRoot: ChildProcess.isSpawnedRoot(pid), reap: reap, canReap: child != nil)
            switch action {
            case .skip:
                continue
            case .reapLater:
                orphans.scanDue = true
                continue
            case .reap:
                if let child, reapOrphan(pid, stat: stat, into: child) { continue }
            case .follow:
                break
            }
            walk.stack.append(pid)
            orphans.adopted.append(pid)
        }
    }

    /// Reaps an exited orphan and adds its `rusage` to the root's reaped total.
    ///
    /// - Returns: Whether it was reaped (else it is followed as a live member until it can be).
    private func reapOrphan(_ pid: Int32, stat: ProcStat, into child: ChildProcess) -> Bool {
        var status: Int32 = 0
        var usage = rusage()
        guard wait4(pid, &status, WNOHANG, &usage) == pid else { return false }
        record(stat)
        child.addReaped(usage)
        return true
    }
}
