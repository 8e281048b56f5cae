import Foundation
import GreenlightCore
import GreenlightTensors

/// Options of one compression.
public struct CompressOptions: Sendable {
    /// The file format written.
    public enum OutputFormat: String, Sendable { case gguf, safetensors }

    /// Types per tensor.
    public var policy: TypePolicy
    /// Pruning before conversion, if any.
    public var pruning: Pruning?
    /// The output format.
    public var format: OutputFormat
    /// Threads for the quantization kernels.
    public var threads: Int
    /// Compute sizes and bits per weight without converting or writing.
    public var dryRun: Bool
    /// Measure each tensor's error (a dequantization pass; costs time).
    public var measureError: Bool

    /// Creates options.
    public init(policy: TypePolicy, pruning: Pruning? = nil, format: OutputFormat = .gguf, threads: Int = 1,
                dryRun: Bool = false, measureError: Bool = true) {
        self.policy = policy
        self.pruning = pruning
        self.format = format
        self.threads = threads
        self.dryRun = dryRun
        self.measureError = measureError
    }
}

/// Progress of a compression, reported after each tensor.
public struct CompressProgress: Sendable {
    /// Tensors done and in all.
    public var tensorsDone: Int, tensors: Int
    /// Source bytes done and in all.
    public var bytesDone: Int, bytes: Int
    /// The tensor just finished.
    public var name: String
}

/// One tensor of the plan.
struct PlannedTensor {
    var source: SourceTensor
    var name: String
    var sourceType: GGMLType?      // nil for dtypes GGML cannot hold
    var type: GGMLType
    var ne: [Int]
    var convert: Bool              // false: bytes copied as they are
    var prune: Bool
    var fallback: String?
}

