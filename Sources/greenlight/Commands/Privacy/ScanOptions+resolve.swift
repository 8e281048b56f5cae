import GreenlightPrivacy

extension ScanOptions {
    /// The scan to run.
    func resolve() -> ColumnScanJob {
        ColumnScanJob(inputPath: file, reportPath: json, sampleRows: sample, encoding: encoding.encoding)
    }
}
