public import Foundation

/// A numeric precision that peak FLOP rates are quoted for.
public enum Precision: String, CaseIterable, Codable, Sendable, Hashable, CustomStringConvertible {
    /// IEEE double precision.
    case fp64
    /// IEEE single precision (non-tensor rate).
    case fp32
    /// NVIDIA TensorFloat-32 tensor rate (AMD: XF32/TF32 matrix rate).
    case tf32
    /// bfloat16 tensor/matrix rate.
    case bf16
    /// IEEE half precision tensor/matrix rate.
    case fp16
    /// 8-bit floating point (E4M3/E5M2) tensor/matrix rate.
    case fp8

    /// Parses a user's spelling: `bf16`, `bfloat16`, `fp16`, `float16`, `half`, `fp32`, `float32`, `float`,
    /// `single`, `tf32`, `fp64`, `float64`, `double`, `fp8`, `float8` (case-insensitive).
    ///
    /// - Throws: ``GreenlightError`` (not found) listing the accepted names.
    public init(parsing text: String) throws {
        let key = text.trimmingCharacters(in: .whitespaces).lowercased()
        let aliases: [String: Precision] = [
            "fp64": .fp64, "float64": .fp64, "double": .fp64, "f64": .fp64,
            "fp32": .fp32, "float32": .fp32, "float": .fp32, "single": .fp32, "f32": .fp32,
            "tf32": .tf32, "tensorfloat32": .tf32,
            "bf16": .bf16, "bfloat16": .bf16,
            "fp16": .fp16, "float16": .fp16, "half": .fp16, "f16": .fp16,
            "fp8": .fp8, "float8": .fp8, "e4m3": .fp8, "e5m2": .fp8,
        ]
        guard let p = aliases[key] else {
            let hint = Suggestions.didYouMean(Suggestions.closest(to: key, in: Precision.allCases.map { .init(label: $0.rawValue, names: [$0.rawValue]) }))
            throw GreenlightError.notFound("unknown precision '\(text)'.\(hint) Use one of \(Precision.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        self = p
    }

    public var description: String { rawValue }
}

/// A device in the ``HardwareCatalogue``: its power and peak compute rates, with the document they come from.
public struct DeviceSpec: Sendable, Hashable {
    /// What kind of device.
    public enum Kind: String, Codable, Sendable, Hashable {
        /// An accelerator (GPU).
        case gpu
        /// A CPU package (socket).
        case cpu
    }

    /// The catalogue name, e.g. `H100 SXM`.
    public var name: String
    /// GPU or CPU.
    public var kind: Kind
    /// `NVIDIA`, `AMD`, `Intel`.
    public var vendor: String
    /// Maximum board power (GPUs) or TDP (CPUs).
    public var tdp: Power
    /// Peak dense rates in FLOP/s by precision; a precision the device has no figure for is absent.
    public var peakFLOPS: [Precision: Double]
    /// Other names the device is found by (case-insensitive), e.g. `H100`, `NVIDIA H100 80GB HBM3`.
    public var aliases: [String]
    /// The vendor document the figures come from.
    public var source: String
    /// Where that document is.
    public var sourceURL: String?

    /// Creates a device description.
    public init(
        name: String, kind: Kind, vendor: String, tdp: Power, peakFLOPS: [Precision: Double],
        aliases: [String] = [], source: String, sourceURL: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.vendor = vendor
        self.tdp = tdp
        self.peakFLOPS = peakFLOPS
        self.aliases = aliases
        self.source = source
        self.sourceURL = sourceURL
    }

    /// Peak dense FLOP/s at a precision, or `nil` when the catalogue has no figure.
    public func peak(_ precision: Precision) -> Double? { peakFLOPS[precision] }

    /// The TDP labelled `estimated:hardware-catalogue` with its source document.
    public var tdpFigure: Figure<Power> {
        Figure(tdp, Method(.estimated, "hardware-catalogue", detail: "\(vendor) \(name) \(tdp): \(source)"))
    }

    /// The component kind energy figures of this device are reported under.
    public var componentKind: ComponentKind { kind == .gpu ? .gpu : .cpu }
}

/// GPUs and server CPUs for estimates: board power and peak dense FLOP rates from vendor datasheets.
///
/// The bundled catalogue (`Resources/hardware-catalogue.json`) cites a document for every device. Lookups
/// ignore case, spaces, hyphens and a leading vendor or brand word (`NVIDIA`, `AMD`, `Intel`, `Tesla`,
/// `GeForce`, `Instinct`), so `h100`, `NVIDIA H100 80GB HBM3` (the NVML name) and `H100-SXM` all find `H100 SXM`.
public struct HardwareCatalogue: Sendable {
    /// The catalogue shipped with Greenlight, loaded once.
    public static let bundled: HardwareCatalogue = BundledResource.load("hardware-catalogue.json") {
        try HardwareCatalogue(jsonData: $0)
    }

    /// Every device, in catalogue order.
    public let devices: [DeviceSpec]
    private let index: [String: Int]

    /// Creates a catalogue from devices; later devices do not replace earlier names.
    public init(devices: [DeviceSpec]) {
        self.devices = devices
        var index: [String: Int] = [:]
        for (i, d) in devices.enumerated() {
            for name in [d.name] + d.aliases {
                let k = Self.key(name)
                if index[k] == nil { index[k] = i }
            }
        }
        self.index = index
    }

    /// Reads a catalogue in the layout of `Resources/hardware-catalogue.json`.
    ///
    /// - Throws: ``GreenlightError`` when the data are not in that layout.
    public init(jsonData: Data) throws {
        struct File: Decodable {
            struct Device: Decodable {
                var name: String
                var kind: DeviceSpec.Kind
                var vendor: String
                var tdpWatts: Double
                var peakTFLOPS: [String: Double]
                var aliases: [String]?
                var source: String
                var sourceURL: String?
            }
            var devices: [Device]
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: jsonData)
        } catch {
            throw GreenlightError.invalidInput("not a Greenlight hardware catalogue: \(error)")
        }
        var devices: [DeviceSpec] = []
        for d in file.devices {
            var peaks: [Precision: Double] = [:]
            for (k, v) in d.peakTFLOPS {
                guard let p = Precision(rawValue: k) else {
                    throw GreenlightError.invalidInput("hardware catalogue: \(d.name) has an unknown precision '\(k)'")
                }
                peaks[p] = v * 1e12
            }
            devices.append(DeviceSpec(
                name: d.name, kind: d.kind, vendor: d.vendor, tdp: Power(watts: d.tdpWatts), peakFLOPS: peaks,
                aliases: d.aliases ?? [], source: d.source, sourceURL: d.sourceURL))
        }
        self.init(devices: devices)
    }

    /// The device a user named.
    ///
    /// - Parameter name: A catalogue name or alias, e.g. `H100`, `a100`, `MI300X`, `NVIDIA L4`.
    /// - Returns: The device.
    /// - Throws: ``GreenlightError`` (not found) suggesting the closest names and listing the catalogue.
    public func device(named name: String) throws -> DeviceSpec {
        let k = Self.key(name)
        if let i = index[k] { return devices[i] }
        let stripped = Self.key(Self.dropBrand(name))
        if let i = index[stripped] { return devices[i] }
        let candidates = devices.map { Suggestions.Candidate(label: $0.name, names: ([$0.name] + $0.aliases).map(Self.key)) }
        let hint = Suggestions.didYouMean(Suggestions.closest(to: stripped.isEmpty ? k : stripped, in: candidates))
        throw GreenlightError.notFound(
            "unknown device '\(name)'.\(hint) Known devices: \(devices.map(\.name).joined(separator: ", ")).")
    }

    /// Lower-case letters, digits and `+` only.
    static func key(_ s: String) -> String {
        String(s.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "+" }.map(Character.init))
    }

    private static func dropBrand(_ s: String) -> String {
        let brands: Set<String> = ["nvidia", "amd", "intel", "tesla", "geforce", "instinct", "radeon"]
        return s.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "_" })
            .drop(while: { brands.contains($0.lowercased()) })
            .joined(separator: " ")
    }
}
