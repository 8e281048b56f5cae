import GreenlightCore

/// Cumulative CPU time of the whole host, from the aggregate `cpu` line of /proc/stat.
///
/// The difference of two readings gives host utilisation (`Δbusy / Δtotal`) and the host's busy CPU
/// time, against which a process tree's share is measured.
public struct HostCPUTimes: Sendable, Hashable {
    /// Time all CPUs spent working: user + nice + system + irq + softirq + steal.
    ///
    /// `guest` and `guest_nice` are not added: the kernel already counts them inside user and nice.
    public var busy: Duration
    /// ``busy`` plus idle and iowait: elapsed time × online CPUs, roughly.
    public var total: Duration

    /// Creates a reading.
    public init(busy: Duration, total: Duration) {
        self.busy = busy
        self.total = total
    }

    /// Reads /proc/stat now.
    ///
    /// - Parameter procRoot: Where procfs is mounted (tests point it at fixtures).
    /// - Returns: The cumulative times, converted from clock ticks with `sysconf(_SC_CLK_TCK)`.
    /// - Throws: ``GreenlightError`` when /proc/stat cannot be read or has no `cpu` line.
    public static func read(procRoot: String = "/proc") throws -> HostCPUTimes {
        // The aggregate `cpu` line comes first; the rest (per-CPU lines, the long `intr` line) is not needed.
        guard let bytes = ProcFS.readPrefix("\(procRoot)/stat", limit: 512) else {
            throw GreenlightError.io("cannot read \(procRoot)/stat: host CPU utilisation is unavailable")
        }
        let firstLine = bytes.prefix { $0 != 0x0A }
        guard let times = parse(String(decoding: firstLine, as: UTF8.self)) ?? parse(ProcFS.readString("\(procRoot)/stat", sizeHint: 8192) ?? "") else {
            throw GreenlightError.unsupported("\(procRoot)/stat has no readable aggregate `cpu` line")
        }
        return times
    }

    /// Parses the content of /proc/stat; `nil` when the `cpu` line is missing or malformed.
    package static func parse(_ text: String, ticksPerSecond: Int64 = ProcFS.ticksPerSecond) -> HostCPUTimes? {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.first == "cpu" else { continue }
            // user nice system idle iowait irq softirq steal guest guest_nice; old kernels stop early.
            let values = fields.dropFirst().prefix(8).map { UInt64($0) }
            guard values.count >= 4, !values.contains(nil) else { return nil }
            let v = values.map { $0! } + Array(repeating: 0, count: 8 - values.count)
            let busy = v[0] &+ v[1] &+ v[2] &+ v[5] &+ v[6] &+ v[7]
            let total = busy &+ v[3] &+ v[4]
            return HostCPUTimes(
                busy: ProcFS.duration(ticks: busy, hz: ticksPerSecond),
                total: ProcFS.duration(ticks: total, hz: ticksPerSecond))
        }
        return nil
    }
}
