import GreenlightCompress
import GreenlightCore
import GreenlightMeter

extension CompressCommandOptions {
    /// The compression to run, measured where `--country`/`--intensity` say.
    func resolve() throws -> CompressJob {
        let policy = TypePolicy(
            type: type, overrides: try tensorTypes.map { try TypePolicy.Override(parsing: $0) },
            tokenEmbeddingType: tokenEmbeddingType, outputTensorType: outputTensorType)
        let options = CompressOptions(
            policy: policy, pruning: prune?.pruning(sparsity: sparsity), format: format,
            threads: threads, dryRun: dryRun, measureError: !noError, strict: strict)
        var meter = MeterConfiguration()
        meter.location = try location.resolve()
        meter.context = try context.resolve(defaultStage: .compression)
        return CompressJob(sourcePath: model, outputPath: output, reportPath: json, options: options, meter: meter)
    }
}
