import GreenlightPrivacy

extension DetectOptions {
    /// The detection to run.
    func resolve() throws -> PIIDetectionJob {
        PIIDetectionJob(inputPath: file, outputPath: output, reportPath: json, scanner: try entityOptions.scanner(), encoding: encoding.encoding)
    }
}
