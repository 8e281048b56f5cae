/// Energy, stored in joules.
///
/// Typed quantities keep joules, kilowatt-hours, watts and grams apart at compile time:
/// `Power * Duration` is ``Energy``, `Energy * CarbonIntensity` is ``CarbonMass``, and nothing else mixes.
public struct Energy: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The value in joules (watt-seconds).
    public var joules: Double

    /// Creates an energy from joules.
    public init(joules: Double) { self.joules = joules }
    /// Creates an energy from microjoules, the unit of RAPL counters.
    public init(microjoules: Double) { self.joules = microjoules / 1e6 }
    /// Creates an energy from millijoules, the unit of NVML's energy counter.
    public init(millijoules: Double) { self.joules = millijoules / 1e3 }
    /// Creates an energy from watt-hours.
    public init(wattHours: Double) { self.joules = wattHours * 3600 }
    /// Creates an energy from kilowatt-hours.
    public init(kilowattHours: Double) { self.joules = kilowattHours * 3.6e6 }

    /// The value in watt-hours.
    public var wattHours: Double { joules / 3600 }
    /// The value in kilowatt-hours, the unit of grid carbon intensity.
    public var kilowattHours: Double { joules / 3.6e6 }

    public static let zero = Energy(joules: 0)

    public static func + (a: Energy, b: Energy) -> Energy { Energy(joules: a.joules + b.joules) }
    public static func - (a: Energy, b: Energy) -> Energy { Energy(joules: a.joules - b.joules) }
    public static func += (a: inout Energy, b: Energy) { a.joules += b.joules }
    public static func * (a: Energy, k: Double) -> Energy { Energy(joules: a.joules * k) }
    public static func * (k: Double, a: Energy) -> Energy { Energy(joules: a.joules * k) }
    public static func / (a: Energy, k: Double) -> Energy { Energy(joules: a.joules / k) }
    /// Mean power over a duration.
    public static func / (a: Energy, d: Duration) -> Power { Power(watts: a.joules / d.seconds) }
    public static func < (a: Energy, b: Energy) -> Bool { a.joules < b.joules }

    public init(from decoder: any Decoder) throws { joules = try decoder.singleValueContainer().decode(Double.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(joules)
    }

    public var description: String { Format.energy(self) }
}

/// Power, stored in watts.
public struct Power: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The value in watts.
    public var watts: Double

    /// Creates a power from watts.
    public init(watts: Double) { self.watts = watts }
    /// Creates a power from milliwatts, the unit of NVML's power reading.
    public init(milliwatts: Double) { self.watts = milliwatts / 1e3 }

    /// The value in kilowatts.
    public var kilowatts: Double { watts / 1e3 }

    public static let zero = Power(watts: 0)

    public static func + (a: Power, b: Power) -> Power { Power(watts: a.watts + b.watts) }
    public static func - (a: Power, b: Power) -> Power { Power(watts: a.watts - b.watts) }
    public static func * (a: Power, k: Double) -> Power { Power(watts: a.watts * k) }
    public static func * (k: Double, a: Power) -> Power { Power(watts: a.watts * k) }
    /// Energy drawn at this power for a duration.
    public static func * (p: Power, d: Duration) -> Energy { Energy(joules: p.watts * d.seconds) }
    public static func * (d: Duration, p: Power) -> Energy { Energy(joules: p.watts * d.seconds) }
    public static func < (a: Power, b: Power) -> Bool { a.watts < b.watts }

    public init(from decoder: any Decoder) throws { watts = try decoder.singleValueContainer().decode(Double.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(watts)
    }

    public var description: String { Format.power(self) }
}

