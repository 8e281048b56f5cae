import GreenlightStandards

extension ReportOptions {
    /// The report to write.
    func resolve() -> StandardReportJob {
        StandardReportJob(reports: reports, format: format, outputPath: output, metadataPath: meta, scalePath: scale, scaleTask: scaleTask,
                          timelinePaths: timeline, policies: policies, title: title)
    }
}
