import ArgumentParser
import Foundation
import GreenlightCompress
import GreenlightCore
import GreenlightMeter
import GreenlightTensors

struct Compress: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Quantize or prune a safetensors or GGUF model into GGUF (or safetensors), and report size, quality and energy.",
        discussion: """
            greenlight compress model.safetensors --type q8_0              → <model>-Q8_0.gguf (bert models: a complete llama.cpp model)
            greenlight compress model.safetensors --type q4_K --tensor-type 'attn_v=q8_0' --token-embedding-type q8_0
            greenlight compress model.safetensors --prune 2:4 --format safetensors --type f32 -o pruned.safetensors
            greenlight compress model.safetensors --type q4_0 --dry-run     (sizes and bits per weight, nothing written)
            Types: \(TypePolicy.writable.map(\.name).joined(separator: ", ")). Rows a block type cannot divide fall
            back as llama.cpp does (Q4_K→Q5_0, Q6_K→Q8_0, else F16); every fallback is reported.
            """
    )

    @Argument(help: "The source model: safetensors (a config.json beside it selects the architecture) or GGUF (names and metadata kept).")
    var model: String

    @Option(name: .shortAndLong, help: "Output file (default: <model>-<TYPE>.gguf in the current directory).")
    var output: String?

    @Option(help: "Target type (default q8_0).")
    var type: String = "q8_0"

    @Option(name: .customLong("tensor-type"), help: "Per-tensor override REGEX=TYPE, matched on the output name; repeatable, first match wins.")
    var tensorTypes: [String] = []

    @Option(name: .customLong("token-embedding-type"), help: "Type of token_embd.weight (keep embeddings at higher precision).")
    var tokenEmbeddingType: String?

    @Option(name: .customLong("output-tensor-type"), help: "Type of output.weight.")
    var outputTensorType: String?

    @Option(help: "Prune before converting: magnitude (per tensor), global (one magnitude threshold), or 2:4.")
    var prune: String?

    @Option(help: "Fraction of weights to zero for magnitude pruning, 0–1 (default 0.5).")
    var sparsity: Double?

    @Option(help: "Output format: gguf or safetensors (float types only).")
    var format: String = "gguf"

    @Option(help: "Threads for the quantization kernels (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .customLong("dry-run"), help: "Only compute sizes and bits per weight; write nothing.")
    var dryRun = false

    @Flag(name: .customLong("no-error"), help: "Skip the per-tensor error measurement (faster).")
    var noError = false

    @Flag(help: "Refuse a tensor holding NaN/inf or values the target type cannot hold, instead of keeping it at BF16/F32 with a warning.")
    var strict = false

    @OptionGroup var location: LocationOptions

    @Option(help: "Write the JSON report here (atomically).")
    var json: String?

    @Flag(name: .shortAndLong, help: "Do not print the summary on stderr (warnings are still printed).")
    var quiet = false

    func validate() throws {
        try checkRange("--threads", threads, 1...1024)
        if let sparsity, !(sparsity > 0 && sparsity < 1) { throw ValidationError("--sparsity must be between 0 and 1") }
        if sparsity != nil, prune == nil || prune == "2:4" { throw ValidationError("--sparsity goes with --prune magnitude or global") }
        guard ["gguf", "safetensors"].contains(format) else { throw ValidationError("--format must be gguf or safetensors") }
    }

    func run() throws {
        do {
            let policy = TypePolicy(
                type: try TypePolicy.parseType(type),
                overrides: try tensorTypes.map { try TypePolicy.Override(parsing: $0) },
                tokenEmbeddingType: try tokenEmbeddingType.map(TypePolicy.parseType),
                outputTensorType: try outputTensorType.map(TypePolicy.parseType))
            let pruning: Pruning? = switch prune {
            case nil: nil
            case "magnitude": .magnitude(sparsity: sparsity ?? 0.5)
            case "global": .globalMagnitude(sparsity: sparsity ?? 0.5)
            case "2:4": .twoFour
            case let other?: throw GreenlightError.invalidInput("--prune \(other): choose magnitude, global or 2:4")
            }
            let options = CompressOptions(
                policy: policy, pruning: pruning, format: format == "safetensors" ? .safetensors : .gguf,
                threads: threads, dryRun: dryRun, measureError: !noError, strict: strict)
            let outputPath = output ?? CompressCLI.defaultOutput(model: model, type: policy.type, format: options.format)
            // Every output is checked before any work: writable, a file, and not one of the inputs.
            try CompressCLI.checkOutputs(model: model, output: dryRun ? nil : outputPath, json: json)

            var configuration = MeterConfiguration()
            configuration.location = try location.query()
            let meter = EnergyMeter(configuration: configuration, label: "greenlight compress")
            try meter.start()
            let bar = ProgressBar.forTerminal()
            let result: (section: CompressionSection, notes: [Note])
            do {
                result = try ModelCompressor.compress(sourcePath: model, outputPath: outputPath, options: options) { p in
                    bar?.update(done: p.bytesDone, total: p.bytes, label: p.name)
                }
                bar?.finish()
            } catch {
                bar?.finish()
                _ = try? meter.stop()
                throw error
            }
            var report = try meter.stop()
            report.kind = .compress
            report.compression = result.section
            report.notes.append(contentsOf: result.notes)
            if let json { try AtomicFile.write(report.jsonData(), to: json) }
            if !quiet {
                printError(CompressCLI.summary(report))
            } else {
                // -q hides the summary, not what went wrong with the model.
                for n in report.notes where n.level == .warning && n.code.hasPrefix("compress.") {
                    printError("greenlight compress: warning: \(TerminalText.escaped(n.message))")
                }
            }
        } catch let e as ValidationError {
            throw e
        } catch {
            throw error
        }
    }
}

