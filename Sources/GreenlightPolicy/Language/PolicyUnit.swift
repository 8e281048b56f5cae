public import GreenlightCore

/// A unit a policy may write a threshold in, and its factor to the dimension's base unit.
public struct PolicyUnit: Sendable, Hashable {
    /// As written: `kWh`, `kg`, `%`.
    public let symbol: String
    /// What it measures.
    public let dimension: MetricDimension
    /// Base units per one of it (`kWh` → 3.6e6 J).
    public let factor: Double

    /// The units of every dimension. CO2e masses may be written `kg` or `kgCO2e`; intensity `g/kWh` or
    /// `gCO2e/kWh`; decimal (KB, MB) and binary (KiB, MiB) bytes are both there.
    public static let all: [PolicyUnit] = {
        var units: [PolicyUnit] = []
        func add(_ dimension: MetricDimension, _ pairs: [(String, Double)]) {
            units += pairs.map { PolicyUnit(symbol: $0.0, dimension: dimension, factor: $0.1) }
        }
        add(.energy, [("J", 1), ("kJ", 1e3), ("MJ", 1e6), ("GJ", 1e9), ("Wh", 3600), ("kWh", 3.6e6), ("MWh", 3.6e9), ("GWh", 3.6e12)])
        add(.power, [("mW", 1e-3), ("W", 1), ("kW", 1e3), ("MW", 1e6)])
        for (prefix, f) in [("mg", 1e-3), ("g", 1.0), ("kg", 1e3), ("t", 1e6)] {
            add(.carbon, [(prefix, f), (prefix + "CO2e", f), (prefix + "CO2eq", f)])
        }
        for (mass, f) in [("g", 1.0), ("kg", 1e3)] {
            for gas in ["", "CO2e", "CO2eq"] {
                add(.intensity, [("\(mass)\(gas)/kWh", f), ("\(mass)\(gas)/MWh", f / 1000)])
            }
        }
        add(.duration, [("ms", 1e-3), ("s", 1), ("min", 60), ("h", 3600), ("d", 86_400)])
        add(.bytes, [("B", 1), ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12),
                     ("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824), ("TiB", 1_099_511_627_776)])
        add(.ratio, [("%", 0.01)])
        add(.flops, [("FLOP", 1), ("FLOPs", 1)])
        return units
    }()

    private static let bySymbol: [String: PolicyUnit] = Dictionary(all.map { ($0.symbol, $0) }, uniquingKeysWith: { a, _ in a })

    /// The unit written `symbol` (exact case: `mW` is not `MW`), or nil.
    public static func named(_ symbol: String) -> PolicyUnit? { bySymbol[symbol] }

    /// The symbols a dimension can be written in, for messages: `J, kJ, …, kWh, MWh`.
    public static func symbols(for dimension: MetricDimension) -> [String] {
        all.filter { $0.dimension == dimension }.map(\.symbol)
    }

    /// Whether a bare number is accepted for a dimension: those without a physical unit (ratio, number,
    /// FLOP). Energy, carbon, time and the rest need their unit, so that `5` is never read as 5 J.
    public static func bareNumberAllowed(for dimension: MetricDimension) -> Bool {
        switch dimension {
        case .ratio, .number, .flops: true
        default: false
        }
    }
}
