public import GreenlightCore

/// Which RAPL domains make up the CPU figure.
///
/// RAPL domains nest: `core` and `uncore` are inside their package, and `psys` covers the packages
/// and more of the platform. Each selection names domains that can be added without counting any
/// energy twice.
public enum RAPLSelection: Sendable, Hashable {
    /// The package domains only (`package-N`): the CPU figure.
    case packages
    /// The package domains plus the `dram` domains, which the packages do not include.
    case packagesAndDRAM
    /// The platform (`psys`) domain only, on machines that have one (mostly laptops and desktops).
    ///
    /// Falls back to ``packages`` with a note when there is no psys domain.
    case psys
}

/// One RAPL zone found under the powercap directory, whether or not it was selected.
public struct RAPLDomainInfo: Sendable, Hashable {
    /// What a zone measures, from its `name` file.
    public enum Kind: String, Sendable, Hashable {
        /// A CPU package (`package-0`) or one die of it (`package-0-die-1`).
        case package
        /// Memory attached to a package (`dram`).
        case dram
        /// The platform (`psys`): packages and more.
        case psys
        /// The cores of a package (`core`); inside the package figure.
        case core
        /// The rest of a package, e.g. an integrated GPU (`uncore`); inside the package figure.
        case uncore
        /// A name this library does not know.
        case other
    }

    /// The zone's directory name, e.g. `intel-rapl:0` or `intel-rapl:0:1`.
    public var zone: String
    /// The zone's directory.
    public var path: String
    /// The content of the zone's `name` file, e.g. `package-0`, `dram`; empty when it could not be read.
    public var name: String
    /// What the zone measures.
    public var kind: Kind
    /// The package (socket) index, from the zone's name or its parent's; `nil` for psys and unknown zones.
    public var package: Int?
    /// The die index for per-die zones (`package-0-die-1` and their subzones).
    public var die: Int?
    /// Whether `energy_uj` and `max_energy_range_uj` could be read and parsed.
    public var readable: Bool
    /// The value after which the counter wraps to zero (`max_energy_range_uj`), when readable.
    public var maxEnergyRange: Energy?
    /// Whether the zone's counter feeds a channel of the discovered source.
    public var selected: Bool
}

/// What ``RAPLSource/discover(root:selection:)`` found.
public struct RAPLDiscovery: Sendable {
    /// The source over the selected domains, or `nil` when RAPL is absent or unreadable (see ``notes``).
    public var source: RAPLSource?
    /// Why there is no source, what was dropped or combined, and how to fix permissions.
    public var notes: [Note]
    /// Every zone found, with whether it is readable and selected, for diagnostics.
    public var domains: [RAPLDomainInfo]
}

/// A zone directory name: `intel-rapl:N` (top level) or `intel-rapl:N:M` (subzone); `amd-rapl` likewise.
struct RAPLZoneID: Hashable, Comparable, CustomStringConvertible {
    /// The powercap control types that expose RAPL, in order of preference.
    ///
    /// AMD CPUs use `intel-rapl` on Linux 5.8 and later; `amd-rapl` is accepted in case it appears.
    /// `intel-rapl-mmio` is not listed on purpose: it repeats the package counter of `intel-rapl`.
    static let prefixes = ["intel-rapl", "amd-rapl"]

    var prefix: String
    var indices: [Int]

    init(prefix: String, indices: [Int]) {
        self.prefix = prefix
        self.indices = indices
    }

    /// Parses a directory entry; `nil` for anything that is not a zone (`intel-rapl`, `dtpm`, …).
    init?(_ entry: String) {
        let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, Self.prefixes.contains(String(parts[0])) else { return nil }
        var indices: [Int] = []
        for part in parts.dropFirst() {
            guard !part.isEmpty, part.utf8.count <= 6,
                part.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let value = Int(part)
            else { return nil }
            indices.append(value)
        }
        self.init(prefix: String(parts[0]), indices: indices)
    }

    var isTopLevel: Bool { indices.count == 1 }

    /// The top-level zone a subzone belongs to.
    var parent: RAPLZoneID? {
        isTopLevel ? nil : RAPLZoneID(prefix: prefix, indices: [indices[0]])
    }

    var description: String { ([prefix] + indices.map(String.init)).joined(separator: ":") }

    static func < (a: RAPLZoneID, b: RAPLZoneID) -> Bool {
        let pa = prefixes.firstIndex(of: a.prefix) ?? prefixes.count
        let pb = prefixes.firstIndex(of: b.prefix) ?? prefixes.count
        if pa != pb { return pa < pb }
        return a.indices.lexicographicallyPrecedes(b.indices)
    }
}

/// What a zone's `name` file says it measures.
struct RAPLDomainName: Hashable {
    var kind: RAPLDomainInfo.Kind
    var package: Int?
    var die: Int?

    /// Classifies `package-0`, `package-0-die-1`, `psys`, `dram`, `core`, `uncore`.
    init(_ name: String) {
        func number(_ text: Substring) -> Int? {
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            else { return nil }
            return Int(text)
        }
        switch name {
        case "psys": self.init(kind: .psys)
        case "dram": self.init(kind: .dram)
        case "core": self.init(kind: .core)
        case "uncore": self.init(kind: .uncore)
        default:
            let parts = name.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count == 2, parts[0] == "package", let package = number(parts[1]) {
                self.init(kind: .package, package: package)
            } else if parts.count == 4, parts[0] == "package", parts[2] == "die",
                let package = number(parts[1]), let die = number(parts[3])
            {
                self.init(kind: .package, package: package, die: die)
            } else {
                self.init(kind: .other)
            }
        }
    }

    init(kind: RAPLDomainInfo.Kind, package: Int? = nil, die: Int? = nil) {
        self.kind = kind
        self.package = package
        self.die = die
    }
}
