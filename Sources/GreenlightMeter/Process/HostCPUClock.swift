import Foundation

/// Host CPU busy and total time, from the cheapest file that has them.
///
/// /proc/uptime gives wall time and idle time summed over CPUs in two short numbers; busy = CPUs × wall − idle.
/// /proc/stat has the same information per state, but the kernel formats the whole file (every CPU and every
/// interrupt counter) on each read, several times the cost of the rest of a sample. /proc/stat is the
/// fallback when /proc/uptime cannot be read. (Both count iowait as not busy; /proc/uptime counts steal as busy.)
struct HostCPUClock {
    let procRoot: String
    let cpus: Double
    private let files: ProcFileCache
    private var useUptime = false

    init(procRoot: String) {
        self.procRoot = procRoot
        files = ProcFileCache(procRoot: procRoot)
        cpus = Double(max(sysconf(Int32(_SC_NPROCESSORS_ONLN)), 1))
        useUptime = uptime() != nil
    }

    func read() -> HostCPUTimes? {
        if useUptime, let (up, idle) = uptime() {
            let total = up * cpus
            return HostCPUTimes(busy: .seconds(max(total - idle, 0)), total: .seconds(total))
        }
        return try? HostCPUTimes.read(procRoot: procRoot)
    }

    /// The two numbers of /proc/uptime ("12345.67 23456.78\n"), parsed in place.
    private func uptime() -> (Double, Double)? {
        files.withContents(.host("uptime")) { bytes -> (Double, Double)? in
            var i = 0
            guard let up = Self.decimal(bytes, &i), let idle = Self.decimal(bytes, &i) else { return nil }
            return (up, idle)
        } ?? nil
    }

    /// A non-negative decimal number ("123.45") starting at or after `i` (leading spaces skipped); advances `i`.
    static func decimal(_ bytes: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Double? {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A { i += 1 }
        var whole: UInt64 = 0
        var fraction: UInt64 = 0
        var scale: UInt64 = 1
        var digits = 0
        var inFraction = false
        while i < bytes.count, digits < 19 {
            let c = bytes[i]
            if c == UInt8(ascii: "."), !inFraction {
                inFraction = true
            } else if c >= 0x30, c <= 0x39 {
                if inFraction {
                    fraction = fraction * 10 + UInt64(c - 0x30)
                    scale *= 10
                } else {
                    whole = whole * 10 + UInt64(c - 0x30)
                }
                digits += 1
            } else {
                break
            }
            i += 1
        }
        guard digits > 0, i == bytes.count || bytes[i] == 0x20 || bytes[i] == 0x0A else { return nil }
        return Double(whole) + Double(fraction) / Double(scale)
    }
}
