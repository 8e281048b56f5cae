/// Where a command writes its report: `--json`, `--csv`, and the stderr summary.
public struct ReportOutputs: Sendable {
    /// Path of the JSON report (written atomically), or `nil`.
    public var jsonPath: String?
    /// Path of a CodeCarbon-layout CSV to append one row to, or `nil`.
    public var csvPath: String?
    /// Which figures the CSV row carries.
    public var csvScope: CodeCarbonCSV.Scope
    /// CodeCarbon's `project_name` column.
    public var projectName: String

    /// Creates an output plan.
    public init(jsonPath: String? = nil, csvPath: String? = nil, csvScope: CodeCarbonCSV.Scope = .process, projectName: String = "greenlight") {
        self.jsonPath = jsonPath
        self.csvPath = csvPath
        self.csvScope = csvScope
        self.projectName = projectName
    }

    /// Checks every requested output before the work starts (see ``OutputTarget``): a late failure would lose
    /// the measurement.
    ///
    /// - Parameter inputs: Files the command reads, which no output may be.
    /// - Throws: ``GreenlightError`` (invalid input) naming the output and what is wrong with it.
    public func check(notSameAs inputs: [String] = []) throws {
        if let jsonPath { try OutputTarget.check(jsonPath, notSameAs: inputs + [csvPath].compactMap { $0 }) }
        if let csvPath {
            try OutputTarget.check(csvPath, notSameAs: inputs, append: true)
            try CodeCarbonCSV.checkAppendable(csvPath)
        }
        if let jsonPath, let csvPath, jsonPath == csvPath {
            throw GreenlightError.invalidInput("the JSON report and the CSV are both \(TerminalText.escaped(jsonPath)); give two paths")
        }
    }

    /// Writes every requested output.
    ///
    /// - Throws: ``GreenlightError`` naming the file that could not be written; outputs already written stay.
    public func write(_ report: Report) throws {
        if let jsonPath {
            try AtomicFile.write(report.jsonData(), to: jsonPath)
        }
        if let csvPath {
            try CodeCarbonCSV.append(report, to: csvPath, scope: csvScope, projectName: projectName, experimentID: "")
        }
    }

    /// Checks the outputs, makes the report, and writes it: what a command that produces a report does, in the
    /// order that never loses work to an output that could have been refused first.
    public func produce(notSameAs inputs: [String] = [], _ make: () throws -> Report) throws -> Report {
        try check(notSameAs: inputs)
        let report = try make()
        try write(report)
        return report
    }
}