/// A mass of carbon-dioxide equivalent (CO2e), stored in grams.
public struct CarbonMass: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The value in grams of CO2e.
    public var grams: Double

    /// Creates a mass from grams of CO2e.
    public init(grams: Double) { self.grams = grams }
    /// Creates a mass from kilograms of CO2e.
    public init(kilograms: Double) { self.grams = kilograms * 1e3 }
    /// Creates a mass from tonnes of CO2e.
    public init(tonnes: Double) { self.grams = tonnes * 1e6 }

    /// The value in kilograms of CO2e (CodeCarbon's unit).
    public var kilograms: Double { grams / 1e3 }

    public static let zero = CarbonMass(grams: 0)

    public static func + (a: CarbonMass, b: CarbonMass) -> CarbonMass { CarbonMass(grams: a.grams + b.grams) }
    public static func - (a: CarbonMass, b: CarbonMass) -> CarbonMass { CarbonMass(grams: a.grams - b.grams) }
    public static func * (a: CarbonMass, k: Double) -> CarbonMass { CarbonMass(grams: a.grams * k) }
    public static func / (a: CarbonMass, k: Double) -> CarbonMass { CarbonMass(grams: a.grams / k) }
    public static func < (a: CarbonMass, b: CarbonMass) -> Bool { a.grams < b.grams }

    public init(from decoder: any Decoder) throws { grams = try decoder.singleValueContainer().decode(Double.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(grams)
    }

    public var description: String { Format.carbon(self) }
}

/// Carbon intensity of electricity, stored in grams of CO2e per kilowatt-hour.
public struct CarbonIntensity: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The value in gCO2e/kWh.
    public var gramsPerKilowattHour: Double

    /// Creates an intensity from gCO2e/kWh.
    public init(gramsPerKilowattHour: Double) { self.gramsPerKilowattHour = gramsPerKilowattHour }
    /// Creates an intensity from pounds per megawatt-hour (EPA eGRID's unit).
    public init(poundsPerMegawattHour: Double) {
        // 1 lb = 453.59237 g; 1 MWh = 1000 kWh.
        self.gramsPerKilowattHour = poundsPerMegawattHour * 453.59237 / 1000
    }

    /// Carbon emitted by consuming this much energy: I = C × E.
    public static func * (c: CarbonIntensity, e: Energy) -> CarbonMass {
        CarbonMass(grams: c.gramsPerKilowattHour * e.kilowattHours)
    }
    public static func * (e: Energy, c: CarbonIntensity) -> CarbonMass { c * e }
    public static func < (a: CarbonIntensity, b: CarbonIntensity) -> Bool {
        a.gramsPerKilowattHour < b.gramsPerKilowattHour
    }

    public init(from decoder: any Decoder) throws {
        gramsPerKilowattHour = try decoder.singleValueContainer().decode(Double.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(gramsPerKilowattHour)
    }

    public var description: String { "\(Format.number(gramsPerKilowattHour)) gCO2e/kWh" }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    public var seconds: Double {
        // `components` traps beyond Int64 seconds, which a sum of two saturated durations reaches.
        guard Self.int64Seconds.contains(self) else { return self / .seconds(1) }
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }

    /// The durations whose whole seconds fit `Int64` (where `components` does not trap).
    private static let int64Seconds =
        Duration(secondsComponent: .min, attosecondsComponent: 0)...Duration(secondsComponent: .max, attosecondsComponent: 0)

    /// The duration in hours.
    public var hours: Double { seconds / 3600 }

    /// The duration in whole nanoseconds (truncated; saturates at ±292 years).
    public var wholeNanoseconds: Int64 {
        guard Self.int64Seconds.contains(self) else { return self < .zero ? .min : .max }
        let c = components
        let (whole, overflow) = c.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return c.seconds < 0 ? .min : .max }
        let (sum, overflow2) = whole.addingReportingOverflow(c.attoseconds / 1_000_000_000)
        return overflow2 ? (whole < 0 ? .min : .max) : sum
    }

    /// Creates a duration from fractional seconds, to the nearest nanosecond.
    ///
    /// Any finite value is exact to the second up to ±2.9 × 10¹¹ years (`Int64` seconds), so the planned
    /// duration of a frontier-scale training run fits; beyond that it saturates, and NaN gives zero. (A plain
    /// `Int64` of nanoseconds would trap beyond 292 years.)
    public static func seconds(_ value: Double) -> Duration {
        guard !value.isNaN else { return .zero }
        let limit = 9.2e18  // just below Int64.max, as a Double
        guard abs(value) < limit else {
            return Duration(secondsComponent: value < 0 ? .min : .max, attosecondsComponent: 0)
        }
        let whole = value.rounded(.towardZero)
        let nanos = ((value - whole) * 1e9).rounded()
        return Duration(secondsComponent: Int64(whole), attosecondsComponent: Int64(nanos) * 1_000_000_000)
    }

    /// Creates a duration from fractional hours.
    public static func hours(_ value: Double) -> Duration { .seconds(value * 3600) }
}
