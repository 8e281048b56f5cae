import Foundation
import GreenlightCore
public import GreenlightTensors

/// Which type each tensor gets: llama-quantize's rules, the user's overrides, and the fallbacks for rows a
/// block type cannot divide.
public struct TypePolicy: Sendable {
    /// A per-tensor override: the first whose pattern matches the output name (anywhere) wins.
    public struct Override: Sendable {
        /// The pattern as the user wrote it.
        public let pattern: String
        let regex: NSRegularExpressionBox
        /// The type for matching tensors.
        public let type: GGMLType

        /// Parses `REGEX=TYPE` (llama-quantize's `--tensor-type` syntax).
        ///
        /// - Throws: ``GreenlightError`` for a missing `=`, a bad regular expression or an unknown type.
        public init(parsing text: String) throws {
            guard let eq = text.lastIndex(of: "="), eq != text.startIndex else {
                throw GreenlightError.invalidArgument("\"\(text)\": expected REGEX=TYPE, e.g. attn_v=q8_0", parameter: "tensorTypes")
            }
            try self.init(pattern: String(text[..<eq]), type: try TypePolicy.parseType(String(text[text.index(after: eq)...])))
        }

        /// An override for names matching `pattern`.
        public init(pattern: String, type: GGMLType) throws {
            do {
                regex = NSRegularExpressionBox(try NSRegularExpression(pattern: pattern))
            } catch {
                throw GreenlightError.invalidArgument("\"\(pattern)\" is not a valid regular expression", parameter: "tensorTypes")
            }
            self.pattern = pattern
            self.type = type
        }

        func matches(_ name: String) -> Bool {
            regex.value.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
        }
    }

    /// The type asked for.
    public var type: GGMLType
    /// Per-tensor overrides, tried in order.
    public var overrides: [Override]
    /// Type of the token embeddings (`token_embd.weight`), when it should differ from ``type``.
    public var tokenEmbeddingType: GGMLType?
    /// Type of the output projection (`output.weight`), when it should differ from ``type``.
    public var outputTensorType: GGMLType?

    /// Creates a policy.
    public init(type: GGMLType, overrides: [Override] = [], tokenEmbeddingType: GGMLType? = nil, outputTensorType: GGMLType? = nil) {
        self.type = type
        self.overrides = overrides
        self.tokenEmbeddingType = tokenEmbeddingType
        self.outputTensorType = outputTensorType
    }

    /// The types `compress` can write.
    public static let writable: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q6_K]

    /// Parses a type name such as `q8_0` or `Q4_K` (case-insensitive).
    public static func parseType(_ text: String) throws -> GGMLType {
        guard let t = GGMLType(name: text), writable.contains(t) else {
            throw GreenlightError.invalidInput(
                "unknown or unsupported type \"\(text)\"; choose one of \(writable.map(\.name).joined(separator: ", "))")
        }
        return t
    }

    /// Whether llama-quantize would quantize this tensor: a 2-D-or-more weight that is not a norm, nor
    /// BERT's position or token-type embeddings. Others stay in float.
    public static func isQuantizable(name: String, dimensions: Int) -> Bool {
        name.hasSuffix("weight") && dimensions >= 2 && !name.contains("_norm.weight")
            && name != "position_embd.weight" && name != "token_types.weight"
            && !name.contains("ffn_gate_inp.weight")
    }

    /// The type of one tensor and, when it is not the one asked for because the row length does not divide
    /// into blocks, why.
    ///
    /// - Parameters:
    ///   - name: the output name.
    ///   - ne: GGUF dimensions (`ne[0]` is the row length).
    public func choose(name: String, ne: [Int]) -> (type: GGMLType, fallback: String?) {
        var wanted: GGMLType
        if let o = overrides.first(where: { $0.matches(name) }) {
            wanted = o.type
        } else if !Self.isQuantizable(name: name, dimensions: ne.count) {
            return (.f32, nil)
        } else if name == "token_embd.weight", let t = tokenEmbeddingType {
            wanted = t
        } else if name == "output.weight", let t = outputTensorType {
            wanted = t
        } else {
            wanted = type
        }
        let row = ne.first ?? 1
        guard row % wanted.blockSize != 0 else { return (wanted, nil) }
        // llama.cpp's fallbacks (llama_tensor_get_type), then F16 for anything else.
        var chosen: GGMLType = switch wanted {
        case .q4_K: .q5_0
        case .q6_K: .q8_0
        default: .f16
        }
        if row % chosen.blockSize != 0 { chosen = .f16 }
        return (chosen, "row length \(row) is not a multiple of \(wanted.name)'s \(wanted.blockSize): \(wanted.name) → \(chosen.name)")
    }
}

/// NSRegularExpression is immutable and thread-safe but not marked Sendable.
struct NSRegularExpressionBox: @unchecked Sendable {
    let value: NSRegularExpression
    init(_ value: NSRegularExpression) { self.value = value }
}
