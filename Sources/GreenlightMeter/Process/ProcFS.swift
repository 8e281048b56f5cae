import CGreenlightShims

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Small, allocation-light readers for /proc files, used on the sampling path.
///
/// /proc files report a size of 0, so they are read until end of file. Descriptors are opened with
/// `O_CLOEXEC` so that a command spawned concurrently never inherits them.
enum ProcFS {
    /// The whole content of a file, or `nil` when it cannot be opened or read (e.g. the process is gone).
    static func readBytes(_ path: String, sizeHint: Int = 1024) -> [UInt8]? {
        try? readAll(path, sizeHint: sizeHint).get()
    }

    /// The whole content of a file, or the `errno` of the failed `open` or `read`.
    static func readAll(_ path: String, sizeHint: Int = 1024) -> Result<[UInt8], SysfsReadError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(SysfsReadError(code: errno)) }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: max(sizeHint, 64))
        var count = 0
        while true {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
            let n = bytes.withUnsafeMutableBytes { raw in
                read(fd, raw.baseAddress! + count, raw.count - count)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(SysfsReadError(code: errno))  // ESRCH for a process that died while we read
            }
            if n == 0 { break }
            count += n
        }
        bytes.removeSubrange(count...)
        return .success(bytes)
    }

    /// At most the first `limit` bytes of a file, in one read(2): for files whose useful part is at the top
    /// (/proc/stat's aggregate `cpu` line, /proc/meminfo's first lines), so the rest is never formatted.
    static func readPrefix(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: limit)
        var n: Int
        repeat {
            n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress!, limit) }
        } while n < 0 && errno == EINTR
        guard n >= 0 else { return nil }
        bytes.removeSubrange(n...)
        return bytes
    }

    /// The whole content of a file as UTF-8 text (invalid bytes repaired), or `nil`.
    static func readString(_ path: String, sizeHint: Int = 4096) -> String? {
        readBytes(path, sizeHint: sizeHint).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether a path exists (any file type).
    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// The entries of a directory whose names are decimal numbers (pids, tids), or `nil` when it cannot be opened.
    static func numericEntries(_ path: String) -> [Int32]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var result: [Int32] = []
        while let entry = readdir(dir) {
            let value = withUnsafeBytes(of: &entry.pointee.d_name) { raw -> Int32? in
                parseDecimal(raw.prefix { $0 != 0 })
            }
            if let value { result.append(value) }
        }
        return result
    }

    /// Space- or newline-separated pids, as in /proc/PID/task/TID/children.
    static func parsePIDList(_ bytes: [UInt8]) -> [Int32] {
        var result: [Int32] = []
        bytes.withUnsafeBufferPointer { appendPIDs($0, to: &result) }
        return result
    }

    /// Appends the space- or newline-separated pids of `bytes` to `list` without allocating; malformed
    /// entries are skipped.
    static func appendPIDs(_ bytes: UnsafeBufferPointer<UInt8>, to list: inout [Int32]) {
        var i = 0
        let end = bytes.count
        while i < end {
            while i < end, bytes[i] == 0x20 || bytes[i] == 0x0A { i += 1 }
            let start = i
            while i < end, bytes[i] != 0x20, bytes[i] != 0x0A { i += 1 }
            if i > start, let pid = parseDecimal(bytes[start..<i]) { list.append(pid) }
        }
    }

    /// A non-negative decimal that fits in `Int32`, or `nil`.
    static func parseDecimal(_ digits: some Collection<UInt8>) -> Int32? {
        guard !digits.isEmpty, digits.count <= 10 else { return nil }
        var value: Int64 = 0
        for byte in digits {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        return value <= Int64(Int32.max) ? Int32(value) : nil
    }

    /// Clock ticks per second of /proc times (`USER_HZ`, almost always 100).
    static let ticksPerSecond: Int64 = {
        let hz = sysconf(Int32(_SC_CLK_TCK))
        return hz > 0 ? Int64(hz) : 100
    }()

    /// The size of a memory page in bytes.
    static let pageSize: UInt64 = {
        let size = sysconf(Int32(_SC_PAGESIZE))
        return size > 0 ? UInt64(size) : 4096
    }()

    /// Converts clock ticks to a duration without floating-point rounding.
    static func duration(ticks: UInt64, hz: Int64 = ticksPerSecond) -> Duration {
        let ticks = min(ticks, UInt64(Int64.max / 2))
        let seconds = Int64(ticks) / hz
        let remainder = Int64(ticks) % hz
        return .seconds(seconds) + .nanoseconds(remainder * 1_000_000_000 / hz)
    }
}

