/// What a GGUF file's tensors mostly are, as stored in `general.file_type`: llama.cpp's `llama_ftype`
/// numbering (gguf-py's `LlamaFileType`), which is not the ``GGMLType`` numbering.
///
/// "Mostly" because 1-D tensors (norms, biases) stay F32 whatever the file type.
public enum LlamaFileType: UInt32, Sendable, CaseIterable, Hashable {
    case allF32 = 0
    case mostlyF16 = 1
    case mostlyQ4_0 = 2
    case mostlyQ4_1 = 3
    case mostlyQ8_0 = 7
    case mostlyQ5_0 = 8
    case mostlyQ5_1 = 9
    case mostlyQ2_K = 10
    case mostlyQ3_K_S = 11
    case mostlyQ3_K_M = 12
    case mostlyQ3_K_L = 13
    case mostlyQ4_K_S = 14
    case mostlyQ4_K_M = 15
    case mostlyQ5_K_S = 16
    case mostlyQ5_K_M = 17
    case mostlyQ6_K = 18
    case mostlyBF16 = 32
    /// Not stated by the file; llama.cpp guessed it from the tensors.
    case guessed = 1024

    /// The name llama.cpp prints after the model size ("Q8_0", "Q4_K - Medium", ...), gguf-py's enum name otherwise.
    public var name: String {
        switch self {
        case .allF32: "all F32"
        case .mostlyF16: "F16"
        case .mostlyQ4_0: "Q4_0"
        case .mostlyQ4_1: "Q4_1"
        case .mostlyQ8_0: "Q8_0"
        case .mostlyQ5_0: "Q5_0"
        case .mostlyQ5_1: "Q5_1"
        case .mostlyQ2_K: "Q2_K - Medium"
        case .mostlyQ3_K_S: "Q3_K - Small"
        case .mostlyQ3_K_M: "Q3_K - Medium"
        case .mostlyQ3_K_L: "Q3_K - Large"
        case .mostlyQ4_K_S: "Q4_K - Small"
        case .mostlyQ4_K_M: "Q4_K - Medium"
        case .mostlyQ5_K_S: "Q5_K - Small"
        case .mostlyQ5_K_M: "Q5_K - Medium"
        case .mostlyQ6_K: "Q6_K"
        case .mostlyBF16: "BF16"
        case .guessed: "guessed"
        }
    }

    /// The file type for a file whose large tensors all have `type`, or nil where llama.cpp has no
    /// single-type file type (K-quants come in S/M/L mixes; pick one of those explicitly).
    public init?(uniform type: GGMLType) {
        switch type {
        case .f32: self = .allF32
        case .f16: self = .mostlyF16
        case .bf16: self = .mostlyBF16
        case .q4_0: self = .mostlyQ4_0
        case .q4_1: self = .mostlyQ4_1
        case .q5_0: self = .mostlyQ5_0
        case .q5_1: self = .mostlyQ5_1
        case .q8_0: self = .mostlyQ8_0
        case .q6_K: self = .mostlyQ6_K
        default: return nil
        }
    }
}
