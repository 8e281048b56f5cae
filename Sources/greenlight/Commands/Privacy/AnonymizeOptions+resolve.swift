import GreenlightPrivacy

extension AnonymizeOptions {
    /// The anonymization to run.
    func resolve() -> AnonymizeJob {
        AnonymizeJob(inputPath: file, configPath: config, outputPath: output, reportPath: json, encoding: encoding.encoding)
    }
}
