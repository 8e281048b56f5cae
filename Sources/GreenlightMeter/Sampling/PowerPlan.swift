public import GreenlightCore

/// Which power sources a measurement will use, strongest first: RAPL, then NVML, then estimation.
///
/// Resolved once before the workload starts, so that start-up cost is paid before time zero and
/// ``greenlight hardware`` can show exactly what `run` would use.
public struct PowerPlan: Sendable {
    /// Counter-based sources (RAPL, NVML).
    public var sources: [any EnergySource]
    /// The CPU's TDP when CPU power must be estimated (no RAPL CPU counter), with its provenance.
    public var estimatedCPUTDP: Figure<Power>?
    /// RAM power when memory must be estimated (no RAPL DRAM or psys counter).
    public var estimatedRAMPower: Figure<Power>?
    /// GPUs NVML sees (after `CUDA_VISIBLE_DEVICES`).
    public var gpus: [GPUInfo]
    /// Facts about this machine.
    public var system: SystemFacts
    /// RAPL domains found, readable or not.
    public var raplDomains: [RAPLDomainInfo]
    /// What discovery found worth telling (counters unreadable and the fix, NVML absent, fallbacks).
    public var notes: [Note]

    /// Discovers sources according to `configuration`.
    public static func resolve(_ configuration: MeterConfiguration) -> PowerPlan {
        var notes: [Note] = []
        var sources: [any EnergySource] = []
        var raplDomains: [RAPLDomainInfo] = []
        let system = SystemFacts.read(procRoot: configuration.procRoot)

        var cpuMeasured = false
        var memoryCovered = false
        if configuration.enableRAPL {
            let rapl = RAPLSource.discover(root: configuration.powercapRoot, selection: configuration.rapl)
            notes += rapl.notes
            raplDomains = rapl.domains
            if let source = rapl.source {
                sources.append(source)
                cpuMeasured = source.channels.contains { $0.kind == .cpu || $0.kind == .psys }
                memoryCovered = source.channels.contains { $0.kind == .dram || $0.kind == .psys }
                if source.channels.contains(where: { $0.kind == .psys }) {
                    notes.append(Note(.info, code: "psys-covers-memory",
                        "RAPL psys covers the whole platform; RAM is not estimated separately to avoid counting it twice."))
                }
            }
        }

        var gpus: [GPUInfo] = []
        if configuration.enableNVML {
            let nvml = NVMLSource.load(libraryPath: configuration.nvmlLibrary, environment: configuration.environment)
            notes += nvml.notes
            gpus = nvml.gpus
            if let source = nvml.source, !source.channels.isEmpty { sources.append(source) }
        }

        var tdp: Figure<Power>?
        if !cpuMeasured {
            if let user = configuration.cpuTDP {
                tdp = Figure(user, Method(.user, "cpu-tdp", detail: "\(Format.number(user.watts)) W, given by the user"))
            } else if let model = system.cpuModel, let match = CPUPowerTable.bundled.match(modelName: model) {
                tdp = Figure(match.tdp, match.method)
            } else {
                let fallback = CPUPowerTable.perThreadFallback(threads: system.logicalCPUs)
                tdp = fallback
                notes.append(Note(.warning, code: "cpu-tdp-unknown",
                    "CPU model \(system.cpuModel.map { "\"\($0)\"" } ?? "(unknown)") is not in the TDP table; assuming \(fallback.value) (\(fallback.method.detail ?? fallback.method.label)). Give the CPU's TDP in watts for a better estimate.", parameter: "cpuTDP"))
            }
            notes.append(Note(.warning, code: "cpu-estimated",
                "No readable CPU energy counter: CPU energy is estimated with \(CPUPowerModelInfo.label) from a TDP of \(tdp!.value)."))
        }

        var ram: Figure<Power>?
        if !memoryCovered {
            let p = RAMPowerModel.power(memoryBytes: system.memoryBytes)
            ram = Figure(p, Method(.estimated, RAMPowerModel.methodID,
                detail: "\(Format.bytes(Double(system.memoryBytes))) × 0.375 W/GiB (CodeCarbon v2 rule, after Crucial)"))
        }

        return PowerPlan(
            sources: sources, estimatedCPUTDP: tdp, estimatedRAMPower: ram, gpus: gpus, system: system,
            raplDomains: raplDomains, notes: notes)
    }

    /// One line per source, e.g. `cpu package-0: measured:rapl`, for `greenlight hardware`.
    public var methodLines: [String] {
        var lines: [String] = []
        for s in sources {
            for c in s.channels { lines.append("\(c.kind.rawValue) \(c.name): \(c.method)") }
        }
        if let t = estimatedCPUTDP {
            lines.append("cpu: estimated:\(CPUPowerModelInfo.identifier) (TDP \(t.value), \(t.method))")
        }
        if let r = estimatedRAMPower { lines.append("ram: \(r.method) = \(r.value)") }
        return lines
    }
}

/// How the CPU model reads in notes.
enum CPUPowerModelInfo {
    static let identifier = CPUPowerModel.methodID
    static let label = "\(CPUPowerModel.methodID) (P = TDP × (0.1 + 0.9 × host CPU utilisation))"
}
