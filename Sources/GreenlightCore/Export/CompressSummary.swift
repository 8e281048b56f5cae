/// The human summary of a `compress` report, as `greenlight compress` prints it on stderr: sizes S1 → S2,
/// measured quality, pruning, types and fallbacks, time, and the energy and carbon of the compression, each
/// with how it was obtained.
public enum CompressSummary {
    /// The summary lines; empty for a report without a compression section.
    ///
    /// - Parameter spell: How a note's parameter is named (a CLI gives its flag); the library's name by default.
    public static func render(_ report: Report, naming spell: (String) -> String = { $0 }) -> String {
        guard let c = report.compression else { return "" }
        var lines: [String] = []
        let arch = c.source.architecture.map { " (\($0))" } ?? ""
        let out = c.output.map { "→ \(TerminalText.escaped($0.path))\(arch)" } ?? "(dry run, nothing written)"
        lines.append("greenlight compress: \(TerminalText.escaped(c.source.path)) \(out)")
        let converted = c.sourceBytes < c.source.bytes ? " (converted part of \(Format.bytes(Double(c.source.bytes))))" : ""
        lines.append("  size     S1 \(Format.bytes(Double(c.sourceBytes)))\(converted) → S2 \(Format.bytes(Double(c.outputBytes)))   "
                     + "ratio S1/S2 \(Format.number(c.ratio, significant: 3))×   \(Format.number(c.bitsPerWeight, significant: 4)) bits/weight")
        if let rmse = c.relativeRMSE {
            let worst = c.tensors.compactMap { t in t.relativeRMSE.map { (TerminalText.escaped(t.name), $0) } }.max { $0.1 < $1.1 }
            lines.append("  quality  relative RMSE \(Format.number(rmse, significant: 3)) over all tensors, measured (output decoded against the source)"
                         + (worst.map { " (worst \($0.0): \(Format.number($0.1, significant: 3)))" } ?? ""))
        }
        if let s = c.sparsity, let p = c.pruning {
            lines.append("  pruning  \(p.method)\(p.scope.map { " \($0)" } ?? ""): sparsity \(Format.number(s * 100, significant: 3)) % of pruned weights")
        }
        let types = Dictionary(grouping: c.tensors, by: \.type).map { "\($0.value.count)×\($0.key)" }.sorted().joined(separator: ", ")
        lines.append("  tensors  \(c.tensors.count): \(types); fallbacks \(c.fallbacks)")
        for t in c.tensors { if let f = t.fallback { lines.append("           \(TerminalText.escaped(t.name)): \(f)") } }
        lines.append("  time     \(Format.duration(c.duration)) wall clock on \(c.threads) thread(s)")
        if let e = report.energy {
            lines.append("  energy   \(Format.energy(e.process.energy)) for this compression (\(e.process.method.label))")
        }
        if let carbon = report.carbon {
            lines.append("  carbon   \(Format.carbon(carbon.process)) at \(Format.number(carbon.intensity.value.gramsPerKilowattHour)) gCO2e/kWh (\(carbon.intensity.method.label))")
        }
        for n in report.notes where n.level != .info || n.code.hasPrefix("compress.") { lines.append("  note: \(TerminalText.escaped(n.text(naming: spell)))") }
        return lines.joined(separator: "\n")
    }

    /// What `-q` still prints: the warnings about the model (a quiet run hides the summary, not what went wrong).
    public static func warnings(_ report: Report, naming spell: (String) -> String = { $0 }) -> [String] {
        report.notes.filter { $0.level == .warning && $0.code.hasPrefix("compress.") }
            .map { "greenlight compress: warning: \(TerminalText.escaped($0.text(naming: spell)))" }
    }
}
