public import ArgumentParser
import GreenlightCompress
public import GreenlightCore
import GreenlightMeter
public import GreenlightTensors
public import GreenlightPrivacy
public import GreenlightPolicy
public import GreenlightStandards

// Options with a fixed set of values are typed: the parser refuses anything else (exit 64), `--help` lists
// the choices and shell completion offers them.

/// `--rapl`: which RAPL domains count (the older `--rapl-dram` and `--rapl-psys` flags say the same).
enum RAPLChoice: String, ExpressibleByArgument, CaseIterable {
    case packages
    case packagesDRAM = "packages-dram"
    case psys

    /// Refuses contradicting RAPL flags.
    static func check(_ choice: RAPLChoice?, dram: Bool, psys: Bool) throws {
        let given = [choice != nil, dram, psys].filter { $0 }.count
        if given > 1 { throw ValidationError("--rapl, --rapl-dram and --rapl-psys overlap; choose one") }
    }

    /// The library's selection for the given flags.
    static func resolve(_ choice: RAPLChoice?, dram: Bool, psys: Bool) -> RAPLSelection {
        switch choice ?? (psys ? .psys : dram ? .packagesDRAM : .packages) {
        case .packages: .packages
        case .packagesDRAM: .packagesAndDRAM
        case .psys: .psys
        }
    }
}

/// `--prune`: the pruning method.
enum PruneMethod: String, ExpressibleByArgument, CaseIterable {
    case magnitude, global
    case twoFour = "2:4"

    /// The library's pruning, with `sparsity` (default 0.5) for the magnitude methods.
    func pruning(sparsity: Double?) -> Pruning {
        switch self {
        case .magnitude: .magnitude(sparsity: sparsity ?? 0.5)
        case .global: .globalMagnitude(sparsity: sparsity ?? 0.5)
        case .twoFour: .twoFour
        }
    }
}

extension CompressOptions.OutputFormat: ExpressibleByArgument {}

/// A `--type` value: one of the types `compress` writes, in any case (`q8_0`, `Q4_K`).
extension GGMLType: ExpressibleByArgument {
    public init?(argument: String) {
        guard let type = try? TypePolicy.parseType(argument) else { return nil }
        self = type
    }

    public static var allValueStrings: [String] { TypePolicy.writable.map(\.name) }
    public var defaultValueDescription: String { name }
}

/// A `--precision` value, with its aliases (`bfloat16`, `half`, …).
extension Precision: ExpressibleByArgument {
    public init?(argument: String) {
        guard let precision = try? Precision(parsing: argument) else { return nil }
        self = precision
    }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

/// `--mechanism`: Laplace or Gaussian noise.
extension DPMechanism.Kind: ExpressibleByArgument {}

/// `--encoding`: how text inputs are decoded, with the aliases `TextEncoding(name:)` accepts (`utf8`, `latin-1`, …).
extension TextEncoding: ExpressibleByArgument {
    public init?(argument: String) {
        guard let encoding = try? TextEncoding(name: argument) else { return nil }
        self = encoding
    }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension ReportContext.Stage: ExpressibleByArgument {}

extension CheckFormat: ExpressibleByArgument {}
extension StandardFormat: ExpressibleByArgument {}
