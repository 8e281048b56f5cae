/// What `greenlight compress` did to a model: sizes before and after (S1, S2), the ratio S1/S2, bits per
/// weight, and per tensor the type chosen, the error it introduced and the sparsity pruning left.
public struct CompressionSection: Codable, Sendable, Hashable {
    /// The model read.
    public var source: ModelFileInfo
    /// The model written; `nil` for a dry run.
    public var output: ModelFileInfo?
    /// True when nothing was written (`--dry-run`): sizes are what the output would have.
    public var dryRun: Bool
    /// The target type asked for, e.g. `Q8_0`.
    public var targetType: String
    /// S1: bytes of the source that were converted: the file less the tensors left out (``source`` gives
    /// the whole file's size).
    public var sourceBytes: UInt64
    /// S2: bytes of the output file (computed exactly for a dry run).
    public var outputBytes: UInt64
    /// Bits per weight of the output's tensor data (all tensors, over all their elements).
    public var bitsPerWeight: Double
    /// Pruning applied before quantization, if any.
    public var pruning: PruningInfo?
    /// Fraction of zero weights over the pruned tensors; `nil` without pruning.
    public var sparsity: Double?
    /// Relative RMSE (‖ŵ − w‖₂ / ‖w‖₂) over all converted tensors together.
    public var relativeRMSE: Double?
    /// One entry per tensor, in output order.
    public var tensors: [TensorCompression]
    /// Threads used by the kernels.
    public var threads: Int
    /// Wall-clock time of the conversion.
    public var duration: Duration

    /// Creates a section.
    public init(
        source: ModelFileInfo, output: ModelFileInfo?, dryRun: Bool, targetType: String, sourceBytes: UInt64,
        outputBytes: UInt64, bitsPerWeight: Double, pruning: PruningInfo?, sparsity: Double?, relativeRMSE: Double?,
        tensors: [TensorCompression], threads: Int, duration: Duration
    ) {
        self.source = source
        self.output = output
        self.dryRun = dryRun
        self.targetType = targetType
        self.sourceBytes = sourceBytes
        self.outputBytes = outputBytes
        self.bitsPerWeight = bitsPerWeight
        self.pruning = pruning
        self.sparsity = sparsity
        self.relativeRMSE = relativeRMSE
        self.tensors = tensors
        self.threads = threads
        self.duration = duration
    }

    /// S1/S2, the compression ratio.
    public var ratio: Double { outputBytes == 0 ? 0 : Double(sourceBytes) / Double(outputBytes) }
    /// Tensors that could not take the type asked for and fell back to another.
    public var fallbacks: Int { tensors.filter { $0.fallback != nil }.count }

    enum CodingKeys: String, CodingKey {
        case source, output, dryRun, targetType, sourceBytes, outputBytes, bitsPerWeight, pruning, sparsity
        case relativeRMSE, tensors, threads, duration = "durationSeconds", ratio, fallbacks
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        source = try c.decode(ModelFileInfo.self, forKey: .source)
        output = try c.decodeIfPresent(ModelFileInfo.self, forKey: .output)
        dryRun = try c.decode(Bool.self, forKey: .dryRun)
        targetType = try c.decode(String.self, forKey: .targetType)
        sourceBytes = try c.decode(UInt64.self, forKey: .sourceBytes)
        outputBytes = try c.decode(UInt64.self, forKey: .outputBytes)
        bitsPerWeight = try c.decode(Double.self, forKey: .bitsPerWeight)
        pruning = try c.decodeIfPresent(PruningInfo.self, forKey: .pruning)
        sparsity = try c.decodeIfPresent(Double.self, forKey: .sparsity)
        relativeRMSE = try c.decodeIfPresent(Double.self, forKey: .relativeRMSE)
        tensors = try c.decode([TensorCompression].self, forKey: .tensors)
        threads = try c.decode(Int.self, forKey: .threads)
        duration = .seconds(try c.decode(Double.self, forKey: .duration))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(source, forKey: .source)
        try c.encodeIfPresent(output, forKey: .output)
        try c.encode(dryRun, forKey: .dryRun)
        try c.encode(targetType, forKey: .targetType)
        try c.encode(sourceBytes, forKey: .sourceBytes)
        try c.encode(outputBytes, forKey: .outputBytes)
        try c.encode(bitsPerWeight, forKey: .bitsPerWeight)
        try c.encodeIfPresent(pruning, forKey: .pruning)
        try c.encodeIfPresent(sparsity, forKey: .sparsity)
        try c.encodeIfPresent(relativeRMSE, forKey: .relativeRMSE)
        try c.encode(tensors, forKey: .tensors)
        try c.encode(threads, forKey: .threads)
        try c.encode(duration.seconds, forKey: .duration)
        try c.encode(ratio, forKey: .ratio)
        try c.encode(fallbacks, forKey: .fallbacks)
    }
}

