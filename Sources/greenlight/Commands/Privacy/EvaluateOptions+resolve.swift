import GreenlightPrivacy

extension EvaluateOptions {
    /// The evaluation to run.
    func resolve() throws -> PIIEvaluationJob {
        PIIEvaluationJob(inputPath: file, reportPath: json, scoring: score.map { Set(commaList($0)) },
                         scanner: try entityOptions.scanner(), encoding: encoding.encoding)
    }
}
