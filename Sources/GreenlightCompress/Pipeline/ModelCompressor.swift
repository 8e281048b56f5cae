import Foundation
public import GreenlightCore
import GreenlightTensors

/// Options of one compression.
public struct CompressOptions: Sendable {
    /// The file format written.
    public enum OutputFormat: String, Sendable, CaseIterable { case gguf, safetensors }

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
    /// Refuse, rather than keep at BF16/F32 with a warning, a tensor holding NaN/inf or values the target
    /// type cannot hold.
    public var strict: Bool

    /// Creates options.
    public init(policy: TypePolicy, pruning: Pruning? = nil, format: OutputFormat = .gguf, threads: Int = 1,
                dryRun: Bool = false, measureError: Bool = true, strict: Bool = false) {
        self.policy = policy
        self.pruning = pruning
        self.format = format
        self.threads = threads
        self.dryRun = dryRun
        self.measureError = measureError
        self.strict = strict
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
    /// The source holds NaN or inf: kept as F32, out of the error totals.
    var nonFinite = false

    /// The type named in the report: the planned type, or the source's own for a tensor copied as it is.
    var outputTypeName: String { convert ? type.name : source.typeName }
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
    /// - Throws: ``GreenlightError`` for an output path that cannot be written or is the source file (checked
    ///   first), unreadable or invalid input, types the format cannot hold, values they cannot hold with
    ///   `strict`, or write failures; nothing is left at `outputPath` then.
    public static func compress(
        sourcePath: String, outputPath: String?, options: CompressOptions,
        progress: ((CompressProgress) -> Void)? = nil
    ) throws -> (section: CompressionSection, notes: [Note]) {
        let started = ContinuousClock.now
        // Before any work: an output that cannot be written, or that is the source (links included), is refused.
        if !options.dryRun, let outputPath { try OutputTarget.check(outputPath, notSameAs: [sourcePath]) }
        let file = try ModelSource(path: sourcePath)
        var notes: [Note] = []
        let architecture = options.format == .gguf ? try file.architecture() : nil
        if options.format == .gguf, architecture == nil {
            notes.append(Note(.warning, code: "compress.architecture-unknown",
                              "no config.json with a supported model_type beside \(sourcePath): the GGUF holds the tensors under their source names, not a model llama.cpp can load"))
        }
        var plan = try makePlan(file, sourcePath: sourcePath, architecture: architecture, options: options, notes: &notes)
        guard !plan.isEmpty else { throw GreenlightError.invalidInput("\(sourcePath): no tensor to write") }
        try screen(&plan, file: file, sourcePath: sourcePath, options: options, notes: &notes)

        let metadata = ggufMetadata(plan, architecture: architecture, options: options, sourcePath: sourcePath)
        let gguf = plan.map { GGUFTensorSpec(name: $0.name, ne: $0.ne, type: $0.type) }
        let safetensors: [SafetensorsTensorSpec] = options.format != .safetensors ? [] : try plan.map { p in
            // A copied tensor keeps its own dtype (BOOL, U8, F8 …); a converted one takes the planned type's.
            guard let dtype = p.convert ? SafetensorsDType(p.type) : (p.source.dtype ?? SafetensorsDType(p.type)) else {
                throw GreenlightError.invalidInput("safetensors cannot hold \(p.type.name); write GGUF for quantized types")
            }
            return SafetensorsTensorSpec(name: p.name, dtype: dtype, shape: p.source.shape)
        }
        let namedPath = outputPath ?? "the output of \(sourcePath)"
        let outputBytes: Int = switch options.format {
        case .gguf: try GGUFWriter.fileSize(metadata: metadata, tensors: gguf, path: namedPath)
        case .safetensors: try SafetensorsWriter.fileSize(tensors: safetensors, metadata: file.safetensorsMetadata, path: namedPath)
        }

        let run: Converted
        if options.dryRun {
            run = Converted(entries: plan.map(dryRunEntry))
        } else {
            guard let outputPath else { throw GreenlightError.invalidInput("no output path given; give one, or make a dry run", parameter: .init("output", suggestion: "FILE")) }
            let sink: TensorFileWriter = switch options.format {
            case .gguf: try GGUFWriter(path: outputPath, metadata: metadata, tensors: gguf)
            case .safetensors: try SafetensorsWriter(path: outputPath, tensors: safetensors, metadata: file.safetensorsMetadata)
            }
            run = try convert(plan, file: file, options: options, into: sink, progress: progress)
        }
        let section = makeSection(
            run, plan: plan, file: file, sourcePath: sourcePath, outputPath: outputPath, outputBytes: outputBytes,
            architecture: architecture, options: options, duration: ContinuousClock.now - started)
        if section.fallbacks > 0 {
            notes.append(Note(.info, code: "compress.fallbacks",
                              "\(section.fallbacks) tensor(s) could not take \(options.policy.type.name) and fell back (see tensors[].fallback)"))
        }
        return (section, notes)
    }

    /// What converting the plan produced: one entry per tensor and the totals the section is built from.
    struct Converted {
        var entries: [TensorCompression]
        var errorDiff = 0.0
        var errorRef = 0.0
        var measured = false
        var zeros = 0
        var prunedCount = 0
    }

    /// A dry run's entry: the planned type and size, nothing converted.
    private static func dryRunEntry(_ p: PlannedTensor) -> TensorCompression {
        TensorCompression(
            name: p.name, sourceName: p.name == p.source.name ? nil : p.source.name, shape: p.source.shape,
            sourceType: p.source.typeName, type: p.outputTypeName, sourceBytes: UInt64(p.source.byteCount),
            bytes: UInt64(p.convert ? p.type.byteCount(elements: p.source.elementCount) ?? 0 : p.source.byteCount), relativeRMSE: nil,
            maxAbsError: nil, sparsity: nil, fallback: p.fallback)
    }

    /// Converts every planned tensor into `sink`, in order, and finishes it; on any error the sink is cancelled.
    private static func convert(
        _ plan: [PlannedTensor], file: ModelSource, options: CompressOptions, into sink: TensorFileWriter,
        progress: ((CompressProgress) -> Void)?
    ) throws -> Converted {
        var run = Converted(entries: [])
        do {
            let engine = Engine(file: file, plan: plan, options: options)
            try engine.prepareGlobalThreshold()
            let totalBytes = plan.reduce(0) { $0 + $1.source.byteCount }
            var done = 0
            for (i, p) in plan.enumerated() {
                let r = try engine.run(p, into: sink)
                run.entries.append(r.entry)
                if let e = r.error {
                    run.errorDiff += e.diff
                    run.errorRef += e.ref
                    run.measured = true
                }
                if let z = r.zeros {
                    run.zeros += z
                    run.prunedCount += p.source.elementCount
                }
                done += p.source.byteCount
                progress?(CompressProgress(tensorsDone: i + 1, tensors: plan.count, bytesDone: done, bytes: totalBytes, name: p.name))
            }
            try sink.finish()
        } catch {
            sink.cancel()
            throw error
        }
        return run
    }

    /// The report section: sizes S1 and S2, bits per weight, error and sparsity totals, per-tensor entries.
    private static func makeSection(
        _ run: Converted, plan: [PlannedTensor], file: ModelSource, sourcePath: String, outputPath: String?,
        outputBytes: Int, architecture: ModelArchitecture?, options: CompressOptions, duration: Duration
    ) -> CompressionSection {
        let dataBytes = run.entries.reduce(UInt64(0)) { $0 + $1.bytes }
        let parameters = plan.reduce(UInt64(0)) { $0 + UInt64($1.source.elementCount) }
        let sourceParameters = file.tensors.reduce(UInt64(0)) { $0 + UInt64($1.elementCount) }
        // S1 is what was converted: the source file less the tensors left out (source.bytes stays the file size).
        let leftOut = file.tensors.reduce(0) { $0 + $1.byteCount } - plan.reduce(0) { $0 + $1.source.byteCount }
        let relative = run.measured && run.errorRef > 0 ? (run.errorDiff / run.errorRef).squareRoot() : nil
        return CompressionSection(
            source: ModelFileInfo(path: sourcePath, format: file.format, bytes: UInt64(file.fileSize),
                                  tensors: file.tensors.count, parameters: sourceParameters,
                                  architecture: architecture?.name),
            output: options.dryRun ? nil : ModelFileInfo(
                path: outputPath ?? "", format: options.format.rawValue, bytes: UInt64(outputBytes),
                tensors: plan.count, parameters: parameters, architecture: architecture?.name),
            dryRun: options.dryRun, targetType: options.policy.type.name,
            sourceBytes: UInt64(max(0, file.fileSize - leftOut)), outputBytes: UInt64(outputBytes),
            bitsPerWeight: parameters == 0 ? 0 : Double(dataBytes) * 8 / Double(parameters),
            pruning: options.pruning?.info,
            sparsity: run.prunedCount > 0 ? Double(run.zeros) / Double(run.prunedCount) : nil,
            relativeRMSE: relative.flatMap { $0.isFinite ? $0 : nil },
            tensors: run.entries, threads: max(1, options.threads), duration: duration)
    }

    /// Decides name, type and treatment of every tensor, in source order.
    ///
    /// A tensor the architecture does not use is left out and listed in a note; one it uses (every tensor when
    /// there is no architecture mapping) but the output format cannot hold is an error, never dropped.
    static func makePlan(
        _ file: ModelSource, sourcePath: String, architecture: ModelArchitecture?, options: CompressOptions, notes: inout [Note]
    ) throws -> [PlannedTensor] {
        var plan: [PlannedTensor] = []
        var skipped: [SourceTensor] = []
        var requantized = 0
        for t in file.tensors {
            let name: String
            if let architecture {
                guard let n = architecture.outputName(for: t.name) else {
                    skipped.append(t)
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
                // Integer and bool tensors are copied unchanged where the output format has the type.
                // A quantized type Greenlight cannot decode (e.g. Q2_K) is copied as it is into a GGUF.
                if let sourceType, !sourceType.isQuantized || options.format == .gguf {
                    plan.append(PlannedTensor(source: t, name: name, sourceType: sourceType, type: sourceType, ne: ne,
                                              convert: false, prune: false, fallback: nil))
                    continue
                }
                if options.format == .safetensors, t.dtype != nil {
                    // safetensors holds every dtype it reads; the type field is unused for such a copy.
                    plan.append(PlannedTensor(source: t, name: name, sourceType: nil, type: .i8, ne: ne,
                                              convert: false, prune: false, fallback: nil))
                    continue
                }
                let user = architecture.map { "the \($0.name) architecture uses it" } ?? "every tensor is kept when no architecture mapping applies"
                throw GreenlightError(
                    .unsupported,
                    "\(sourcePath): tensor \"\(TerminalText.escaped(t.name))\" is \(t.typeName), which Greenlight cannot write to GGUF, and \(user); "
                        + "convert it to F32, F16 or an integer type first, or write safetensors",
                    parameter: .init("format", suggestion: "safetensors"))
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
                                  "\(TerminalText.escaped(name)): rows of \(ne[0]) weights cannot hold the 2:4 pattern (groups of 4); left unpruned"))
            }
            plan.append(PlannedTensor(source: t, name: name, sourceType: sourceType, type: type, ne: ne,
                                      convert: true, prune: prune, fallback: fallback))
        }
        if requantized > 0 {
            notes.append(Note(.warning, code: "compress.requantized",
                              "\(requantized) tensor(s) were already quantized in the source and were decoded and quantized again: their errors add up (llama-quantize asks for --allow-requantize); start from F32, F16 or BF16 weights where you can"))
        }
        if !skipped.isEmpty, let architecture {
            let bytes = skipped.reduce(0) { $0 + $1.byteCount }
            // A report entry (and a summary line), not a warning: every BERT checkpoint has a pooler llama.cpp ignores.
            notes.append(Note(.info, code: "compress.skipped",
                              "left out \(skipped.count) tensor(s), \(bytes) bytes, that llama.cpp's \(architecture.name) does not use (not counted in S1): "
                                  + skipped.map { TerminalText.escaped($0.name) }.joined(separator: ", ")))
        }
        return plan
    }

