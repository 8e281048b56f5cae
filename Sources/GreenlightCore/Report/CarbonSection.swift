/// Carbon emissions of a run: I = C × E, with the intensity's provenance.
public struct CarbonSection: Codable, Sendable, Hashable {
    /// The grid carbon intensity used, with where it came from.
    public var intensity: IntensityFigure
    /// Operational emissions of the process tree (process facility energy × intensity).
    public var process: CarbonMass
    /// Operational emissions of the whole host (host facility energy × intensity).
    public var host: CarbonMass
    /// Embodied emissions attributed to the run, when hardware embodied carbon was given.
    public var embodied: EmbodiedCarbon?

    /// Creates a carbon section.
    public init(intensity: IntensityFigure, process: CarbonMass, host: CarbonMass, embodied: EmbodiedCarbon? = nil) {
        self.intensity = intensity
        self.process = process
        self.host = host
        self.embodied = embodied
    }

    enum CodingKeys: String, CodingKey {
        case intensity, process = "processGrams", host = "hostGrams", embodied
    }
}

/// A grid carbon intensity and its provenance.
public struct IntensityFigure: Codable, Sendable, Hashable {
    /// The intensity.
    public var value: CarbonIntensity
    /// How it was chosen: `estimated:<dataset id>` (e.g. `estimated:owid-ember`), `user:intensity`, or `default:world-average`.
    public var method: Method
    /// The location it applies to.
    public var location: Location
    /// The year the data describe, where known.
    public var year: Int?

    /// Creates an intensity figure.
    public init(value: CarbonIntensity, method: Method, location: Location, year: Int?) {
        self.value = value
        self.method = method
        self.location = location
        self.year = year
    }

    enum CodingKeys: String, CodingKey {
        case value = "gramsPerKWh", method, location, year
    }
}

/// Where electricity was consumed.
public struct Location: Codable, Sendable, Hashable {
    /// ISO 3166-1 alpha-3 code, e.g. `DEU`.
    public var countryISO3: String?
    /// Country name.
    public var countryName: String?
    /// Sub-national region (US state, Canadian province, Chinese province, Nordic bidding zone).
    public var region: String?
    /// Cloud provider, e.g. `gcp`.
    public var cloudProvider: String?
    /// Cloud region, e.g. `europe-west1`.
    public var cloudRegion: String?

    /// Creates a location.
    public init(
        countryISO3: String? = nil, countryName: String? = nil, region: String? = nil,
        cloudProvider: String? = nil, cloudRegion: String? = nil
    ) {
        self.countryISO3 = countryISO3
        self.countryName = countryName
        self.region = region
        self.cloudProvider = cloudProvider
        self.cloudRegion = cloudRegion
    }

    /// `World` when nothing is known, else the most specific parts joined.
    public var displayName: String {
        var parts: [String] = []
        if let cloudProvider, let cloudRegion { parts.append("\(cloudProvider):\(cloudRegion)") }
        if let region { parts.append(region) }
        if let countryName { parts.append(countryName) } else if let countryISO3 { parts.append(countryISO3) }
        return parts.isEmpty ? "World" : parts.joined(separator: ", ")
    }
}

/// Embodied (manufacturing) emissions attributed to a run, GSF SCI's `M`.
///
/// M = TE × (TiR / EL) × (RR / ToR): total embodied emissions, times the share of the hardware's
/// lifetime the run reserved, times the share of the machine's resources it reserved.
public struct EmbodiedCarbon: Codable, Sendable, Hashable {
    /// Total embodied emissions of the hardware (TE).
    public var total: CarbonMass
    /// Expected lifetime of the hardware (EL).
    public var lifetime: Duration
    /// Share of the machine reserved by the run (RR/ToR), 0…1.
    public var resourceShare: Double
    /// Time reserved (TiR): the run's duration.
    public var timeReserved: Duration
    /// The attributed amount M.
    public var attributed: CarbonMass
    /// Where TE came from.
    public var method: Method

    /// Computes M from its inputs.
    public init(total: CarbonMass, lifetime: Duration, resourceShare: Double, timeReserved: Duration, method: Method) {
        self.total = total
        self.lifetime = lifetime
        self.resourceShare = resourceShare
        self.timeReserved = timeReserved
        self.method = method
        let lifetimeShare = lifetime.seconds > 0 ? timeReserved.seconds / lifetime.seconds : 0
        self.attributed = total * lifetimeShare * resourceShare
    }

