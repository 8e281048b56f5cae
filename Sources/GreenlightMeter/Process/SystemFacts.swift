#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Facts about this machine for the report's host section.
public struct SystemFacts: Sendable, Hashable {
    /// Host name (`uname` nodename).
    public var hostname: String
    /// Kernel name and release from `uname`, e.g. `Linux 6.1.0-18-amd64`.
    public var os: String
    /// CPU model name from /proc/cpuinfo (`model name`, or the closest field on non-x86 machines).
    public var cpuModel: String?
    /// Logical CPUs (hardware threads) online.
    public var logicalCPUs: Int
    /// Total physical memory (`MemTotal`).
    public var memoryBytes: UInt64

    /// Creates a description.
    public init(hostname: String, os: String, cpuModel: String?, logicalCPUs: Int, memoryBytes: UInt64) {
        self.hostname = hostname
        self.os = os
        self.cpuModel = cpuModel
        self.logicalCPUs = logicalCPUs
        self.memoryBytes = memoryBytes
    }

    /// Reads the facts; never fails (unknown values fall back to `sysconf` or stay empty).
    ///
    /// Host name and OS come from `uname`; CPU model, CPU count and memory from `procRoot`
    /// (`cpuinfo`, `meminfo`), falling back to `sysconf` when those files are missing.
    ///
    /// - Parameter procRoot: Where procfs is mounted (tests point it at fixtures).
    /// - Returns: The facts.
    public static func read(procRoot: String = "/proc") -> SystemFacts {
        var names = utsname()
        var hostname = ""
        var os = "Linux"
        if uname(&names) == 0 {
            hostname = field(&names.nodename)
            os = "\(field(&names.sysname)) \(field(&names.release))"
        }
        let cpuinfo = ProcFS.readString("\(procRoot)/cpuinfo", sizeHint: 65536).map(parseCPUInfo)
        let online = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        let logical: Int
        if let count = cpuinfo?.processors, count > 0 { logical = count } else { logical = max(online, 1) }
        var memory = ProcFS.readString("\(procRoot)/meminfo").flatMap(parseMemTotal) ?? 0
        if memory == 0 {
            let pages = sysconf(Int32(_SC_PHYS_PAGES))
            memory = pages > 0 ? UInt64(pages) * ProcFS.pageSize : 0
        }
        return SystemFacts(
            hostname: hostname, os: os, cpuModel: cpuinfo?.model, logicalCPUs: logical, memoryBytes: memory)
    }

    /// The CPU model and the number of `processor` entries in /proc/cpuinfo.
    package static func parseCPUInfo(_ text: String) -> (model: String?, processors: Int) {
        var model: String?
        var fallback: String?
        var processors = 0
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingSpaces
            let value = line[line.index(after: colon)...].trimmingSpaces
            switch key {
            case "processor": processors += 1
            case "model name": if model == nil, !value.isEmpty { model = value }
            // arm64, POWER, s390x and RISC-V name the CPU differently, if at all.
            case "Hardware", "cpu model", "cpu", "uarch":
                if fallback == nil, !value.isEmpty { fallback = value }
            default: break
            }
        }
        return (model ?? fallback, processors)
    }

    /// `MemTotal` of /proc/meminfo in bytes.
    package static func parseMemTotal(_ text: String) -> UInt64? {
        for line in text.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let kibibytes = UInt64(parts[1]) else { return nil }
            return kibibytes * 1024
        }
        return nil
    }

    private static func field<T>(_ tuple: inout T) -> String {
        withUnsafeBytes(of: &tuple) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}
