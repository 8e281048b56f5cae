/// One reading of a process tree by ``ProcessTreeMonitor``.
public struct ProcessTreeSample: Sendable, Hashable {
    /// Cumulative user-mode CPU time of the tree: live processes with their waited-for descendants,
    /// plus the processes this library reaped. Never decreases from one sample to the next.
    public var user: Duration
    /// Cumulative kernel-mode CPU time of the tree, counted the same way. Never decreases.
    public var system: Duration
    /// ``user`` plus ``system``: cumulative, monotonic non-decreasing.
    public var cpuTime: Duration
    /// Sum of the resident set sizes of the live processes (shared pages count once per process, as in `ps`).
    public var rssBytes: UInt64
    /// Threads of the live processes.
    public var threads: Int
    /// Live processes in the tree at this sample (zombies included until reaped).
    public var processCount: Int
    /// Their pids, root first.
    public var pids: [Int32]

    /// Creates a sample; ``cpuTime`` is `user + system`.
    public init(user: Duration, system: Duration, rssBytes: UInt64, threads: Int, processCount: Int, pids: [Int32]) {
        self.user = user
        self.system = system
        self.cpuTime = user + system
        self.rssBytes = rssBytes
        self.threads = threads
        self.processCount = processCount
        self.pids = pids
    }
}
