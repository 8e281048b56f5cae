import Foundation
import GreenlightCore
import GreenlightTensors

/// What a model file holds: its tensors, their types and sizes, and its metadata.
public struct ModelInspection: Codable, Sendable {
    /// One tensor.
    public struct Tensor: Codable, Sendable {
        public var name: String
        /// Type name, e.g. `F32`, `Q8_0`, `I64`.
        public var type: String
        /// Shape, outermost first (safetensors order; GGUF `ne` reversed).
        public var shape: [Int]
        public var parameters: Int
        public var bytes: Int
        public var bitsPerWeight: Double
        /// Fraction of exact zeros, with `--sparsity`.
        public var sparsity: Double?
        /// Groups of four along rows breaking the 2:4 pattern, and groups checked, with `--sparsity`.
        public var twoFourViolations: Int?
        public var twoFourGroups: Int?
    }

    public var path: String
    /// `safetensors` or `gguf`.
    public var format: String
    public var fileBytes: Int
    public var tensors: [Tensor]
    /// Metadata as `key: value` text (long arrays summarised).
    public var metadata: [String: String]
    public var parameters: Int { tensors.reduce(0) { $0 + $1.parameters } }
    public var dataBytes: Int { tensors.reduce(0) { $0 + $1.bytes } }
    public var bitsPerWeight: Double { parameters == 0 ? 0 : Double(dataBytes) * 8 / Double(parameters) }

    enum CodingKeys: String, CodingKey {
        case path, format, fileBytes, tensors, metadata, parameters, dataBytes, bitsPerWeight
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode(String.self, forKey: .path)
        format = try c.decode(String.self, forKey: .format)
        fileBytes = try c.decode(Int.self, forKey: .fileBytes)
        tensors = try c.decode([Tensor].self, forKey: .tensors)
        metadata = try c.decode([String: String].self, forKey: .metadata)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(format, forKey: .format)
        try c.encode(fileBytes, forKey: .fileBytes)
        try c.encode(tensors, forKey: .tensors)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(parameters, forKey: .parameters)
        try c.encode(dataBytes, forKey: .dataBytes)
        try c.encode(bitsPerWeight, forKey: .bitsPerWeight)
    }

    init(path: String, format: String, fileBytes: Int, tensors: [Tensor], metadata: [String: String]) {
        self.path = path
        self.format = format
        self.fileBytes = fileBytes
        self.tensors = tensors
        self.metadata = metadata
    }
}

/// Reads safetensors and GGUF files for `greenlight inspect`.
public enum ModelInspector {
    /// Inspects `path`, recognised by its GGUF magic or else read as safetensors.
    ///
    /// - Parameters:
    ///   - sparsity: also decode float and block tensors to measure zeros and the 2:4 pattern.
    /// - Throws: ``GreenlightError`` when the file is missing or invalid in either format.
    public static func inspect(_ path: String, sparsity: Bool = false) throws -> ModelInspection {
        let source = try ModelSource(path: path)
        var tensors: [ModelInspection.Tensor] = []
        for t in source.tensors {
            var e = ModelInspection.Tensor(name: t.name, type: t.typeName, shape: t.shape, parameters: t.elementCount,
                                           bytes: t.byteCount, bitsPerWeight: Double(t.byteCount * 8) / Double(max(1, t.elementCount)))
            if sparsity, let type = t.type, Quantizer.isDequantizable(type) {
                let values: [Float]
                do {
                    values = try Quantizer.dequantize(source.data(t), type: type)
                } catch let error as GreenlightError {
                    throw GreenlightError.invalidInput("\(TerminalText.escaped(path)): tensor \"\(TerminalText.escaped(t.name))\": \(error.message)")
                }
                measure(values, rowLength: t.shape.last ?? 1, into: &e)
                source.release(t)
            }
            tensors.append(e)
        }
        let metadata: [String: String] = switch source.file {
        case .gguf(let f): Dictionary(f.metadata.map { ($0.key, summary($0.value)) }, uniquingKeysWith: { a, _ in a })
        case .safetensors(let f): f.metadata ?? [:]
        }
        return ModelInspection(path: path, format: source.format, fileBytes: source.fileSize, tensors: tensors, metadata: metadata)
    }

    private static func measure(_ values: [Float], rowLength: Int, into e: inout ModelInspection.Tensor) {
        values.withUnsafeBufferPointer { v in
            e.sparsity = Pruner.sparsity(v)
            if let c = Pruner.checkTwoFour(v, rowLength: rowLength) {
                e.twoFourGroups = c.groups
                e.twoFourViolations = c.violations
            }
        }
    }

    /// A value for display: arrays longer than 8 elements show their first 3 (decoded lazily, so a huge
    /// array costs nothing), strings longer than 256 characters their start.
    static func summary(_ value: GGUFValue) -> String {
        switch value {
        case .array(let a) where a.count > 8:
            return "[\(a.count) × \(a.elementType)] " + a.prefix(3).map(summary).joined(separator: ", ") + ", …"
        case .array(let a):
            return "[" + a.map(summary).joined(separator: ", ") + "]"
        case .string(let s) where s.count > 256:
            return "\"\(s.prefix(256))…\" (\(s.utf8.count) bytes)"
        default:
            return value.description
        }
    }
}
