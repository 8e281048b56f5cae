import CGreenlightShims
import Foundation
import GreenlightCore

/// The sampling engine: reads every source at each tick, splits energy into idle and active, and
/// attributes the active part to the process tree as it goes (constant memory, whatever the run length).
///
/// Attribution rules (documented in ARCHITECTURE.md):
/// - CPU and psys: by the tree's share of the host's busy CPU time over one-second windows (/proc/uptime, /proc/stat as fallback).
/// - DRAM and estimated RAM: by the tree's resident memory over the host's memory in use.
/// - GPU: the whole active energy of a GPU on which a tree process holds a compute context.
/// - Idle of a measured channel is the lowest power seen over a full interval times the duration;
///   idle of an estimated CPU is 10 % of TDP (the model's floor).
final class MeterSession {
    private let plan: PowerPlan
    private let monitor: ProcessTreeMonitor
    private let procRoot: String
    private let interval: Duration
    private let intervalSeconds: Double

    private var channels: [ChannelAccumulator] = []
    private var cpuEstimate: EstimatedCPUAccumulator?
    private var ramEstimate: EstimatedRAMAccumulator?

    /// CLOCK_MONOTONIC nanoseconds (``greenlight_monotonic_ns()``) of the first and the last sample.
    private(set) var start: Int64
    private(set) var startDate = Date()
    private var lastTime: Int64
    private var lastHost: HostCPUTimes?
    private let hostClock: HostCPUClock
    private var memory: MemoryInfo?
    /// /proc/meminfo, kept open.
    private let hostFiles: ProcFileCache
    private var lastTree: ProcessTreeSample?
    /// The members of the tree at the last full tick.
    var lastTreeMembers: [Int32] { lastTree?.pids ?? [] }
    /// The CPU window: time since the last host reading, the tree's CPU time then, and what it found.
    private var windowDT = 0.0
    private var treeAtWindowStart = Duration.zero
    private var hostUtil = 0.0
    private var cpuShare = 0.0
    private let samplesPerSecond: Int
    private var lastReadings: [[Energy]] = []
    private(set) var sampleCount = 0
    private var rssSum: Double = 0
    private var peakRSS: UInt64 = 0
    private var peakThreads = 0
    private var notes: [Note] = []
    private var readFailures = Set<String>()
    /// What an idle tick adds, from the last full tick: set when nothing but estimates is accounted (no counter
    /// to read, no timeline); see ``tickIfIdle(now:)``.
    private var idleTick: (usedFraction: Double, treeFraction: Double, rssBytes: Double)?
    /// Every this many ticks, the once-a-second reads and the tree's full re-read are due.
    private let perSecondEvery: Int
    private let refreshEvery: Int

    init(plan: PowerPlan, monitor: ProcessTreeMonitor, procRoot: String, interval: Duration) {
        self.plan = plan
        self.monitor = monitor
        self.procRoot = procRoot
        self.interval = interval
        intervalSeconds = interval.seconds
        samplesPerSecond = max(1, Int((1 / interval.seconds).rounded()))
        perSecondEvery = samplesPerSecond
        refreshEvery = max(samplesPerSecond, ProcessTreeMonitor.refreshEvery)
        hostClock = HostCPUClock(procRoot: procRoot)
        hostFiles = ProcFileCache(procRoot: procRoot)
        let now = greenlight_monotonic_ns()
        start = now
        lastTime = now
        for source in plan.sources {
            for channel in source.channels { channels.append(ChannelAccumulator(channel: channel)) }
        }
        if let tdp = plan.estimatedCPUTDP { cpuEstimate = EstimatedCPUAccumulator(tdp: tdp) }
        if let ram = plan.estimatedRAMPower { ramEstimate = EstimatedRAMAccumulator(power: ram) }
    }

