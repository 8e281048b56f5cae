/// The human summary of a report, as `greenlight` prints it on stderr.
///
/// Every figure is followed by how it was obtained, so a reader never has to guess whether a number was
/// measured or estimated.
public enum ReportSummary {
    /// `training · model llama-3-8b · task text-generation · team=nlp`, escaped for a terminal.
    public static func contextLine(_ context: ReportContext) -> String {
        var parts: [String] = []
        if let stage = context.stage { parts.append(stage.rawValue) }
        if let model = context.model { parts.append("model " + TerminalText.escaped(model)) }
        if let task = context.task { parts.append("task " + TerminalText.escaped(task)) }
        for (key, value) in context.tags.sorted(by: { $0.key < $1.key }) { parts.append(TerminalText.escaped("\(key)=\(value)")) }
        return parts.joined(separator: " · ")
    }

    /// Renders the summary as lines of text.
    ///
    /// - Parameter spell: How a note's parameter is named (a CLI gives its flag); the library's name by default.
    public static func render(_ report: Report, naming spell: (String) -> String = { $0 }) -> String {
        var out: [String] = []
        if let run = report.run {
            let cmd = TerminalText.escaped(run.command.joined(separator: " "))
            let how: String
            switch run.exit.status {
            case .exited: how = "exited with code \(run.exit.code ?? 0)"
            case .signaled: how = "was killed by signal \(run.exit.signal ?? 0)"
            }
            out.append("greenlight: `\(cmd)` \(how) after \(Format.duration(run.duration)) (\(run.samples) samples)")
        } else if report.kind == .estimate {
            out.append("greenlight: estimate (nothing was run)")
        }
        if let context = report.context { out.append("  context  " + contextLine(context) + "  [given by the user]") }
        if let p = report.process {
            out.append("  process  CPU \(Format.duration(p.cpuTime)) (user \(Format.duration(p.userCPU)), system \(Format.duration(p.systemCPU))), "
                + "peak RSS \(Format.bytes(Double(p.peakRSSBytes))), \(p.processesSeen) process(es) seen  [\(p.method.label)]")
        }
        if let e = report.energy {
            let tree = report.kind == .estimate ? "workload" : "process tree"
            out.append("  energy   \(tree) \(e.process.energy) of host \(e.host.total) "
                + "(idle \(e.host.idle), active \(e.host.active); tree \(Format.number(e.process.shareOfActive * 100, significant: 3)) % of active)")
            for c in e.components {
                out.append("           \(c.name): \(c.energy), mean \(c.meanPower), tree \(c.processEnergy)  [\(c.method.label)]")
            }
            out.append("           PUE \(Format.number(e.pue.value)) [\(e.pue.method.label)]")
        }
        if let c = report.carbon {
            out.append("  carbon   \(c.process) (host \(c.host)) at \(c.intensity.value) for \(c.intensity.location.displayName)"
                + "\(c.intensity.year.map { ", \($0)" } ?? "") [\(c.intensity.method.label)]")
            if let m = c.embodied {
                out.append("           embodied \(m.attributed) of \(m.total) [\(m.method.label)]")
            }
        }
        if let s = report.sci {
            out.append("  SCI      \(s.score) per \(s.functionalUnit) ((E·I + M) / R, R = \(Format.number(s.units)))")
        }
        for n in report.notes where n.level == .warning {
            out.append("  warning: \(n.text(naming: spell))")
        }
        return out.joined(separator: "\n")
    }
}
