import Foundation
public import GreenlightCore
public import GreenlightMeter
public import GreenlightTensors

/// One `compress` run as a value: the model, where the results go, the options, and how the energy of the
/// compression itself is measured. ``run(progress:)`` checks every output first, measures the conversion with
/// an ``EnergyMeter``, and returns the finished report (written to ``reportPath`` when one is given).
public struct CompressJob: Sendable {
    /// The source model (safetensors or GGUF).
    public var sourcePath: String
    /// The converted model; nil means ``defaultOutput(model:type:format:)``. Unused for a dry run.
    public var outputPath: String?
    /// Where the JSON report is written, when it is.
    public var reportPath: String?
    /// Types, pruning, format, threads.
    public var options: CompressOptions
    /// How the compression's own energy and carbon are measured (location, power sources).
    public var meter: MeterConfiguration

    /// A job; `outputPath` nil takes the default name.
    public init(sourcePath: String, outputPath: String? = nil, reportPath: String? = nil, options: CompressOptions,
                meter: MeterConfiguration = MeterConfiguration()) {
        self.sourcePath = sourcePath
        self.outputPath = outputPath
        self.reportPath = reportPath
        self.options = options
        self.meter = meter
    }

    /// The model file this job writes: the given path, else `<name>-<TYPE>.<ext>`; nil for a dry run.
    public var resolvedOutput: String? {
        options.dryRun ? nil : outputPath ?? Self.defaultOutput(model: sourcePath, type: options.policy.type, format: options.format)
    }

    /// `<name>-<TYPE>.<ext>` in the current directory; `<name>` is the model's folder when the file is the
    /// usual `model.safetensors`.
    public static func defaultOutput(model: String, type: GGMLType, format: CompressOptions.OutputFormat) -> String {
        let url = URL(fileURLWithPath: model)
        var name = url.deletingPathExtension().lastPathComponent
        if name == "model" { name = url.deletingLastPathComponent().lastPathComponent }
        return "\(name)-\(type.name).\(format.rawValue)"
    }

    /// Refuses, before the work starts, an output or report path that cannot be written, that is the model
    /// itself (by device and inode, so links count), or that is the other output.
    public func checkOutputs() throws {
        let output = resolvedOutput
        if let output { try OutputTarget.check(output, notSameAs: [sourcePath]) }
        guard let reportPath else { return }
        try OutputTarget.check(reportPath, notSameAs: [sourcePath] + (output.map { [$0] } ?? []))
        if let output, URL(fileURLWithPath: reportPath).standardizedFileURL.path == URL(fileURLWithPath: output).standardizedFileURL.path {
            throw GreenlightError.invalidInput(
                "the report \(TerminalText.escaped(reportPath)) is the same path as the model output; give the report its own file",
                parameter: .init("json"))
        }
    }

    /// Compresses the model under an energy meter and returns the `compress` report: the compression section,
    /// its notes, and the energy and carbon of the conversion. Nothing is written when an output is refused.
    public func run(progress: ((CompressProgress) -> Void)? = nil) throws -> Report {
        try checkOutputs()
        let meter = EnergyMeter(configuration: self.meter, label: "greenlight compress")
        try meter.start()
        let result: (section: CompressionSection, notes: [Note])
        do {
            result = try ModelCompressor.compress(sourcePath: sourcePath, outputPath: resolvedOutput, options: options, progress: progress)
        } catch {
            _ = try? meter.stop()
            throw error
        }
        var report = try meter.stop()
        report.kind = .compress
        report.compression = result.section
        report.notes.append(contentsOf: result.notes)
        if let reportPath { try AtomicFile.write(report.jsonData(), to: reportPath) }
        return report
    }
}