    /// Takes the first reading; time zero of the measurement.
    func begin() {
        startDate = Date()
        start = greenlight_monotonic_ns()
        lastTime = start
        lastHost = hostClock.read()
        memory = MemoryInfo.read(hostFiles)
        let tree = monitor.sample()
        lastTree = tree
        treeAtWindowStart = tree.cpuTime
        lastReadings = plan.sources.map { readSource($0) }
    }

    /// Takes one sample and accounts the interval since the previous one.
    ///
    /// - Parameter now: ``greenlight_monotonic_ns()`` now (the caller has it already; `nil` reads it).
    /// - Parameter timeline: Whether to build the ``TimelineSample`` (per-component dictionaries cost
    ///   allocations at every tick; without `--timeline` nobody reads them).
    @discardableResult
    func tick(now: Int64? = nil, timeline: Bool = true) -> TimelineSample? {
        let now = now ?? greenlight_monotonic_ns()
        let dt = Double(now - lastTime) / 1e9
        // The periodic reads share one wake-up (a cold wake-up costs more than the reads): host CPU time and
        // memory once a second, and the tree's full re-read then too (at most every refreshEvery samples).
        let perSecond = (sampleCount + 1) % perSecondEvery == 0
        let refresh = (sampleCount + 1) % refreshEvery == 0
        let tree = monitor.sample(refresh: refresh)
        let readings = plan.sources.map { readSource($0) }
        windowDT += dt

        // Host utilisation and the tree's share of busy CPU, over the window since the last host reading.
        // /proc/uptime is costly to generate (the kernel sums idle time over every CPU), so without a timeline
        // it is read once a second; the CPU model is linear in utilisation, so the energy is the same.
        if timeline || perSecond { closeCPUWindow(tree: tree) }
        // Memory in use changes slowly and /proc/meminfo is costly to generate: refresh it once a second.
        if perSecond { memory = MemoryInfo.read(hostFiles) ?? memory }
        let shares = memoryShares(tree: tree)

        var watts: [String: Double] = [:]
        var joules: [String: Double] = [:]
        accountChannels(readings: readings, dt: dt, tree: tree, memShare: shares.memShare, timeline: timeline,
            watts: &watts, joules: &joules)
        accountEstimates(dt: dt, shares: shares, timeline: timeline, watts: &watts, joules: &joules)
        record(tree: tree, readings: readings, now: now, shares: shares, timeline: timeline)
        guard timeline else { return nil }
        return TimelineSample(
            t: Double(now - start) / 1e9, dt: dt, hostCPU: hostUtil, treeCPUSeconds: tree.cpuTime.seconds,
            treeShare: cpuShare, rssBytes: tree.rssBytes, threads: tree.threads, processes: tree.processCount,
            watts: watts, joules: joules)
    }

    /// The tree's resident memory as shares of the host's memory: of memory in use (shares out DRAM energy),
    /// and of the total, capped at the fraction in use (shares out estimated RAM energy).
    private struct MemoryShares {
        var memShare: Double
        var usedFraction: Double
        var treeFraction: Double
    }

    private func memoryShares(tree: ProcessTreeSample) -> MemoryShares {
        let usedBytes = memory.map { Double($0.total - min($0.available, $0.total)) } ?? 0
        let memShare = usedBytes > 0 ? min(Double(tree.rssBytes) / usedBytes, 1) : 0
        let usedFraction = memory.map { $0.total > 0 ? usedBytes / Double($0.total) : 0 } ?? 0
        let total = memory?.total ?? 0
        let treeFraction = total > 0 ? min(Double(tree.rssBytes) / Double(total), usedFraction) : 0
        return MemoryShares(memShare: memShare, usedFraction: usedFraction, treeFraction: treeFraction)
    }

