/// Energy of a run: each hardware component, the host totals split into idle and active, and the
/// process tree's share.
///
/// The parts add up: `host.total == Σ components.energy`, `host.idle + host.active == host.total`, and
/// `process.energy == Σ components.processEnergy ≤ host.active`.
public struct EnergySection: Codable, Sendable, Hashable {
    /// One entry per measured or estimated component (a RAPL domain, a GPU, RAM).
    public var components: [EnergyComponent]
    /// Host totals at the wall plug of the machine, before PUE.
    public var host: HostEnergy
    /// The process tree's share, before PUE.
    public var process: ProcessEnergy
    /// Power usage effectiveness of the facility applied to turn IT energy into facility energy.
    public var pue: Figure<Double>

    /// Creates an energy section.
    public init(components: [EnergyComponent], host: HostEnergy, process: ProcessEnergy, pue: Figure<Double>) {
        self.components = components
        self.host = host
        self.process = process
        self.pue = pue
    }

    /// Host energy including facility overhead (× PUE).
    public var hostFacilityEnergy: Energy { host.total * pue.value }
    /// Process-tree energy including facility overhead (× PUE): the `E` of SCI.
    public var processFacilityEnergy: Energy { process.energy * pue.value }

    /// Builds the section from components, computing the totals so that they add up by construction.
    public static func summing(
        _ components: [EnergyComponent], duration: Duration, pue: Figure<Double>, processMethod: Method
    ) -> EnergySection {
        var total = Energy.zero, idle = Energy.zero, active = Energy.zero, proc = Energy.zero
        for c in components {
            total += c.energy
            idle += c.idleEnergy
            active += c.activeEnergy
            proc += c.processEnergy
        }
        let mean = duration.seconds > 0 ? total / duration : .zero
        let share = active.joules > 0 ? proc.joules / active.joules : 0
        return EnergySection(
            components: components,
            host: HostEnergy(total: total, idle: idle, active: active, meanPower: mean),
            process: ProcessEnergy(energy: proc, shareOfActive: share, method: processMethod),
            pue: pue
        )
    }

    enum CodingKeys: String, CodingKey {
        case components, host, process, pue
        case hostFacility = "hostFacilityJoules", processFacility = "processFacilityJoules"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        components = try c.decode([EnergyComponent].self, forKey: .components)
        host = try c.decode(HostEnergy.self, forKey: .host)
        process = try c.decode(ProcessEnergy.self, forKey: .process)
        pue = try c.decode(Figure<Double>.self, forKey: .pue)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(components, forKey: .components)
        try c.encode(host, forKey: .host)
        try c.encode(process, forKey: .process)
        try c.encode(pue, forKey: .pue)
        try c.encode(hostFacilityEnergy, forKey: .hostFacility)
        try c.encode(processFacilityEnergy, forKey: .processFacility)
    }
}

/// The kind of hardware an energy figure belongs to.
public enum ComponentKind: String, Codable, Sendable, Hashable, CaseIterable {
    /// A CPU package (RAPL `package-N`, or the estimated CPU).
    case cpu
    /// DRAM as RAPL measures it.
    case dram
    /// RAPL's platform (psys) domain: the whole SoC/platform.
    case psys
    /// A GPU.
    case gpu
    /// Memory as estimated from its size.
    case ram
}

/// Energy of one hardware component over a run.
public struct EnergyComponent: Codable, Sendable, Hashable {
    /// Which hardware.
    public var kind: ComponentKind
    /// A name a person recognises: `package-0`, `dram-0`, `gpu-0 NVIDIA H100`, `cpu (estimated)`.
    public var name: String
    /// Energy over the run.
    public var energy: Energy
    /// The part attributed to the host being idle.
    public var idleEnergy: Energy
    /// The part above idle (`energy − idleEnergy`).
    public var activeEnergy: Energy { energy - idleEnergy }
    /// The process tree's share of ``activeEnergy``.
    public var processEnergy: Energy
    /// Mean power over the run.
    public var meanPower: Power
    /// Highest power over one sampling interval, where samples exist.
    public var peakPower: Power?
    /// How ``energy`` was obtained (`measured:rapl`, `measured:nvml-energy`, `estimated:tdp-linear-v1`, …).
    public var method: Method
    /// How the idle part was determined.
    public var idleMethod: Method
    /// How the process tree's share was determined (`derived:cpu-time-share`, …).
    public var attributionMethod: Method

