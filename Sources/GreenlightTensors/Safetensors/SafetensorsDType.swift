/// An element type of a safetensors file, spelled as in the header (`"F32"`, `"BF16"`, ...).
///
/// The byte-sized subset of the reference implementation's `Dtype`; sub-byte types (F4, F6) and
/// complex types are rejected as unknown.
public enum SafetensorsDType: String, Sendable, CaseIterable, Hashable {
    case bool = "BOOL"
    case u8 = "U8"
    case i8 = "I8"
    case f8E5M2 = "F8_E5M2"
    case f8E4M3 = "F8_E4M3"
    case i16 = "I16"
    case u16 = "U16"
    case f16 = "F16"
    case bf16 = "BF16"
    case i32 = "I32"
    case u32 = "U32"
    case f32 = "F32"
    case f64 = "F64"
    case i64 = "I64"
    case u64 = "U64"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .bool, .u8, .i8, .f8E5M2, .f8E4M3: 1
        case .i16, .u16, .f16, .bf16: 2
        case .i32, .u32, .f32: 4
        case .f64, .i64, .u64: 8
        }
    }

    /// The header spelling, e.g. `"F32"`.
    public var name: String { rawValue }

    /// The ggml type with the same element layout, or nil where ggml has none (BOOL, unsigned, FP8).
    public var ggmlType: GGMLType? {
        switch self {
        case .f32: .f32
        case .f16: .f16
        case .bf16: .bf16
        case .f64: .f64
        case .i8: .i8
        case .i16: .i16
        case .i32: .i32
        case .i64: .i64
        case .bool, .u8, .u16, .u32, .u64, .f8E5M2, .f8E4M3: nil
        }
    }

    /// The safetensors dtype with the same element layout as a plain (non-quantized) ggml type.
    public init?(_ type: GGMLType) {
        guard let match = SafetensorsDType.allCases.first(where: { $0.ggmlType == type }) else { return nil }
        self = match
    }
}
