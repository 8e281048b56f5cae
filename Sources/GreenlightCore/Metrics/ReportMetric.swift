/// What a metric measures, which decides the units a policy may compare it in.
public enum MetricDimension: String, Sendable, Hashable, CaseIterable, Codable {
    /// Joules (J, Wh, kWh, MWh, GWh).
    case energy
    /// Watts (mW, W, kW, MW).
    case power
    /// Grams of CO2e (g, kg, t).
    case carbon
    /// Grams of CO2e per kilowatt-hour (g/kWh, kg/kWh).
    case intensity
    /// Seconds (ms, s, min, h, d).
    case duration
    /// Bytes (B, KB…TB, KiB…TiB).
    case bytes
    /// A fraction: `0.25`, or in percent (`25 %`).
    case ratio
    /// A plain number: a count, a factor (PUE, compression ratio), bits per weight.
    case number
    /// Floating-point operations (`1e23`, or `FLOP`).
    case flops
    /// A word or name: compared with `==`, `!=`, `in`, `not in`.
    case text
    /// A set of words (every component's method kind): `in` means every one is in the list.
    case textSet = "text-set"
    /// `true` or `false`.
    case boolean

    /// The unit values are stored and shown in.
    public var baseUnit: String {
        switch self {
        case .energy: "J"
        case .power: "W"
        case .carbon: "gCO2e"
        case .intensity: "gCO2e/kWh"
        case .duration: "s"
        case .bytes: "B"
        case .flops: "FLOP"
        case .ratio, .number, .text, .textSet, .boolean: ""
        }
    }
}

/// A metric's value in one report, with how it was obtained.
public struct MetricValue: Sendable, Hashable {
    /// The value: a number in the dimension's base unit, a word, a set of words or a truth value.
    public enum Value: Sendable, Hashable {
        case number(Double)
        case text(String)
        case texts([String])
        case boolean(Bool)
    }

    /// The value.
    public var value: Value
    /// How it was obtained, as a method label (`measured:rapl`, `estimated:owid-ember`, `user:pue`), or a short
    /// phrase; nil where the value is the report's own bookkeeping (its kind, its context).
    public var method: String?

    /// A value and how it was obtained.
    public init(_ value: Value, method: String? = nil) {
        self.value = value
        self.method = method
    }

    /// A number, in the metric's base unit.
    public static func number(_ x: Double, _ method: String? = nil) -> MetricValue { MetricValue(.number(x), method: method) }
    /// A word.
    public static func text(_ s: String, _ method: String? = nil) -> MetricValue { MetricValue(.text(s), method: method) }
}

/// How `check --combine` merges a metric over several reports (a pipeline: training, then compression).
public enum MetricCombination: String, Sendable, Hashable, Codable {
    /// Summed (energy, emissions, time, FLOP).
    case sum
    /// The largest (peak memory).
    case max
    /// The union of the words (methods of every component).
    case union
    /// Defined only where every report that has it agrees (the grid intensity, a context field).
    case same
}

/// One figure a policy can name: `energy.total`, `carbon.intensity.method`, `context.tags.*`.
///
/// Report sections register theirs (``ReportMetricProvider``); the catalogue (``MetricCatalogue``) collects them
/// and the evaluator reads values through ``read``, so a new section adds metrics without touching it.
public struct ReportMetric: Sendable {
    /// The dotted name; a family ends in `.*` and is named with a key in its place (`context.tags.team`).
    public let name: String
    /// What it measures.
    public let dimension: MetricDimension
    /// One line saying what it is and where it comes from.
    public let meaning: String
    /// The report kinds that have it.
    public let kinds: [Report.Kind]
    /// How `--combine` merges it.
    public let combination: MetricCombination
    private let reader: @Sendable (Report, String?) -> MetricValue?

    /// A metric.
    ///
    /// - Parameter read: Its value in a report (the key for a family), or nil when the report lacks it.
    public init(
        _ name: String, _ dimension: MetricDimension, _ meaning: String, kinds: [Report.Kind],
        combination: MetricCombination = .same, read: @escaping @Sendable (Report, String?) -> MetricValue?
    ) {
        self.name = name
        self.dimension = dimension
        self.meaning = meaning
        self.kinds = kinds
        self.combination = combination
        self.reader = read
    }

    /// A metric that is not a family.
    public init(
        _ name: String, _ dimension: MetricDimension, _ meaning: String, kinds: [Report.Kind],
        combination: MetricCombination = .same, value: @escaping @Sendable (Report) -> MetricValue?
    ) {
        self.init(name, dimension, meaning, kinds: kinds, combination: combination) { report, _ in value(report) }
    }

    /// Whether the name ends in `.*` and takes a key.
    public var isFamily: Bool { name.hasSuffix(".*") }

    /// The value in `report` (for a family, under `key`), or nil when the report lacks it.
    public func read(_ report: Report, key: String? = nil) -> MetricValue? { reader(report, key) }
}

/// A report section (or any part of the model) that offers metrics to policies.
public protocol ReportMetricProvider {
    /// The metrics this part of the report holds.
    static var metrics: [ReportMetric] { get }
}
