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
        bytes.split(whereSeparator: { $0 == 0x20 || $0 == 0x0A }).compactMap { parseDecimal($0) }
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

/// Open descriptors of the /proc files read at every sample, re-read with pread(2) at offset 0.
///
/// Opening a /proc file (a path walk, a new file object) costs more than generating its few bytes, so
/// the sampler keeps descriptors open between samples. /proc files are regenerated on every read from
/// offset 0. A descriptor of a process that has gone fails with ESRCH and is reopened by path once, which
/// is exactly what a fresh open would have seen. Descriptors not used since the previous ``sweep()`` are
/// closed, so exited processes do not pile up. Used from one thread at a time.
package final class ProcFileCache {
    private var entries: [String: (fd: Int32, used: Bool)] = [:]

    package init() {}

    deinit {
        for entry in entries.values { close(entry.fd) }
    }

    /// The whole content of `path`, or `nil` when it cannot be opened or read.
    package func read(_ path: String, sizeHint: Int = 1024) -> [UInt8]? {
        if let entry = entries[path] {
            if let bytes = Self.readAll(entry.fd, sizeHint: sizeHint) {
                entries[path]?.used = true
                return bytes
            }
            close(entry.fd)
            entries[path] = nil
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        guard let bytes = Self.readAll(fd, sizeHint: sizeHint) else {
            close(fd)
            return nil
        }
        // Only procfs regenerates content on every read; a regular file (a test fixture replaced by
        // rename, say) must be opened afresh to see its new version.
        if greenlight_is_procfs(fd) == 1 {
            entries[path] = (fd, true)
        } else {
            close(fd)
        }
        return bytes
    }

    /// Closes the descriptors not read since the previous sweep.
    package func sweep() {
        for (path, entry) in entries {
            if entry.used {
                entries[path]?.used = false
            } else {
                close(entry.fd)
                entries[path] = nil
            }
        }
    }

    /// Number of open descriptors (for tests).
    package var openCount: Int { entries.count }

    private static func readAll(_ fd: Int32, sizeHint: Int) -> [UInt8]? {
        var capacity = max(sizeHint, 64)
        while true {
            var bytes = [UInt8](repeating: 0, count: capacity)
            var n: Int
            repeat {
                n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, capacity, 0) }
            } while n < 0 && errno == EINTR
            guard n >= 0 else { return nil }
            if n < capacity {
                bytes.removeSubrange(n...)
                return bytes
            }
            capacity *= 2   // did not fit: read again from the start with room to spare
        }
    }
}