/// Converts a safetensors model into a quantized GGUF (or a pruned safetensors), one tensor in memory at a
/// time, and describes what it did in a ``CompressionSection``.
public enum ModelCompressor {
    /// Compresses `sourcePath` into `outputPath`.
    ///
    /// - Parameters:
    ///   - sourcePath: a safetensors file, where a `config.json` beside it selects the architecture mapping
    ///     (llama.cpp's `bert` for BERT models; else the GGUF keeps the source names), or a GGUF file, whose
    ///     names and metadata are kept (llama-quantize's input).
    ///   - outputPath: the file to write (atomically); ignored for a dry run.
    ///   - options: types, pruning, format, threads.
    ///   - progress: called after each tensor.
    /// - Returns: the report section, and notes a person should read.
    /// - Throws: ``GreenlightError`` for unreadable or invalid input, types the format cannot hold, or write
    ///   failures; nothing is left at `outputPath` then.
    public static func compress(
        sourcePath: String, outputPath: String?, options: CompressOptions,
        progress: ((CompressProgress) -> Void)? = nil
    ) throws -> (section: CompressionSection, notes: [Note]) {
        let started = ContinuousClock.now
        let file = try ModelSource(path: sourcePath)
        var notes: [Note] = []
        let architecture = options.format == .gguf ? try file.architecture() : nil
        if options.format == .gguf, architecture == nil {
            notes.append(Note(.warning, code: "compress.architecture-unknown",
                              "no config.json with a supported model_type beside \(sourcePath): the GGUF holds the tensors under their source names, not a model llama.cpp can load"))
        }
        let plan = try makePlan(file, architecture: architecture, options: options, notes: &notes)
        guard !plan.isEmpty else { throw GreenlightError.invalidInput("\(sourcePath): no tensor to write") }

        let metadata = ggufMetadata(plan, architecture: architecture, options: options, sourcePath: sourcePath)
        let gguf = plan.map { GGUFTensorSpec(name: $0.name, ne: $0.ne, type: $0.type) }
        let safetensors: [SafetensorsTensorSpec] = options.format != .safetensors ? [] : try plan.map { p in
            guard let dtype = SafetensorsDType(p.type) ?? (p.convert ? nil : p.source.dtype) ?? SafetensorsDType(p.type) else {
                throw GreenlightError.invalidInput("safetensors cannot hold \(p.type.name); write GGUF for quantized types")
            }
            return SafetensorsTensorSpec(name: p.name, dtype: dtype, shape: p.source.shape)
        }
        let outputBytes: Int = switch options.format {
        case .gguf: try GGUFWriter.fileSize(metadata: metadata, tensors: gguf)
        case .safetensors: try SafetensorsWriter.fileSize(tensors: safetensors, metadata: file.safetensorsMetadata)
        }

        var results: [TensorCompression] = []
        var errorTotals = (diff: 0.0, ref: 0.0)
        var measured = false
        var pruned = (zeros: 0, count: 0)
        if !options.dryRun {
            guard let outputPath else { throw GreenlightError.invalidInput("no output path given") }
            let sink: TensorFileWriter = switch options.format {
            case .gguf: try GGUFWriter(path: outputPath, metadata: metadata, tensors: gguf)
            case .safetensors: try SafetensorsWriter(path: outputPath, tensors: safetensors, metadata: file.safetensorsMetadata)
            }
            do {
                let engine = Engine(file: file, plan: plan, options: options)
                try engine.prepareGlobalThreshold()
                let totalBytes = plan.reduce(0) { $0 + $1.source.byteCount }
                var done = 0
                for (i, p) in plan.enumerated() {
                    let r = try engine.run(p, into: sink)
                    results.append(r.entry)
                    if let e = r.error {
                        errorTotals.diff += e.diff
                        errorTotals.ref += e.ref
                        measured = true
                    }
                    if let z = r.zeros {
                        pruned.zeros += z
                        pruned.count += p.source.elementCount
                    }
                    done += p.source.byteCount
                    progress?(CompressProgress(tensorsDone: i + 1, tensors: plan.count, bytesDone: done, bytes: totalBytes, name: p.name))
                }
                try sink.finish()
            } catch {
                sink.cancel()
                throw error
            }
        } else {
            results = plan.map { p in
                TensorCompression(
                    name: p.name, sourceName: p.name == p.source.name ? nil : p.source.name, shape: p.source.shape,
                    sourceType: p.source.typeName, type: p.type.name, sourceBytes: UInt64(p.source.byteCount),
                    bytes: UInt64(p.type.byteCount(elements: p.source.elementCount) ?? 0), relativeRMSE: nil,
                    maxAbsError: nil, sparsity: nil, fallback: p.fallback)
            }
        }

        let dataBytes = results.reduce(UInt64(0)) { $0 + $1.bytes }
        let parameters = plan.reduce(UInt64(0)) { $0 + UInt64($1.source.elementCount) }
        let sourceParameters = file.tensors.reduce(UInt64(0)) { $0 + UInt64($1.elementCount) }
        let section = CompressionSection(
            source: ModelFileInfo(path: sourcePath, format: file.format, bytes: UInt64(file.fileSize),
                                  tensors: file.tensors.count, parameters: sourceParameters,
                                  architecture: architecture?.name),
            output: options.dryRun ? nil : ModelFileInfo(
                path: outputPath ?? "", format: options.format.rawValue, bytes: UInt64(outputBytes),
                tensors: plan.count, parameters: parameters, architecture: architecture?.name),
            dryRun: options.dryRun, targetType: options.policy.type.name,
            sourceBytes: UInt64(file.fileSize), outputBytes: UInt64(outputBytes),
            bitsPerWeight: parameters == 0 ? 0 : Double(dataBytes) * 8 / Double(parameters),
            pruning: options.pruning?.info,
            sparsity: pruned.count > 0 ? Double(pruned.zeros) / Double(pruned.count) : nil,
            relativeRMSE: measured && errorTotals.ref > 0 ? (errorTotals.diff / errorTotals.ref).squareRoot() : nil,
            tensors: results, threads: max(1, options.threads), duration: ContinuousClock.now - started)
        if section.fallbacks > 0 {
            notes.append(Note(.info, code: "compress.fallbacks",
                              "\(section.fallbacks) tensor(s) could not take \(options.policy.type.name) and fell back (see tensors[].fallback)"))
        }
        return (section, notes)
    }

