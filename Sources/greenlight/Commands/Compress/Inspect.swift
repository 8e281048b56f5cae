import ArgumentParser
import GreenlightCompress

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the tensors, types, shapes, sizes, bits per weight and metadata of a safetensors or GGUF file.")

    @OptionGroup var options: InspectOptions

    func run() throws {
        try options.checkOutput()
        let inspection = try ModelInspector.inspect(options.file, sparsity: options.sparsity)
        try options.deliver(inspection)
    }
}

/// `inspect`'s flags.
struct InspectOptions: ParsableArguments {
    @Argument(help: "A .safetensors or .gguf file.")
    var file: String

    @Flag(help: "Also measure zeros per tensor and check the 2:4 pattern (decodes every tensor).")
    var sparsity = false

    @Option(help: "Write the listing as JSON here (atomically); - writes it to stdout instead of the table.")
    var json: String?
}
