import GreenlightCore

/// Accumulates one counter channel.
struct ChannelAccumulator {
    let channel: EnergyChannel
    private(set) var energy = Energy.zero
    private var shareWeighted = Energy.zero   // Σ ΔE·s
    private var shareTime = 0.0               // Σ dt·s
    private var windowEnergy = Energy.zero    // ΔE and dt not yet shared out
    private var windowTime = 0.0
    private var minPower: Power?
    private var peak: Power?

    init(channel: EnergyChannel) { self.channel = channel }

    /// Adds one sample's energy; its share is applied by the next ``closeWindow(share:)``.
    mutating func add(energy delta: Energy, dt: Double, fullInterval: Bool) {
        energy += delta
        windowEnergy += delta
        windowTime += dt
        guard dt > 0 else { return }
        let p = Power(watts: delta.joules / dt)
        peak = max(peak ?? p, p)
        if fullInterval { minPower = min(minPower ?? p, p) }
    }

    /// Gives the process tree `share` of the energy added since the previous call.
    mutating func closeWindow(share: Double) {
        shareWeighted += windowEnergy * share
        shareTime += windowTime * share
        windowEnergy = .zero
        windowTime = 0
    }

    func component(duration: Duration) -> EnergyComponent {
        let idlePower = minPower ?? .zero
        let idle = min(idlePower * duration, energy)
        let active = energy - idle
        // Σ (ΔE − P_idle·dt)·s over intervals, kept within [0, active].
        let process = Energy(joules: min(max(shareWeighted.joules - idlePower.watts * shareTime, 0), active.joules))
        let attribution: Method
        switch channel.kind {
        case .cpu, .psys: attribution = Method(.derived, "cpu-time-share", detail: "tree CPU time / host busy CPU time, over one-second windows (every sample when a timeline is written); host busy time from /proc/uptime")
        case .dram, .ram: attribution = Method(.derived, "rss-share", detail: "tree resident memory / host memory in use per interval")
        case .gpu: attribution = Method(.derived, "gpu-context", detail: "whole active energy while a tree process holds a compute context (NVML)")
        }
        return EnergyComponent(
            kind: channel.kind, name: channel.name, energy: energy, idleEnergy: idle, processEnergy: process,
            meanPower: duration.seconds > 0 ? energy / duration : .zero, peakPower: peak, method: channel.method,
            idleMethod: Method(.derived, "min-interval-power", detail: "lowest power over one sampling interval (\(idlePower)) × duration"),
            attributionMethod: attribution)
    }
}

/// CPU energy from the TDP model when no counter is readable.
struct EstimatedCPUAccumulator {
    static let name = "cpu (estimated)"
    let tdp: Figure<Power>
    private(set) var energy = Energy.zero
    private var idle = Energy.zero
    private var process = Energy.zero
    private(set) var lastPower = Power.zero
    private var peak = Power.zero

    init(tdp: Figure<Power>) { self.tdp = tdp }

    mutating func add(dt: Double, utilization: Double, share: Double) {
        let p = CPUPowerModel.power(tdp: tdp.value, utilization: utilization)
        let pIdle = CPUPowerModel.idlePower(tdp: tdp.value)
        let e = Energy(joules: p.watts * dt)
        let eIdle = Energy(joules: pIdle.watts * dt)
        energy += e
        idle += eIdle
        process += (e - eIdle) * share
        lastPower = p
        peak = max(peak, p)
    }

    func component(duration: Duration) -> EnergyComponent {
        EnergyComponent(
            kind: .cpu, name: Self.name, energy: energy, idleEnergy: idle, processEnergy: process,
            meanPower: duration.seconds > 0 ? energy / duration : .zero, peakPower: peak,
            method: Method(.estimated, CPUPowerModelInfo.identifier,
                detail: "P = TDP × (0.1 + 0.9 × u), u = host CPU utilisation over one-second windows, TDP \(tdp.value) from \(tdp.method)"),
            idleMethod: Method(.estimated, CPUPowerModelInfo.identifier, detail: "10 % of TDP"),
            attributionMethod: Method(.derived, "cpu-time-share", detail: "tree CPU time / host busy CPU time, over one-second windows (every sample when a timeline is written); host busy time from /proc/uptime"))
    }
}

/// RAM energy from its size when no counter covers memory.
struct EstimatedRAMAccumulator {
    static let name = "ram (estimated)"
    let power: Figure<Power>
    private(set) var energy = Energy.zero
    private var active = Energy.zero
    private var process = Energy.zero

    init(power: Figure<Power>) { self.power = power }

    mutating func add(dt: Double, usedFraction: Double, treeFractionOfTotal: Double) {
        let e = Energy(joules: power.value.watts * dt)
        energy += e
        active += e * usedFraction
        process += e * treeFractionOfTotal
    }

    func component(duration: Duration) -> EnergyComponent {
        EnergyComponent(
            kind: .ram, name: Self.name, energy: energy, idleEnergy: energy - active,
            processEnergy: min(process, active), meanPower: power.value, peakPower: power.value, method: power.method,
            idleMethod: Method(.derived, "memory-not-in-use", detail: "share of RAM power for memory not in use (MemAvailable / MemTotal)"),
            attributionMethod: Method(.derived, "rss-share", detail: "tree resident memory / host memory total per interval"))
    }
}