    enum CodingKeys: String, CodingKey {
        case total = "totalGrams", lifetime = "lifetimeSeconds", resourceShare
        case timeReserved = "timeReservedSeconds", attributed = "attributedGrams", method
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        total = try c.decode(CarbonMass.self, forKey: .total)
        lifetime = .seconds(try c.decode(Double.self, forKey: .lifetime))
        resourceShare = try c.decode(Double.self, forKey: .resourceShare)
        timeReserved = .seconds(try c.decode(Double.self, forKey: .timeReserved))
        attributed = try c.decode(CarbonMass.self, forKey: .attributed)
        method = try c.decode(Method.self, forKey: .method)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(total, forKey: .total)
        try c.encode(lifetime.seconds, forKey: .lifetime)
        try c.encode(resourceShare, forKey: .resourceShare)
        try c.encode(timeReserved.seconds, forKey: .timeReserved)
        try c.encode(attributed, forKey: .attributed)
        try c.encode(method, forKey: .method)
    }
}

/// The Green Software Foundation's Software Carbon Intensity: SCI = ((E × I) + M) per R.
public struct SCIScore: Codable, Sendable, Hashable {
    /// The functional unit R, e.g. `inference`, `epoch`, `token`.
    public var functionalUnit: String
    /// How many functional units the run produced.
    public var units: Double
    /// E: energy of the software (process tree, × PUE).
    public var energy: Energy
    /// I: the grid intensity used.
    public var intensity: CarbonIntensity
    /// E × I.
    public var operational: CarbonMass
    /// M: embodied emissions attributed (zero when none were given).
    public var embodied: CarbonMass
    /// ((E × I) + M) / R, in grams CO2e per functional unit.
    public var score: CarbonMass

    /// Computes the score.
    ///
    /// - Precondition: `units > 0` (callers validate user input before).
    public init(functionalUnit: String, units: Double, energy: Energy, intensity: CarbonIntensity, embodied: CarbonMass) {
        self.functionalUnit = functionalUnit
        self.units = units
        self.energy = energy
        self.intensity = intensity
        self.operational = intensity * energy
        self.embodied = embodied
        self.score = (operational + embodied) / units
    }

    enum CodingKeys: String, CodingKey {
        case functionalUnit, units
        case energy = "energyJoules", intensity = "intensityGramsPerKWh", operational = "operationalGrams"
        case embodied = "embodiedGrams", score = "gramsPerUnit"
    }
}

/// The inputs of an estimate, kept in the report so that it can be reproduced.
public struct EstimateInputs: Codable, Sendable, Hashable {
    /// Hardware model names and counts, e.g. `H100 × 8`.
    public var hardware: [EstimatedDevice]
    /// Planned wall-clock time.
    public var duration: Duration
    /// Mean utilisation assumed (0…1) and where it came from.
    public var utilization: Figure<Double>
    /// Total floating-point operations, when the estimate was derived from compute.
    public var flops: Double?
    /// Model FLOPs utilisation assumed for a FLOP-based estimate.
    public var mfu: Figure<Double>?
    /// Numeric precision the FLOP rate refers to, e.g. `bf16`.
    public var precision: String?
    /// How the estimate was computed, in words and formula.
    public var formula: String

    /// Creates estimate inputs.
    public init(
        hardware: [EstimatedDevice], duration: Duration, utilization: Figure<Double>, flops: Double? = nil,
        mfu: Figure<Double>? = nil, precision: String? = nil, formula: String
    ) {
        self.hardware = hardware
        self.duration = duration
        self.utilization = utilization
        self.flops = flops
        self.mfu = mfu
        self.precision = precision
        self.formula = formula
    }

    enum CodingKeys: String, CodingKey {
        case hardware, duration = "durationSeconds", utilization, flops, mfu, precision, formula
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hardware = try c.decode([EstimatedDevice].self, forKey: .hardware)
        duration = .seconds(try c.decode(Double.self, forKey: .duration))
        utilization = try c.decode(Figure<Double>.self, forKey: .utilization)
        flops = try c.decodeIfPresent(Double.self, forKey: .flops)
        mfu = try c.decodeIfPresent(Figure<Double>.self, forKey: .mfu)
        precision = try c.decodeIfPresent(String.self, forKey: .precision)
        formula = try c.decode(String.self, forKey: .formula)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(hardware, forKey: .hardware)
        try c.encode(duration.seconds, forKey: .duration)
        try c.encode(utilization, forKey: .utilization)
        try c.encodeIfPresent(flops, forKey: .flops)
        try c.encodeIfPresent(mfu, forKey: .mfu)
        try c.encodeIfPresent(precision, forKey: .precision)
        try c.encode(formula, forKey: .formula)
    }
}

/// A device in an estimate.
public struct EstimatedDevice: Codable, Sendable, Hashable {
    /// Catalogue name, e.g. `H100 SXM`.
    public var model: String
    /// How many.
    public var count: Int
    /// Its power at full load (TDP) and where that figure comes from.
    public var tdp: Figure<Power>

    /// Creates an estimated device.
    public init(model: String, count: Int, tdp: Figure<Power>) {
        self.model = model
        self.count = count
        self.tdp = tdp
    }

    enum CodingKeys: String, CodingKey {
        case model, count, tdp = "tdpWatts"
    }
}
