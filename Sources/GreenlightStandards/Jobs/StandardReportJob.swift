public import Foundation
public import GreenlightCore
import GreenlightPolicy

/// The standard a `greenlight report` speaks.
public enum StandardFormat: String, CaseIterable, Sendable, Hashable {
    /// BoAmps JSON (one report).
    case boamps
    /// The SCI disclosure as Markdown (one report).
    case sci
    /// The SCI disclosure as JSON (one report).
    case sciJSON = "sci-json"
    /// EU AI Act Annex XI compute and energy, Markdown (the reports of one model, summed).
    case annexXI = "annex-xi"
    /// The energy label, SVG (one report).
    case label
    /// One self-contained HTML page (reports side by side).
    case html
    /// CodeCarbon-compatible CSV, one row per report.
    case csv

    /// Whether it renders exactly one report.
    public var takesOneReport: Bool {
        switch self {
        case .boamps, .sci, .sciJSON, .label: true
        case .annexXI, .html, .csv: false
        }
    }
}

/// One `greenlight report` as a value: the reports, the standard, the sidecar files, where to write.
///
/// ``run()`` checks the output path first, reads every input (a mistake in any names its file), renders, and
/// writes atomically, so that a refused report leaves nothing behind.
public struct StandardReportJob: Sendable {
    /// Greenlight report files (JSON).
    public var reports: [String]
    /// The standard.
    public var format: StandardFormat
    /// Where to write; nil returns the bytes (the CLI prints them).
    public var outputPath: String?
    /// The metadata sidecar (YAML), for what a report cannot know.
    public var metadataPath: String?
    /// An energy scale file; nil for the bundled one.
    public var scalePath: String?
    /// The scale's task to grade the label on; nil for the report's.
    public var scaleTask: String?
    /// Timeline files (JSON lines), paired with the reports in order, for the HTML power chart.
    public var timelinePaths: [String]
    /// Policies whose verdicts the HTML page shows.
    public var policies: [String]
    /// The HTML page's title.
    public var title: String
    /// When the document is dated (Annex XI, HTML) and exceptions expire against.
    public var now: Date

    /// A job.
    public init(reports: [String], format: StandardFormat, outputPath: String? = nil, metadataPath: String? = nil,
                scalePath: String? = nil, scaleTask: String? = nil, timelinePaths: [String] = [], policies: [String] = [],
                title: String = "Greenlight report", now: Date = Date()) {
        self.reports = reports
        self.format = format
        self.outputPath = outputPath
        self.metadataPath = metadataPath
        self.scalePath = scalePath
        self.scaleTask = scaleTask
        self.timelinePaths = timelinePaths
        self.policies = policies
        self.title = title
        self.now = now
    }

    /// What was made.
    public struct Outcome: Sendable {
        /// The document, when it was not written to ``StandardReportJob/outputPath``.
        public var data: Data?
        /// The path written, if any.
        public var written: String?
    }

    /// Reads, renders and writes.
    ///
    /// - Throws: ``GreenlightError``: bad usage (invalid argument) for a combination of inputs the format cannot
    ///   take; invalid input naming a file that cannot be read or a field a standard requires that is missing;
    ///   an output that cannot be written.
    public func run() throws -> Outcome {
        guard !reports.isEmpty else { throw GreenlightError.invalidArgument("give the report(s) to render", parameter: "reports") }
        if format.takesOneReport && reports.count > 1 {
            throw GreenlightError.invalidArgument(
                "--format \(format.rawValue) describes one report (got \(reports.count)); give one at a time, or use annex-xi, html or csv",
                parameter: "reports")
        }
        if !timelinePaths.isEmpty && format != .html {
            throw GreenlightError.invalidArgument("--timeline draws the power chart of --format html", parameter: "timeline")
        }
        if !policies.isEmpty && format != .html {
            throw GreenlightError.invalidArgument("--policy adds verdicts to --format html; use greenlight check for the rest", parameter: "policies")
        }
        if timelinePaths.count > reports.count {
            throw GreenlightError.invalidArgument("\(timelinePaths.count) timelines for \(reports.count) reports: give at most one per report, in order",
                                                  parameter: "timeline")
        }
        if (scalePath != nil || scaleTask != nil) && format != .label {
            throw GreenlightError.invalidArgument("--scale and --scale-task grade --format label", parameter: "scale")
        }
        let inputs = reports + [metadataPath, scalePath].compactMap { $0 } + timelinePaths + policies.filter { !$0.hasPrefix("builtin:") }
        if let outputPath { try OutputTarget.check(outputPath, notSameAs: inputs) }

        let decoded = try reports.map { (name: $0, report: try CheckJob.readReport($0)) }
        let metadata = try metadataPath.map(ReportMetadata.load) ?? ReportMetadata()
        let data = try render(decoded, metadata: metadata)
        if let outputPath {
            try AtomicFile.write(data, to: outputPath)
            return Outcome(data: nil, written: outputPath)
        }
        return Outcome(data: data, written: nil)
    }

    /// The document for reports already read.
    public func render(_ decoded: [(name: String, report: Report)], metadata: ReportMetadata) throws -> Data {
        switch format {
        case .boamps:
            return try BoAmpsReport.render(decoded[0].report, metadata: metadata)
        case .sci:
            return Data(try SCIDisclosure.make(decoded[0].report, metadata: metadata).markdown().utf8)
        case .sciJSON:
            return try SCIDisclosure.make(decoded[0].report, metadata: metadata).json()
        case .annexXI:
            return Data(try AnnexXIReport.make(decoded, generatedAt: now).markdown().utf8)
        case .label:
            let scale = try scalePath.map(EnergyScale.load) ?? .bundled
            return Data(try EnergyLabel.make(decoded[0].report, metadata: metadata, scale: scale, task: scaleTask).svg().utf8)
        case .csv:
            var text = CodeCarbonCSV.line(CodeCarbonCSV.header)
            for (_, report) in decoded {
                text += CodeCarbonCSV.line(CodeCarbonCSV.row(for: report, scope: .process, projectName: "greenlight", experimentID: ""))
            }
            return Data(text.utf8)
        case .html:
            let timelines = try timelinePaths.map(TimelineFile.read)
            let entries = decoded.enumerated().map { i, d in
                HTMLReport.Entry(name: d.name, report: d.report, timeline: i < timelines.count ? timelines[i] : nil)
            }
            var check: CheckReport?
            if !policies.isEmpty {
                let loaded = try PolicyLoader(catalogue: StandardsPolicies.catalogue, packs: StandardsPolicies.packs).loadAll(policies)
                let evaluator = PolicyEvaluator(policies: loaded, now: now)
                let results = decoded.flatMap { evaluator.evaluate(CheckSubject(name: $0.name, report: $0.report)) }
                check = CheckReport(results: results, policies: policies, subjects: decoded.map(\.name))
            }
            return Data(HTMLReport(entries: entries, check: check, title: title, generatedAt: now).render().utf8)
        }
    }
}