    /// Creates a component figure.
    public init(
        kind: ComponentKind, name: String, energy: Energy, idleEnergy: Energy, processEnergy: Energy,
        meanPower: Power, peakPower: Power? = nil, method: Method, idleMethod: Method, attributionMethod: Method
    ) {
        self.kind = kind
        self.name = name
        self.energy = energy
        self.idleEnergy = idleEnergy
        self.processEnergy = processEnergy
        self.meanPower = meanPower
        self.peakPower = peakPower
        self.method = method
        self.idleMethod = idleMethod
        self.attributionMethod = attributionMethod
    }

    enum CodingKeys: String, CodingKey {
        case kind, name
        case energy = "joules", idleEnergy = "idleJoules", activeEnergy = "activeJoules"
        case processEnergy = "processJoules", meanPower = "meanWatts", peakPower = "peakWatts"
        case method, idleMethod, attributionMethod
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(ComponentKind.self, forKey: .kind)
        name = try c.decode(String.self, forKey: .name)
        energy = try c.decode(Energy.self, forKey: .energy)
        idleEnergy = try c.decode(Energy.self, forKey: .idleEnergy)
        processEnergy = try c.decode(Energy.self, forKey: .processEnergy)
        meanPower = try c.decode(Power.self, forKey: .meanPower)
        peakPower = try c.decodeIfPresent(Power.self, forKey: .peakPower)
        method = try c.decode(Method.self, forKey: .method)
        idleMethod = try c.decode(Method.self, forKey: .idleMethod)
        attributionMethod = try c.decode(Method.self, forKey: .attributionMethod)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(name, forKey: .name)
        try c.encode(energy, forKey: .energy)
        try c.encode(idleEnergy, forKey: .idleEnergy)
        try c.encode(activeEnergy, forKey: .activeEnergy)
        try c.encode(processEnergy, forKey: .processEnergy)
        try c.encode(meanPower, forKey: .meanPower)
        try c.encodeIfPresent(peakPower, forKey: .peakPower)
        try c.encode(method, forKey: .method)
        try c.encode(idleMethod, forKey: .idleMethod)
        try c.encode(attributionMethod, forKey: .attributionMethod)
    }
}

/// Host energy totals.
public struct HostEnergy: Codable, Sendable, Hashable {
    /// Sum of all components.
    public var total: Energy
    /// Idle part.
    public var idle: Energy
    /// Active part (`total − idle`).
    public var active: Energy
    /// Mean power of all components together.
    public var meanPower: Power

    /// Creates host totals.
    public init(total: Energy, idle: Energy, active: Energy, meanPower: Power) {
        self.total = total
        self.idle = idle
        self.active = active
        self.meanPower = meanPower
    }

    enum CodingKeys: String, CodingKey {
        case total = "totalJoules", idle = "idleJoules", active = "activeJoules", meanPower = "meanWatts"
    }
}

/// The process tree's energy.
public struct ProcessEnergy: Codable, Sendable, Hashable {
    /// Energy attributed to the tree.
    public var energy: Energy
    /// That energy as a fraction of the host's active energy (0…1).
    public var shareOfActive: Double
    /// How it was attributed.
    public var method: Method

    /// Creates a process-tree energy figure.
    public init(energy: Energy, shareOfActive: Double, method: Method) {
        self.energy = energy
        self.shareOfActive = shareOfActive
        self.method = method
    }

    enum CodingKeys: String, CodingKey {
        case energy = "joules", shareOfActive, method
    }
}
