import GreenlightCore

/// The text of `greenlight hardware`: what this machine has and what `run` will use.
public enum HardwareReport {
    /// Renders a resolved plan.
    public static func render(_ plan: PowerPlan) -> String {
        let s = plan.system
        var out: [String] = []
        out.append("host     \(s.hostname), \(s.os)")
        out.append("cpu      \(s.cpuModel ?? "(model unknown)"), \(s.logicalCPUs) logical CPUs")
        if let model = s.cpuModel, let match = CPUPowerTable.bundled.match(modelName: model) {
            out.append("         TDP \(match.tdp) [\(match.method)]")
        } else {
            out.append("         TDP: not in the table (\(CPUPowerTable.perThreadFallback(threads: s.logicalCPUs).method))")
        }
        out.append("memory   \(Format.bytes(Double(s.memoryBytes)))")
        if plan.raplDomains.isEmpty {
            out.append("rapl     no powercap zones found")
        } else {
            for d in plan.raplDomains {
                let state = d.readable ? (d.selected ? "readable, used" : "readable, not used") : "NOT readable"
                out.append("rapl     \(d.zone) \(d.name) (\(d.kind.rawValue)): \(state)")
            }
        }
        if plan.gpus.isEmpty {
            out.append("gpu      none visible through NVML")
        } else {
            for g in plan.gpus { out.append("gpu      \(g.index): \(g.name)\(g.uuid.map { " \($0)" } ?? "")") }
        }
        out.append("")
        out.append("`greenlight run` will use:")
        for line in plan.methodLines { out.append("  \(line)") }
        for n in plan.notes { out.append("  \(n.level == .warning ? "warning" : "note"): \(n.message)") }
        return out.joined(separator: "\n")
    }
}
