extension ProcessTreeMonitor {
    /// One scan of /proc, for kernels without `/proc/PID/task/TID/children` (`CONFIG_PROC_CHILDREN` off):
    /// every process's stat, and the children of each parent.
    struct ProcScan {
        var children: [Int32: [Int32]]
        var stats: [Int32: ProcStat]
    }

    /// Visits `pid` from the scan: its stat, its children pushed onto the work stack (none for a zombie).
    func scanVisit(_ pid: Int32, _ scan: ProcScan) -> ProcStat? {
        guard let stat = scan.stats[pid] else { return nil }
        if !stat.isZombie { walk.stack.append(contentsOf: (scan.children[pid] ?? []).reversed()) }
        return stat
    }

    /// Fallback for kernels without children files: every process's stat, grouped by parent (once per sample).
    func scanProc() -> ProcScan {
        if let scan = walk.scan { return scan }
        var children: [Int32: [Int32]] = [:]
        var stats: [Int32: ProcStat] = [:]
        for pid in (ProcFS.numericEntries(procRoot) ?? []).sorted() {
            guard let bytes = ProcFS.readBytes("\(procRoot)/\(pid)/stat", sizeHint: 512),
                let stat = ProcStat.parse(bytes)
            else { continue }
            stats[pid] = stat
            children[stat.ppid, default: []].append(pid)
        }
        let scan = ProcScan(children: children, stats: stats)
        walk.scan = scan
        return scan
    }
}
