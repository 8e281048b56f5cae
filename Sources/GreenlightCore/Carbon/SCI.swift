import Foundation

/// Embodied carbon of hardware as a user describes it, before it is attributed to a run.
public struct EmbodiedInput: Sendable, Hashable {
    /// Total embodied emissions of the hardware over its life (TE), e.g. from the vendor's product carbon footprint.
    public var total: CarbonMass
    /// Expected lifetime of the hardware in years (EL); a year is 365.25 days.
    public var lifetimeYears: Double
    /// Share of the hardware reserved by the run, 0…1 (RR/ToR); 1 when the run has the machine to itself.
    public var resourceShare: Double

    /// Creates embodied-carbon input.
    public init(total: CarbonMass, lifetimeYears: Double, resourceShare: Double = 1) {
        self.total = total
        self.lifetimeYears = lifetimeYears
        self.resourceShare = resourceShare
    }
}

/// A functional unit for SCI: what the software produces, and how many of it the run produced.
public struct FunctionalUnit: Sendable, Hashable {
    /// The unit R, e.g. `inference`, `epoch`, `token`, `image`.
    public var name: String
    /// How many units the run produced (> 0).
    public var count: Double

    /// Creates a functional unit.
    public init(name: String, count: Double) {
        self.name = name
        self.count = count
    }
}

/// The Green Software Foundation's Software Carbon Intensity (ISO/IEC 21031:2024), built from user input
/// with validation.
///
/// SCI = ((E × I) + M) per R, where E is the software's energy including facility overhead (PUE), I the grid
/// intensity, M the embodied emissions attributed to the run, and R the functional unit.
/// M = TE × (TiR / EL) × (RR / ToR): total embodied emissions × the run's share of the hardware's lifetime ×
/// its share of the hardware's resources.
public enum SCI {
    /// Seconds in a year as the lifetime share uses it: 365.25 days.
    public static let secondsPerYear: Double = 365.25 * 86_400

    /// Attributes embodied emissions to a run: M = TE × (TiR / EL) × share.
    ///
    /// - Parameters:
    ///   - input: Total embodied emissions, lifetime in years, resource share.
    ///   - timeReserved: How long the run held the hardware (TiR), usually its duration.
    ///   - method: Where TE came from; by default `user:embodied`.
    /// - Returns: The embodied carbon with its inputs and the attributed amount.
    /// - Throws: ``GreenlightError`` (invalid input) when TE is negative or not finite, the lifetime is not
    ///   positive, the share is outside 0…1, or the time reserved is negative.
    public static func embodied(
        _ input: EmbodiedInput, timeReserved: Duration,
        method: Method = Method(.user, "embodied", detail: "embodied emissions, lifetime and share given by the user")
    ) throws -> EmbodiedCarbon {
        guard input.total.grams.isFinite, input.total.grams >= 0 else {
            throw GreenlightError.invalidArgument("embodied emissions must be a finite amount ≥ 0, got \(input.total.grams) g", parameter: "embodied")
        }
        guard input.lifetimeYears.isFinite, input.lifetimeYears > 0 else {
            throw GreenlightError.invalidArgument("hardware lifetime must be a positive number of years, got \(input.lifetimeYears)", parameter: "lifetimeYears")
        }
        guard input.resourceShare.isFinite, (0...1).contains(input.resourceShare) else {
            throw GreenlightError.invalidArgument("resource share must be between 0 and 1 (the fraction of the machine the run reserved), got \(input.resourceShare)", parameter: "resourceShare")
        }
        guard timeReserved >= .zero else {
            throw GreenlightError.invalidInput("time reserved must not be negative")
        }
        return EmbodiedCarbon(
            total: input.total, lifetime: .seconds(input.lifetimeYears * secondsPerYear),
            resourceShare: input.resourceShare, timeReserved: timeReserved, method: method)
    }

    /// Computes SCI = ((E × I) + M) / R.
    ///
    /// - Parameters:
    ///   - unit: The functional unit R and how many the run produced.
    ///   - energy: E, the software's energy including PUE (``EnergySection/processFacilityEnergy``).
    ///   - intensity: I, the grid intensity.
    ///   - embodied: M, or `nil` for none.
    /// - Returns: The score and its parts.
    /// - Throws: ``GreenlightError`` (invalid input) when the unit's name is empty or its count is not a positive
    ///   finite number, or when E is negative.
    public static func score(
        unit: FunctionalUnit, energy: Energy, intensity: CarbonIntensity, embodied: EmbodiedCarbon?
    ) throws -> SCIScore {
        let name = unit.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else {
            throw GreenlightError.invalidArgument("the functional unit needs a name, e.g. 'inference', 'epoch' or 'token'", parameter: "functionalUnit")
        }
        guard unit.count.isFinite, unit.count > 0 else {
            throw GreenlightError.invalidArgument("the number of functional units (\(name)) must be a positive number, got \(unit.count)", parameter: "functionalUnits")
        }
        guard energy.joules.isFinite, energy.joules >= 0 else {
            throw GreenlightError.invalidInput("energy must be a finite amount ≥ 0")
        }
        return SCIScore(
            functionalUnit: name, units: unit.count, energy: energy, intensity: intensity,
            embodied: embodied?.attributed ?? .zero)
    }
}
