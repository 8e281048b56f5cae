/// The fields of /proc/PID/stat that the process-tree monitor needs (proc(5)).
///
/// Times are in clock ticks (`USER_HZ`), memory in pages, as the kernel writes them.
package struct ProcStat: Sendable, Hashable {
    /// Field 1: the process id.
    package var pid: Int32
    /// Field 2: the command name without its parentheses (may contain spaces and parentheses).
    package var comm: String
    /// Field 3: the state letter: `R`, `S`, `D`, `Z` (zombie), `T`, `t`, `X`, `I`, …
    package var state: UInt8
    /// Field 4: the parent's pid.
    package var ppid: Int32
    /// Field 14: user-mode time of the process (all its threads).
    package var utime: UInt64
    /// Field 15: kernel-mode time of the process.
    package var stime: UInt64
    /// Field 16: user-mode time of its descendants that have been waited for.
    package var cutime: UInt64
    /// Field 17: kernel-mode time of its descendants that have been waited for.
    package var cstime: UInt64
    /// Field 20: number of threads.
    package var threads: Int
    /// Field 22: start time in ticks after boot; with the pid, identifies a process across pid reuse.
    package var startTime: UInt64
    /// Field 24: resident set size in pages (the same counter as the second field of statm).
    package var rssPages: UInt64

    /// Whether the process has exited and waits to be reaped.
    package var isZombie: Bool { state == UInt8(ascii: "Z") }

    /// Own plus waited-for descendants' user time, in ticks.
    package var totalUserTicks: UInt64 { utime &+ cutime }
    /// Own plus waited-for descendants' system time, in ticks.
    package var totalSystemTicks: UInt64 { stime &+ cstime }
    /// Own user plus system time (its threads, not its children), in ticks.
    package var ownTicks: UInt64 { utime &+ stime }

    /// Creates a record (tests and fixtures).
    package init(
        pid: Int32, comm: String, state: UInt8, ppid: Int32, utime: UInt64, stime: UInt64, cutime: UInt64,
        cstime: UInt64, threads: Int, startTime: UInt64, rssPages: UInt64
    ) {
        self.pid = pid
        self.comm = comm
        self.state = state
        self.ppid = ppid
        self.utime = utime
        self.stime = stime
        self.cutime = cutime
        self.cstime = cstime
        self.threads = threads
        self.startTime = startTime
        self.rssPages = rssPages
    }

    /// Parses the content of /proc/PID/stat.
    ///
    /// The command name is written in parentheses and may itself contain spaces and `)`, so the
    /// fields after it are located from the *last* `)`. Returns `nil` for anything malformed
    /// (truncated, non-numeric, missing parentheses) rather than trapping.
    package static func parse(_ bytes: [UInt8]) -> ProcStat? {
        bytes.withUnsafeBufferPointer { parse($0) }
    }

    /// Parses the content of /proc/PID/stat given as text.
    package static func parse(_ text: String) -> ProcStat? {
        parse(Array(text.utf8))
    }

    private static let space = UInt8(ascii: " ")
    private static let newline = UInt8(ascii: "\n")

    /// Parses /proc/PID/stat in place; with `includeComm: false` the command name is left empty, so that the
    /// sampling path allocates nothing.
    package static func parse(_ buffer: UnsafeBufferPointer<UInt8>, includeComm: Bool = true) -> ProcStat? {
        guard let open = buffer.firstIndex(of: UInt8(ascii: "(")),
            let close = buffer.lastIndex(of: UInt8(ascii: ")")), close > open
        else { return nil }

        var pidEnd = open
        while pidEnd > 0, buffer[pidEnd - 1] == space { pidEnd -= 1 }
        guard let pid = ProcFS.parseDecimal(buffer[0..<pidEnd]) else { return nil }

        // Fields 3… after ") ", single-space separated; the line ends with "\n". Keep the ones we need
        // (0-based after the name: 0 state, 1 ppid, 11–14 times, 17 threads, 19 start time, 21 rss).
        var state: UInt8 = 0
        var values = (ppid: Int64(-1), utime: Int64(-1), stime: Int64(-1), cutime: Int64(-1), cstime: Int64(-1),
                      threads: Int64(-1), startTime: Int64(-1), rss: Int64(-1))
        var field = 0
        var i = close + 1
        let end = buffer.count
        while i < end, field < 22 {
            while i < end, buffer[i] == space || buffer[i] == newline { i += 1 }
            let start = i
            while i < end, buffer[i] != space, buffer[i] != newline { i += 1 }
            guard i > start else { break }
            if field == 0 {
                guard i - start == 1 else { return nil }
                state = buffer[start]
            } else if field == 1 || (field >= 11 && field <= 14) || field == 17 || field == 19 || field == 21 {
                guard let value = parseSigned(buffer[start..<i]) else { return nil }
                // Signed fields ("%ld") are never negative in practice; clamp rather than wrap if they are.
                let clamped = max(value, 0)
                switch field {
                case 1: values.ppid = value
                case 11: values.utime = clamped
                case 12: values.stime = clamped
                case 13: values.cutime = clamped
                case 14: values.cstime = clamped
                case 17: values.threads = clamped
                case 19: values.startTime = clamped
                default: values.rss = clamped
                }
            }
            field += 1
        }
        guard field == 22, values.ppid >= 0, values.ppid <= Int64(Int32.max) else { return nil }

        return ProcStat(
            pid: pid, comm: includeComm ? String(decoding: buffer[(open + 1)..<close], as: UTF8.self) : "",
            state: state, ppid: Int32(values.ppid), utime: UInt64(values.utime), stime: UInt64(values.stime),
            cutime: UInt64(values.cutime), cstime: UInt64(values.cstime), threads: Int(values.threads),
            startTime: UInt64(values.startTime), rssPages: UInt64(values.rss))
    }

    /// A decimal with an optional leading `-`, or `nil` when malformed or out of range.
    private static func parseSigned(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
        var rest = digits[...]
        var negative = false
        if rest.first == UInt8(ascii: "-") {
            negative = true
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty, rest.count <= 19 else { return nil }
        var value: Int64 = 0
        for byte in rest {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            let (product, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = product.addingReportingOverflow(Int64(byte - 0x30))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return negative ? -value : value
    }
}