    /// Adds each counter channel's energy since the last readings and shares out what is not CPU or psys
    /// (those wait for the CPU window): DRAM and RAM by memory, a GPU by whether the tree holds a context on it.
    private func accountChannels(
        readings: [[Energy]], dt: Double, tree: ProcessTreeSample, memShare: Double, timeline: Bool,
        watts: inout [String: Double], joules: inout [String: Double]
    ) {
        var gpuPIDs: [Set<Int32>] = []
        var index = 0
        var treePIDs = Set<Int32>()
        for (s, source) in plan.sources.enumerated() {
            if let nvml = source as? NVMLSource, channels.contains(where: { $0.channel.kind == .gpu }) {
                gpuPIDs = nvml.computeProcessIDs()
                treePIDs = Set(tree.pids)
            }
            for (c, channel) in source.channels.enumerated() {
                let previous = s < lastReadings.count && c < lastReadings[s].count ? lastReadings[s][c] : .zero
                let current = c < readings[s].count ? readings[s][c] : previous
                let delta = max(current - previous, .zero)
                channels[index].add(energy: delta, dt: dt, fullInterval: dt >= intervalSeconds * 0.5)
                switch channel.kind {
                case .cpu, .psys: break   // shared out when the CPU window closes
                case .dram, .ram: channels[index].closeWindow(share: memShare)
                case .gpu:
                    let gpuIndex = source.channels[..<c].filter { $0.kind == .gpu }.count
                    let holds = gpuIndex < gpuPIDs.count && !gpuPIDs[gpuIndex].isDisjoint(with: treePIDs)
                    channels[index].closeWindow(share: holds ? 1 : 0)
                }
                if timeline {
                    watts[channel.name] = dt > 0 ? delta.joules / dt : 0
                    joules[channel.name] = channels[index].energy.joules
                }
                index += 1
            }
        }
    }

    /// Adds the interval to the estimated RAM energy and puts both estimates on the timeline.
    private func accountEstimates(
        dt: Double, shares: MemoryShares, timeline: Bool,
        watts: inout [String: Double], joules: inout [String: Double]
    ) {
        if timeline, let cpu = cpuEstimate {
            watts[EstimatedCPUAccumulator.name] = cpu.lastPower.watts
            joules[EstimatedCPUAccumulator.name] = cpu.energy.joules
        }
        if ramEstimate != nil {
            // Mutated in place: a copy would retain and release the accumulator's strings at every tick.
            ramEstimate!.add(dt: dt, usedFraction: shares.usedFraction, treeFractionOfTotal: shares.treeFraction)
            if timeline, let ram = ramEstimate {
                watts[EstimatedRAMAccumulator.name] = ram.power.value.watts
                joules[EstimatedRAMAccumulator.name] = ram.energy.joules
            }
        }
    }

    /// Keeps what the next tick and the report need: counts, peaks, the last tree and readings, and what an
    /// idle tick would add.
    private func record(
        tree: ProcessTreeSample, readings: [[Energy]], now: Int64, shares: MemoryShares, timeline: Bool
    ) {
        sampleCount += 1
        rssSum += Double(tree.rssBytes)
        peakRSS = max(peakRSS, tree.rssBytes)
        peakThreads = max(peakThreads, tree.threads)
        lastTime = now
        lastTree = tree
        lastReadings = readings
        idleTick = plan.sources.isEmpty && !timeline
            ? (shares.usedFraction, shares.treeFraction, Double(tree.rssBytes)) : nil
    }

    /// The tick of a command that waits (a server, a `sleep`), in the cheapest form: when only estimates are
    /// accounted (no counter to read, no timeline), no periodic read is due, and the root, alone in the tree,
    /// has not run since the last sample (one read of its CPU clock), that sample stands and this tick accounts
    /// exactly what ``tick(now:timeline:)`` would: the interval's time in the CPU window, RAM energy at the same
    /// fractions, and the same resident memory. After a wake-up every byte of code and data touched is cold on
    /// small VMs, so touching little is what makes a sample cheap.
    ///
    /// - Parameter now: ``greenlight_monotonic_ns()`` now.
    /// - Returns: `false`, having accounted nothing, when a full ``tick(now:timeline:)`` is needed.
    func tickIfIdle(now: Int64) -> Bool {
        guard let idle = idleTick, (sampleCount + 1) % perSecondEvery != 0, (sampleCount + 1) % refreshEvery != 0,
            monitor.lastSampleStands()
        else { return false }
        let dt = Double(now - lastTime) / 1e9
        windowDT += dt
        ramEstimate?.add(dt: dt, usedFraction: idle.usedFraction, treeFractionOfTotal: idle.treeFraction)
        sampleCount += 1
        rssSum += idle.rssBytes
        lastTime = now
        return true
    }