/// Which /proc file a ``ProcFileCache`` entry is: keyed by numbers on the sampling path, so that a cache hit
/// builds no path string.
package enum ProcFileKey: Hashable, Sendable {
    /// `PROCROOT/PID/stat`.
    case stat(Int32)
    /// `PROCROOT/PID/schedstat`.
    case schedstat(Int32)
    /// `PROCROOT/PID/task/TID/children`.
    case children(pid: Int32, tid: Int32)
    /// `PROCROOT/NAME`, a host-wide file such as `uptime` or `meminfo`.
    case host(String)
    /// Any path (tests, fixtures).
    case path(String)

    func path(procRoot: String) -> String {
        switch self {
        case .stat(let pid): "\(procRoot)/\(pid)/stat"
        case .schedstat(let pid): "\(procRoot)/\(pid)/schedstat"
        case .children(let pid, let tid): "\(procRoot)/\(pid)/task/\(tid)/children"
        case .host(let name): "\(procRoot)/\(name)"
        case .path(let path): path
        }
    }
}

/// Open descriptors of the /proc files read at every sample, re-read with pread(2) at offset 0 into one
/// reused buffer.
///
/// Opening a /proc file (a path walk, a new file object) costs more than generating its few bytes, so
/// the sampler keeps descriptors open between samples. /proc files are regenerated on every read from
/// offset 0. A descriptor of a process that has gone fails with ESRCH and is reopened by path once, which
/// is exactly what a fresh open would have seen. Descriptors not used since the previous ``sweep()`` are
/// closed, so exited processes do not pile up. A hit costs one pread and no allocation. Used from one
/// thread at a time.
package final class ProcFileCache {
    private struct Entry {
        var fd: Int32
        var stamp: UInt32
    }

    private let procRoot: String
    private var entries: [ProcFileKey: Entry] = [:]
    private var stamp: UInt32 = 0
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int

    /// - Parameter procRoot: Where procfs is mounted; keys other than ``ProcFileKey/path(_:)`` are under it.
    package init(procRoot: String = "/proc") {
        self.procRoot = procRoot
        capacity = 4096
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        for entry in entries.values { close(entry.fd) }
        buffer.deallocate()
    }

    /// Calls `body` with the whole content of the file, valid only during the call; `nil` when the file cannot
    /// be opened or read (e.g. the process is gone).
    package func withContents<R>(_ key: ProcFileKey, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        if let index = entries.index(forKey: key) {
            let fd = entries.values[index].fd
            if let count = readAll(fd) {
                entries.values[index].stamp = stamp
                return body(UnsafeBufferPointer(start: buffer.assumingMemoryBound(to: UInt8.self), count: count))
            }
            close(fd)
            entries.remove(at: index)
        }
        let fd = open(key.path(procRoot: procRoot), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        guard let count = readAll(fd) else {
            close(fd)
            return nil
        }
        // Only procfs regenerates content on every read; a regular file (a test fixture replaced by
        // rename, say) must be opened afresh to see its new version.
        if greenlight_is_procfs(fd) == 1 {
            entries[key] = Entry(fd: fd, stamp: stamp)
        } else {
            close(fd)
        }
        return body(UnsafeBufferPointer(start: buffer.assumingMemoryBound(to: UInt8.self), count: count))
    }

    /// The whole content of `path` as an array (tests and cold paths), or `nil`.
    package func read(_ path: String) -> [UInt8]? {
        withContents(.path(path)) { Array($0) }
    }

    /// Closes the descriptors not read during the last `sweeps` sweeps (by default: since the previous one).
    package func sweep(keepingUnusedFor sweeps: UInt32 = 1) {
        // Kept: stamps in oldest...current (wrapping arithmetic, so the counter may overflow).
        let current = stamp
        let oldest = current &- (max(sweeps, 1) &- 1)
        stamp &+= 1
        guard entries.values.contains(where: { $0.stamp &- oldest > current &- oldest }) else { return }
        for (key, entry) in entries where entry.stamp &- oldest > current &- oldest {
            close(entry.fd)
            entries[key] = nil
        }
    }

    /// Number of open descriptors (for tests).
    package var openCount: Int { entries.count }

    /// Reads the file from offset 0 into the buffer, growing it until the content fits; the byte count or `nil`.
    private func readAll(_ fd: Int32) -> Int? {
        while true {
            var n: Int
            repeat {
                n = pread(fd, buffer, capacity, 0)
            } while n < 0 && errno == EINTR
            guard n >= 0 else { return nil }
            if n < capacity { return n }
            // Did not fit: read again from the start with room to spare.
            buffer.deallocate()
            capacity *= 2
            buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        }
    }
}