    /// Reads every converted tensor once before anything is written, so that no value or block scale the
    /// planned type cannot hold (an infinity in the file) and no NaN/inf source goes through unnoticed:
    /// such a tensor is kept at BF16 or F32 with a warning and a `fallback` entry, or refused with `strict`.
    static func screen(_ plan: inout [PlannedTensor], file: ModelSource, sourcePath: String, options: CompressOptions,
                       notes: inout [Note]) throws {
        let engine = Engine(file: file, plan: plan, options: options)
        for i in plan.indices where plan[i].convert {
            let p = plan[i]
            let name = TerminalText.escaped(p.source.name)
            switch try engine.screen(p) {
            case .fits:
                continue
            case .nonFinite(let index, let value):
                let what = value.isNaN ? "NaN" : value < 0 ? "-inf" : "+inf"
                let at = "\(sourcePath): tensor \"\(name)\" element \(index) (flat, row-major) is \(what)"
                if options.strict {
                    throw GreenlightError.invalidInput(
                        "\(at); the model is broken there: fix or retrain it, or compress without strict mode to keep such a tensor as F32 unchanged",
                        parameter: .init("strict"))
                }
                plan[i].type = .f32
                plan[i].prune = false
                plan[i].nonFinite = true
                plan[i].fallback = "element \(index) is \(what): kept as F32 unchanged (\(p.type.name) cannot encode it)"
                notes.append(Note(.warning, code: "compress.non-finite",
                                  "\(at): kept as F32 unchanged, not as \(p.type.name), and left out of the error figures; the model is likely broken"))
            case .overflows(let maxAbs):
                let keep: GGMLType = p.type != .bf16 && maxAbs <= Quantizer.safeMagnitude(.bf16) ? .bf16 : .f32
                let at = "\(sourcePath): tensor \"\(name)\" has |w| up to \(maxAbs), beyond what \(p.type.name) can hold (its value or block scale would be infinite)"
                if options.strict {
                    throw GreenlightError.invalidInput(
                        "\(at); choose a wider type for it, or compress without strict mode",
                        parameter: .init("tensorTypes", suggestion: "'\(NSRegularExpression.escapedPattern(for: p.name))=\(keep.name.lowercased())'"))
                }
                plan[i].type = keep
                plan[i].fallback = "|w| up to \(maxAbs) overflows \(p.type.name): \(p.type.name) → \(keep.name)"
                notes.append(Note(.warning, code: "compress.overflow", "\(at): kept as \(keep.name)"))
            }
        }
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
