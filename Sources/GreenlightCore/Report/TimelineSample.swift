/// One line of a `--timeline` file: what the sampler saw over one interval.
///
/// Written as JSON lines (one object per line) so that long runs stream to disk and tools such as `jq`
/// read them line by line.
public struct TimelineSample: Codable, Sendable, Hashable {
    /// Seconds since the start of measurement, at the end of the interval.
    public var t: Double
    /// Length of the interval in seconds.
    public var dt: Double
    /// Host CPU utilisation over the interval (0…1, all logical CPUs), from /proc/uptime (or /proc/stat).
    public var hostCPU: Double
    /// Cumulative CPU seconds of the process tree.
    public var treeCPUSeconds: Double
    /// The tree's share of the host's busy CPU time over the interval (0…1).
    public var treeShare: Double
    /// Resident memory of the tree at the sample.
    public var rssBytes: UInt64
    /// Threads in the tree at the sample.
    public var threads: Int
    /// Processes in the tree at the sample.
    public var processes: Int
    /// Mean power of each component over the interval, by component name.
    public var watts: [String: Double]
    /// Cumulative energy of each component since the start, by component name.
    public var joules: [String: Double]

    /// Creates a sample.
    public init(
        t: Double, dt: Double, hostCPU: Double, treeCPUSeconds: Double, treeShare: Double, rssBytes: UInt64,
        threads: Int, processes: Int, watts: [String: Double], joules: [String: Double]
    ) {
        self.t = t
        self.dt = dt
        self.hostCPU = hostCPU
        self.treeCPUSeconds = treeCPUSeconds
        self.treeShare = treeShare
        self.rssBytes = rssBytes
        self.threads = threads
        self.processes = processes
        self.watts = watts
        self.joules = joules
    }
}
