import GreenlightCompress
import GreenlightCore

extension InspectOptions {
    /// Checks the JSON path before the (possibly long) inspection.
    func checkOutput() throws {
        if let json, json != "-" { try OutputTarget.check(json, notSameAs: [file]) }
    }

    /// The table on stdout, or the JSON at `--json` (stdout for `-`; the table is then not printed).
    func deliver(_ inspection: ModelInspection) throws {
        switch json {
        case nil: try writeOut(InspectSummary.render(inspection))
        case "-": try writeResultBytes(InspectSummary.json(inspection))
        case let path?:
            try AtomicFile.write(InspectSummary.json(inspection), to: path)
            try writeOut(InspectSummary.render(inspection))
        }
    }
}