enum CompressCLI {
    /// Refuses, before the work starts, an output or report path that cannot be written, that is the model
    /// itself (by device and inode, so links count), or that is the other output.
    static func checkOutputs(model: String, output: String?, json: String?) throws {
        if let output { try OutputTarget.check(output, notSameAs: [model]) }
        if let json {
            try OutputTarget.check(json, notSameAs: [model] + (output.map { [$0] } ?? []))
            if let output, URL(fileURLWithPath: json).standardizedFileURL.path == URL(fileURLWithPath: output).standardizedFileURL.path {
                throw GreenlightError.invalidInput(
                    "--json \(TerminalText.escaped(json)) is the same path as the model output; give the report its own file")
            }
        }
    }

    /// `<name>-<TYPE>.<ext>` in the current directory; `<name>` is the model's folder when the file is the
    /// usual `model.safetensors`.
    static func defaultOutput(model: String, type: GGMLType, format: CompressOptions.OutputFormat) -> String {
        let url = URL(fileURLWithPath: model)
        var name = url.deletingPathExtension().lastPathComponent
        if name == "model" { name = url.deletingLastPathComponent().lastPathComponent }
        return "\(name)-\(type.name).\(format.rawValue)"
    }

    static func summary(_ report: Report) -> String {
        guard let c = report.compression else { return "" }
        var lines: [String] = []
        let arch = c.source.architecture.map { " (\($0))" } ?? ""
        let out = c.output.map { "→ \(TerminalText.escaped($0.path))\(arch)" } ?? "(dry run, nothing written)"
        lines.append("greenlight compress: \(TerminalText.escaped(c.source.path)) \(out)")
        lines.append("  size     S1 \(Format.bytes(Double(c.sourceBytes)))\(c.sourceBytes < c.source.bytes ? " (converted part of \(Format.bytes(Double(c.source.bytes))))" : "") → S2 \(Format.bytes(Double(c.outputBytes)))   "
                     + "ratio S1/S2 \(Format.number(c.ratio, significant: 3))×   \(Format.number(c.bitsPerWeight, significant: 4)) bits/weight")
        if let rmse = c.relativeRMSE {
            let worst = c.tensors.compactMap { t in t.relativeRMSE.map { (TerminalText.escaped(t.name), $0) } }.max { $0.1 < $1.1 }
            lines.append("  quality  relative RMSE \(Format.number(rmse, significant: 3)) over all tensors, measured (output decoded against the source)"
                         + (worst.map { " (worst \($0.0): \(Format.number($0.1, significant: 3)))" } ?? ""))
        }
        if let s = c.sparsity, let p = c.pruning {
            lines.append("  pruning  \(p.method)\(p.scope.map { " \($0)" } ?? ""): sparsity \(Format.number(s * 100, significant: 3)) % of pruned weights")
        }
        let types = Dictionary(grouping: c.tensors, by: \.type).map { "\($0.value.count)×\($0.key)" }.sorted().joined(separator: ", ")
        lines.append("  tensors  \(c.tensors.count): \(types); fallbacks \(c.fallbacks)")
        for t in c.tensors { if let f = t.fallback { lines.append("           \(TerminalText.escaped(t.name)): \(f)") } }
        lines.append("  time     \(Format.duration(c.duration)) wall clock on \(c.threads) thread(s)")
        if let e = report.energy {
            lines.append("  energy   \(Format.energy(e.process.energy)) for this compression (\(e.process.method.label))")
        }
        if let carbon = report.carbon {
            lines.append("  carbon   \(Format.carbon(carbon.process)) at \(Format.number(carbon.intensity.value.gramsPerKilowattHour)) gCO2e/kWh (\(carbon.intensity.method.label))")
        }
        for n in report.notes where n.level != .info || n.code.hasPrefix("compress.") { lines.append("  note: \(TerminalText.escaped(n.message))") }
        return lines.joined(separator: "\n")
    }
}

/// A one-line progress bar on stderr, shown only when both stdout and stderr are terminals.
final class ProgressBar: @unchecked Sendable {
    private var lastDraw = ContinuousClock.now - .seconds(1)

    static func forTerminal() -> ProgressBar? {
        isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1 ? ProgressBar() : nil
    }

    func update(done: Int, total: Int, label: String) {
        let now = ContinuousClock.now
        guard now - lastDraw > .milliseconds(100) || done == total else { return }
        lastDraw = now
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let text = "\r[\(bar)] \(Int(fraction * 100))% \(TerminalText.escaped(String(label.prefix(40))))"
        FileHandle.standardError.write(Data((text + "\u{1B}[K").utf8))
    }

    func finish() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