    /// Reads host CPU time and accounts the CPU window since the previous reading: the host's utilisation
    /// drives the estimated CPU power, and the tree's share of busy CPU time shares out CPU and psys energy.
    private func closeCPUWindow(tree: ProcessTreeSample) {
        let host = hostClock.read()
        hostUtil = 0
        cpuShare = 0
        if let host, let lastHost {
            let busy = (host.busy - lastHost.busy).seconds
            let total = (host.total - lastHost.total).seconds
            if total > 0 { hostUtil = min(max(busy / total, 0), 1) }
            let treeDelta = (tree.cpuTime - treeAtWindowStart).seconds
            if busy > 0 { cpuShare = min(max(treeDelta / busy, 0), 1) } else if treeDelta > 0 { cpuShare = 1 }
        }
        if host != nil { lastHost = host }
        treeAtWindowStart = tree.cpuTime
        for index in channels.indices where channels[index].channel.kind == .cpu || channels[index].channel.kind == .psys {
            channels[index].closeWindow(share: cpuShare)
        }
        cpuEstimate?.add(dt: windowDT, utilization: hostUtil, share: cpuShare)
        windowDT = 0
    }

    private func readSource(_ source: any EnergySource) -> [Energy] {
        do {
            return try source.read()
        } catch {
            let key = source.channels.map(\.id).joined(separator: ",")
            if !readFailures.contains(key) {
                readFailures.insert(key)
                notes.append(Note(.warning, code: "counter-read-failed",
                    "reading \(source.channels.map(\.name).joined(separator: ", ")) failed during the run: \(error); the last good reading was kept"))
            }
            let i = plan.sources.firstIndex { $0 === source } ?? 0
            return i < lastReadings.count ? lastReadings[i] : source.channels.map { _ in .zero }
        }
    }

    /// The measured time since ``begin()``.
    var elapsed: Duration { .nanoseconds(lastTime - start) }

    /// Energy components, process usage and notes for the report.
    func finish() -> (components: [EnergyComponent], usage: ProcessUsage, notes: [Note]) {
        if windowDT > 0, let lastTree { closeCPUWindow(tree: lastTree) }
        let duration = elapsed
        var components: [EnergyComponent] = channels.map { $0.component(duration: duration) }
        if let cpu = cpuEstimate { components.append(cpu.component(duration: duration)) }
        if let ram = ramEstimate { components.append(ram.component(duration: duration)) }
        var all = notes
        for source in plan.sources { all += source.notes }
        if !channels.isEmpty && sampleCount < 10 {
            all.append(Note(.warning, code: "short-run",
                "only \(sampleCount) sample(s): the idle baseline of measured counters is unreliable; sample more often for short commands", parameter: "interval"))
        }
        let tree = lastTree
        let usage = ProcessUsage(
            userCPU: tree?.user ?? .zero, systemCPU: tree?.system ?? .zero, peakRSSBytes: peakRSS,
            meanRSSBytes: sampleCount > 0 ? UInt64(rssSum / Double(sampleCount)) : 0, peakThreads: peakThreads,
            processesSeen: monitor.processesSeen,
            method: Method(.measured, "procfs",
                detail: "/proc/PID/stat of the tree (CPU times, resident memory, threads), sampled every \(Format.number(interval.seconds)) s, a process that has not run since its last read (its CPU clock or schedstat unchanged) standing as read then; all of it re-read every \(Format.number(Double(refreshEvery) * interval.seconds)) s; reaped children via wait4 rusage"))
        return (components, usage, all)
    }
}
