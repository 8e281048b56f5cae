import ArgumentParser
import Foundation
import GreenlightCompress
import GreenlightCore
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

    @OptionGroup var options: CompressCommandOptions

    func run() throws {
        let bar = ProgressBar.forTerminal()
        defer { bar?.finish() }
        let report = try options.resolve().run { bar?.update(done: $0.bytesDone, total: $0.bytes, label: $0.name) }
        bar?.finish()
        // -q hides the summary, not what went wrong with the model.
        if options.quiet {
            CompressSummary.warnings(report, naming: FlagNames.flag).forEach(printError)
        } else {
            printError(CompressSummary.render(report, naming: FlagNames.flag))
        }
    }
}

/// `compress`'s flags.
struct CompressCommandOptions: ParsableArguments {
    @Argument(help: "The source model: safetensors (a config.json beside it selects the architecture) or GGUF (names and metadata kept).")
    var model: String

    @Option(name: .shortAndLong, help: "Output file (default: <model>-<TYPE>.gguf in the current directory).")
    var output: String?

    @Option(help: "Target type.")
    var type: GGMLType = .q8_0

    @Option(name: .customLong("tensor-type"), help: "Per-tensor override REGEX=TYPE, matched on the output name; repeatable, first match wins.")
    var tensorTypes: [String] = []

    @Option(name: .customLong("token-embedding-type"), help: "Type of token_embd.weight (keep embeddings at higher precision).")
    var tokenEmbeddingType: GGMLType?

    @Option(name: .customLong("output-tensor-type"), help: "Type of output.weight.")
    var outputTensorType: GGMLType?

    @Option(help: "Prune before converting: magnitude (per tensor), global (one magnitude threshold), or 2:4.")
    var prune: PruneMethod?

    @Option(help: "Fraction of weights to zero for magnitude pruning, 0–1 (default 0.5).")
    var sparsity: Double?

    @Option(help: "Output format (safetensors: float types only).")
    var format: CompressOptions.OutputFormat = .gguf

    @Option(help: "Threads for the quantization kernels (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .customLong("dry-run"), help: "Only compute sizes and bits per weight; write nothing.")
    var dryRun = false

    @Flag(name: .customLong("no-error"), help: "Skip the per-tensor error measurement (faster).")
    var noError = false

    @Flag(help: "Refuse a tensor holding NaN/inf or values the target type cannot hold, instead of keeping it at BF16/F32 with a warning.")
    var strict = false

    @OptionGroup var location: LocationOptions
    @OptionGroup var context: ContextOptions

    @Option(help: "Write the JSON report here (atomically).")
    var json: String?

    @Flag(name: .shortAndLong, help: "Do not print the summary on stderr (warnings are still printed).")
    var quiet = false

    func validate() throws {
        try checkRange("--threads", threads, 1...1024)
        if let sparsity, !(sparsity > 0 && sparsity < 1) { throw ValidationError("--sparsity must be between 0 and 1") }
        if sparsity != nil, prune == nil || prune == .twoFour { throw ValidationError("--sparsity goes with --prune magnitude or global") }
    }
}
