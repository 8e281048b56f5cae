import Foundation

/// MemTotal and MemAvailable from /proc/meminfo.
struct MemoryInfo {
    var total: UInt64
    var available: UInt64

    /// Reads /proc/meminfo through a cache that keeps it open (one pread).
    static func read(_ files: ProcFileCache) -> MemoryInfo? {
        files.withContents(.host("meminfo")) { parse($0) } ?? nil
    }

    /// MemTotal and MemAvailable (the first and third lines on every kernel) from the text of /proc/meminfo,
    /// parsed in place.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> MemoryInfo? {
        var total: UInt64?
        var available: UInt64?
        var i = 0
        while i < bytes.count, total == nil || available == nil {
            let start = i
            while i < bytes.count, bytes[i] != 0x0A { i += 1 }
            let line = UnsafeBufferPointer(rebasing: bytes[start..<i])
            i += 1
            if let kb = kilobytes(line, key: "MemTotal:") {
                total = kb &* 1024
            } else if let kb = kilobytes(line, key: "MemAvailable:") {
                available = kb &* 1024
            }
        }
        guard let total else { return nil }
        return MemoryInfo(total: total, available: available ?? total)
    }

    /// The number on a line that starts with `key` ("MemTotal:       24683652 kB"), or `nil`.
    private static func kilobytes(_ line: UnsafeBufferPointer<UInt8>, key: StaticString) -> UInt64? {
        let n = key.utf8CodeUnitCount
        guard line.count > n, let base = line.baseAddress, memcmp(base, key.utf8Start, n) == 0 else { return nil }
        var kb: UInt64 = 0
        var digits = 0
        for c in line[n...] where c >= 0x30 && c <= 0x39 {
            kb = kb &* 10 &+ UInt64(c - 0x30)
            digits += 1
        }
        return digits > 0 ? kb : nil
    }
}
