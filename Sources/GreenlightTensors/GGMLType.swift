/// A ggml tensor type, numbered as in ggml.h and gguf-py's `GGMLQuantizationType`.
///
/// Only the types Greenlight reads or writes are listed; any other number in a GGUF file is an
/// unsupported type, reported by name of its number.
public enum GGMLType: UInt32, Sendable, CaseIterable, Hashable {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8
    case q8_1 = 9
    case q2_K = 10
    case q3_K = 11
    case q4_K = 12
    case q5_K = 13
    case q6_K = 14
    case q8_K = 15
    case i8 = 24
    case i16 = 25
    case i32 = 26
    case i64 = 27
    case f64 = 28
    case bf16 = 30

    /// Elements per block (1 for plain types), as gguf-py's `GGML_QUANT_SIZES`.
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16, .f64, .i8, .i16, .i32, .i64: 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1: 32
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .q8_K: 256
        }
    }

    /// Bytes per block, as gguf-py's `GGML_QUANT_SIZES`.
    public var typeSize: Int {
        switch self {
        case .i8: 1
        case .f16, .bf16, .i16: 2
        case .f32, .i32: 4
        case .f64, .i64: 8
        case .q4_0: 18
        case .q4_1: 20
        case .q5_0: 22
        case .q5_1: 24
        case .q8_0: 34
        case .q8_1: 40
        case .q2_K: 84
        case .q3_K: 110
        case .q4_K: 144
        case .q5_K: 176
        case .q6_K: 210
        case .q8_K: 292
        }
    }

    /// The name llama.cpp and gguf-py print ("Q8_0", "F16", ...).
    public var name: String {
        switch self {
        case .f32: "F32"
        case .f16: "F16"
        case .q4_0: "Q4_0"
        case .q4_1: "Q4_1"
        case .q5_0: "Q5_0"
        case .q5_1: "Q5_1"
        case .q8_0: "Q8_0"
        case .q8_1: "Q8_1"
        case .q2_K: "Q2_K"
        case .q3_K: "Q3_K"
        case .q4_K: "Q4_K"
        case .q5_K: "Q5_K"
        case .q6_K: "Q6_K"
        case .q8_K: "Q8_K"
        case .i8: "I8"
        case .i16: "I16"
        case .i32: "I32"
        case .i64: "I64"
        case .f64: "F64"
        case .bf16: "BF16"
        }
    }

    /// Bits per weight of a whole block (typeSize × 8 / blockSize).
    public var bitsPerWeight: Double { Double(typeSize * 8) / Double(blockSize) }

    /// Bytes needed for `count` elements, or nil when `count` is not a multiple of the block size
    /// or the product overflows.
    public func byteCount(elements count: Int) -> Int? {
        guard count >= 0, count % blockSize == 0 else { return nil }
        let (bytes, overflow) = (count / blockSize).multipliedReportingOverflow(by: typeSize)
        return overflow ? nil : bytes
    }

    /// Looks a type up by its llama.cpp name, case-insensitively ("q8_0", "F16").
    public init?(name: String) {
        let upper = name.uppercased()
        guard let match = GGMLType.allCases.first(where: { $0.name == upper }) else { return nil }
        self = match
    }

    /// Whether values are stored in blocks with shared scales (Q8_0, Q4_K, ...) rather than one per element.
    ///
    /// A GGUF file holding any quantized tensor should carry `general.quantization_version`
    /// (see ``GGUFKeyValue/quantizationVersion(_:)``).
    public var isQuantized: Bool { blockSize > 1 }

    /// The gguf-py name of a ggml type number this enum does not cover, for error messages.
    static func otherName(_ raw: UInt32) -> String? {
        switch raw {
        case 4, 5: "Q4_2/Q4_3 (removed from ggml)"
        case 16: "IQ2_XXS"
        case 17: "IQ2_XS"
        case 18: "IQ3_XXS"
        case 19: "IQ1_S"
        case 20: "IQ4_NL"
        case 21: "IQ3_S"
        case 22: "IQ2_S"
        case 23: "IQ4_XS"
        case 29: "IQ1_M"
        case 31, 32, 33: "Q4_0_4_4/Q4_0_4_8/Q4_0_8_8 (removed from ggml)"
        case 34: "TQ1_0"
        case 35: "TQ2_0"
        case 39: "MXFP4"
        case 40: "NVFP4"
        case 41: "Q1_0"
        default: nil
        }
    }
}
