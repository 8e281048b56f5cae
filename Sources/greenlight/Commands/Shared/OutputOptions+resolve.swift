import GreenlightCore

extension OutputOptions {
    /// The report files to write.
    func resolve() -> ReportOutputs {
        ReportOutputs(jsonPath: json, csvPath: csv, csvScope: scope == .process ? .process : .machine, projectName: projectName)
    }
}
