/// The type tag of a GGUF metadata value, numbered as in ggml's `gguf_type` and gguf-py's `GGUFValueType`.
public enum GGUFValueType: UInt32, Sendable, CaseIterable, Hashable, CustomStringConvertible {
    case uint8 = 0
    case int8 = 1
    case uint16 = 2
    case int16 = 3
    case uint32 = 4
    case int32 = 5
    case float32 = 6
    case bool = 7
    case string = 8
    case array = 9
    case uint64 = 10
    case int64 = 11
    case float64 = 12

    /// The name gguf-py prints ("UINT32", "STRING", ...).
    public var description: String {
        switch self {
        case .uint8: "UINT8"
        case .int8: "INT8"
        case .uint16: "UINT16"
        case .int16: "INT16"
        case .uint32: "UINT32"
        case .int32: "INT32"
        case .float32: "FLOAT32"
        case .bool: "BOOL"
        case .string: "STRING"
        case .array: "ARRAY"
        case .uint64: "UINT64"
        case .int64: "INT64"
        case .float64: "FLOAT64"
        }
    }

    /// Bytes of one value of a fixed-size type; nil for STRING and ARRAY.
    var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        case .string, .array: nil
        }
    }

    /// The fewest bytes one value of this type can take in a file (a string's length, an array's type and count).
    var minimumSize: Int { fixedSize ?? (self == .string ? 8 : 12) }
}

/// A GGUF metadata value: one of the format's thirteen types, arrays (possibly nested) included.
///
/// Equality compares values as Swift does, so a `float32(.nan)` is not equal to itself.
public enum GGUFValue: Sendable, Equatable, CustomStringConvertible {
    case uint8(UInt8)
    case int8(Int8)
    case uint16(UInt16)
    case int16(Int16)
    case uint32(UInt32)
    case int32(Int32)
    case float32(Float)
    case bool(Bool)
    /// A UTF-8 string.
    case string(String)
    /// An array whose elements all have one type; an element of type ``GGUFValueType/array`` is itself an
    /// array with its own element type. Arrays read from a file are decoded lazily (see ``GGUFArray``).
    case array(GGUFArray)
    case uint64(UInt64)
    case int64(Int64)
    case float64(Double)

    /// The value's type tag.
    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .float32: .float32
        case .bool: .bool
        case .string: .string
        case .array: .array
        case .uint64: .uint64
        case .int64: .int64
        case .float64: .float64
        }
    }

    /// An array of `elements`, all of type `elementType`.
    public static func array(elementType: GGUFValueType, _ elements: [GGUFValue]) -> GGUFValue {
        .array(GGUFArray(elementType: elementType, elements))
    }

    /// An array of strings (`tokenizer.ggml.tokens` and the like).
    public static func strings(_ values: [String]) -> GGUFValue { .array(elementType: .string, values.map { .string($0) }) }
    /// An array of FLOAT32 (`tokenizer.ggml.scores` and the like).
    public static func float32s(_ values: [Float]) -> GGUFValue { .array(elementType: .float32, values.map { .float32($0) }) }
    /// An array of INT32 (`tokenizer.ggml.token_type` and the like).
    public static func int32s(_ values: [Int32]) -> GGUFValue { .array(elementType: .int32, values.map { .int32($0) }) }

    /// The string, for a STRING value.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The value as an `Int`, for any integer type whose value fits.
    public var intValue: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(v)
        default: nil
        }
    }

    /// The value as a `Double`, for FLOAT32 and FLOAT64.
    public var doubleValue: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        default: nil
        }
    }

    /// The flag, for a BOOL value.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The elements, decoded, for an ARRAY value (for large arrays prefer ``arrayElements``).
    public var arrayValue: [GGUFValue]? {
        if case .array(let a) = self { return a.elements }
        return nil
    }

    /// The lazily decoded elements, for an ARRAY value.
    public var arrayElements: GGUFArray? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var description: String {
        switch self {
        case .uint8(let v): "\(v)"
        case .int8(let v): "\(v)"
        case .uint16(let v): "\(v)"
        case .int16(let v): "\(v)"
        case .uint32(let v): "\(v)"
        case .int32(let v): "\(v)"
        case .float32(let v): "\(v)"
        case .bool(let v): "\(v)"
        case .string(let s): "\"\(s)\""
        case .array(let a): a.description
        case .uint64(let v): "\(v)"
        case .int64(let v): "\(v)"
        case .float64(let v): "\(v)"
        }
    }
}

/// One metadata entry of a GGUF file: a key (dotted, e.g. `general.architecture`) and its value.
public struct GGUFKeyValue: Sendable, Equatable {
    /// The key.
    public var key: String
    /// The value.
    public var value: GGUFValue

    /// An entry.
    public init(_ key: String, _ value: GGUFValue) {
        self.key = key
        self.value = value
    }

    /// `general.architecture` (STRING), e.g. "llama", "bert"; llama.cpp needs it to load a model.
    public static func architecture(_ name: String) -> GGUFKeyValue { .init(GGUFKey.architecture, .string(name)) }

    /// `general.alignment` (UINT32, a power of two); the writer pads tensor data to it. Default 32 when absent.
    public static func alignment(_ bytes: UInt32) -> GGUFKeyValue { .init(GGUFKey.alignment, .uint32(bytes)) }

    /// `general.file_type` (UINT32) in llama.cpp's `llama_ftype` numbering.
    public static func fileType(_ type: LlamaFileType) -> GGUFKeyValue { .init(GGUFKey.fileType, .uint32(type.rawValue)) }

    /// `general.quantization_version` (UINT32): the version of the quantized block layouts, 2 for
    /// today's ggml (`GGML_QNT_VERSION`). llama.cpp expects it whenever a tensor is quantized.
    public static func quantizationVersion(_ version: UInt32 = GGUFKey.currentQuantizationVersion) -> GGUFKeyValue {
        .init(GGUFKey.quantizationVersion, .uint32(version))
    }

    /// `general.name` (STRING): a human-readable model name.
    public static func name(_ name: String) -> GGUFKeyValue { .init(GGUFKey.name, .string(name)) }
}

/// Well-known GGUF metadata keys (gguf-py's `Keys.General`).
public enum GGUFKey {
    /// `general.architecture`
    public static let architecture = "general.architecture"
    /// `general.alignment`
    public static let alignment = "general.alignment"
    /// `general.file_type`
    public static let fileType = "general.file_type"
    /// `general.quantization_version`
    public static let quantizationVersion = "general.quantization_version"
    /// `general.name`
    public static let name = "general.name"
    /// ggml's `GGML_QNT_VERSION`, gguf-py's `GGML_QUANT_VERSION`.
    public static let currentQuantizationVersion: UInt32 = 2
    /// The alignment of tensor data when `general.alignment` is absent (`GGUF_DEFAULT_ALIGNMENT`).
    public static let defaultAlignment = 32
}