/// A model file read or written.
public struct ModelFileInfo: Codable, Sendable, Hashable {
    /// Where it is.
    public var path: String
    /// `safetensors` or `gguf`.
    public var format: String
    /// Size on disk.
    public var bytes: UInt64
    /// Number of tensors.
    public var tensors: Int
    /// Number of weights (elements) over all tensors.
    public var parameters: UInt64
    /// The model architecture, e.g. `bert`, when known.
    public var architecture: String?

    /// Creates a file description.
    public init(path: String, format: String, bytes: UInt64, tensors: Int, parameters: UInt64, architecture: String? = nil) {
        self.path = path
        self.format = format
        self.bytes = bytes
        self.tensors = tensors
        self.parameters = parameters
        self.architecture = architecture
    }
}

/// Pruning settings.
public struct PruningInfo: Codable, Sendable, Hashable {
    /// `magnitude` (unstructured) or `2:4` (semi-structured).
    public var method: String
    /// `per-tensor` or `global` (magnitude pruning only).
    public var scope: String?
    /// The sparsity asked for (0.5 for 2:4).
    public var targetSparsity: Double

    /// Creates pruning settings.
    public init(method: String, scope: String?, targetSparsity: Double) {
        self.method = method
        self.scope = scope
        self.targetSparsity = targetSparsity
    }
}

/// One tensor of a compressed model.
public struct TensorCompression: Codable, Sendable, Hashable {
    /// Name in the output (after renaming to the target architecture's names).
    public var name: String
    /// Name in the source, when different.
    public var sourceName: String?
    /// Shape as the source gives it (row-major, outermost first).
    public var shape: [Int]
    /// Source and output types, e.g. `F32` and `Q8_0`.
    public var sourceType: String
    public var type: String
    /// Bytes of data in the source and in the output.
    public var sourceBytes: UInt64
    public var bytes: UInt64
    /// ‖ŵ − w‖₂ / ‖w‖₂ and max |ŵ − w| against the source (after pruning, when pruned: the error the
    /// conversion added); `nil` when not computed (`--no-error`), zero for lossless copies.
    public var relativeRMSE: Double?
    public var maxAbsError: Double?
    /// Fraction of zeros after pruning; `nil` when the tensor was not pruned.
    public var sparsity: Double?
    /// Why the tensor did not get the type asked for (e.g. `row length 384 not a multiple of 256: Q4_K → Q5_0`).
    public var fallback: String?

    /// Creates a tensor entry.
    public init(
        name: String, sourceName: String?, shape: [Int], sourceType: String, type: String, sourceBytes: UInt64,
        bytes: UInt64, relativeRMSE: Double?, maxAbsError: Double?, sparsity: Double?, fallback: String?
    ) {
        self.name = name
        self.sourceName = sourceName
        self.shape = shape
        self.sourceType = sourceType
        self.type = type
        self.sourceBytes = sourceBytes
        self.bytes = bytes
        self.relativeRMSE = relativeRMSE
        self.maxAbsError = maxAbsError
        self.sparsity = sparsity
        self.fallback = fallback
    }
}