    /// Decides name, type and treatment of every tensor, in source order.
    static func makePlan(
        _ file: ModelSource, architecture: ModelArchitecture?, options: CompressOptions, notes: inout [Note]
    ) throws -> [PlannedTensor] {
        var plan: [PlannedTensor] = []
        var skipped: [String] = []
        var requantized = 0
        for t in file.tensors {
            let name: String
            if let architecture {
                guard let n = architecture.outputName(for: t.name) else {
                    skipped.append(t.name)
                    continue
                }
                name = n
            } else {
                name = t.name
            }
            let ne = t.shape.isEmpty ? [1] : Array(t.shape.reversed())
            let sourceType = t.type
            let isFloat = sourceType == .f32 || sourceType == .f16 || sourceType == .bf16
            let decodable = isFloat || sourceType.map { $0.isQuantized && Quantizer.isDequantizable($0) } == true
            guard decodable else {
                // Integer and bool tensors are copied unchanged where GGUF has the type.
                guard let sourceType, !sourceType.isQuantized else {
                    skipped.append(t.name)
                    continue
                }
                plan.append(PlannedTensor(source: t, name: name, sourceType: sourceType, type: sourceType, ne: ne,
                                          convert: false, prune: false, fallback: nil))
                continue
            }
            if !isFloat { requantized += 1 }
            var (type, fallback) = options.policy.choose(name: name, ne: ne)
            if options.format == .safetensors {
                // safetensors holds float types only; keep other tensors in their own type.
                if !TypePolicy.isQuantizable(name: name, dimensions: ne.count) { type = isFloat ? sourceType! : .f32 }
                fallback = nil
            }
            var prune = options.pruning != nil && Pruning.isPrunable(name: name, dimensions: ne.count)
            if prune, options.pruning == .twoFour, ne[0] % 4 != 0 {
                prune = false
                notes.append(Note(.warning, code: "compress.not-pruned",
                                  "\(name): rows of \(ne[0]) weights cannot hold the 2:4 pattern (groups of 4); left unpruned"))
            }
            plan.append(PlannedTensor(source: t, name: name, sourceType: sourceType, type: type, ne: ne,
                                      convert: true, prune: prune, fallback: fallback))
        }
        if requantized > 0 {
            notes.append(Note(.warning, code: "compress.requantized",
                              "\(requantized) tensor(s) were already quantized in the source and were decoded and quantized again: their errors add up (llama-quantize asks for --allow-requantize); start from F32, F16 or BF16 weights where you can"))
        }
        if !skipped.isEmpty {
            notes.append(Note(.info, code: "compress.skipped",
                              "left out \(skipped.count) tensor(s) the target does not use: \(skipped.joined(separator: ", "))"))
        }
        return plan
    }

    /// `general.*` keys, then the architecture's own.
    static func ggufMetadata(
        _ plan: [PlannedTensor], architecture: ModelArchitecture?, options: CompressOptions, sourcePath: String
    ) -> [GGUFKeyValue] {
        let specs = plan.map { GGUFTensorSpec(name: $0.name, ne: $0.ne, type: $0.type) }
        let target = options.policy.type
        let fileType = LlamaFileType(uniform: target) ?? (target == .q4_K ? .mostlyQ4_K_S : nil)
        var kv = GGUFWriter.generalMetadata(architecture: architecture?.name ?? "unknown", fileType: fileType, tensors: specs)
        let dir = (sourcePath as NSString).deletingLastPathComponent
        let folder = ((dir.isEmpty ? FileManager.default.currentDirectoryPath : dir) as NSString).lastPathComponent
        kv.append(.name(architecture?.modelName ?? folder))
        kv.append(contentsOf: architecture?.metadata ?? [])
        return kv
    }
}
