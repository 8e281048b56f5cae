import FuzzSupport
@testable import GreenlightMeter

// The /proc parsers of the meter: /proc/PID/stat (both modes), /proc/stat, task/children pid lists,
// /proc/cpuinfo and /proc/meminfo. They take what the kernel wrote, so any bytes must give nil or a value.

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    if let stat = ProcStat.parse(bytes) {
        // The allocation-free mode must agree on everything but the name.
        let lean = bytes.withUnsafeBufferPointer { ProcStat.parse($0, includeComm: false) }
        precondition(lean?.pid == stat.pid && lean?.startTime == stat.startTime && lean?.ppid == stat.ppid)
        _ = (stat.totalUserTicks, stat.totalSystemTicks, stat.ownTicks, stat.isZombie)
    }
    let text = String(decoding: bytes, as: UTF8.self)
    _ = HostCPUTimes.parse(text)
    _ = HostCPUTimes.parse(text, ticksPerSecond: 1)
    _ = ProcFS.parsePIDList(bytes)
    _ = SystemFacts.parseCPUInfo(text)
    _ = SystemFacts.parseMemTotal(text)
    return 0
}

writeSeedsIfRequested {
    [("stat-long-comm", Array("42 (a) b) (c)) R 1 42 42 0 -1 0 0 0 0 0 5 6 7 8 20 0 3 0 99 0 12\n".utf8)),
     ("host-stat", Array("cpu  10 20 30 40 50 60 70 80 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 1\n".utf8)),
     ("children", Array("12 34 56 ".utf8))]
}

runLibFuzzer(testOneInput)
