import Foundation
public import GreenlightCore

/// The metric catalogue as `check --list-metrics` prints it: a table for people, or JSON.
public enum MetricListing {
    /// One line per metric: name, unit, the report kinds that have it, what it is.
    public static func text(_ catalogue: MetricCatalogue = .standard) -> String {
        let width = catalogue.metrics.map(\.name.count).max() ?? 0
        var lines = ["metric".padding(width) + "  unit        kinds                        meaning"]
        for m in catalogue.metrics {
            lines.append(m.name.padding(width) + "  " + unit(m.dimension).padding(10) + "  "
                + m.kinds.map(\.rawValue).joined(separator: ",").padding(27) + "  " + m.meaning)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `[{name, dimension, unit, units, kinds, combination, meaning}]`, sorted keys.
    public static func json(_ catalogue: MetricCatalogue = .standard) throws -> String {
        struct Entry: Encodable {
            let name, dimension, unit, meaning, combination: String
            let units: [String]
            let kinds: [String]
        }
        let entries = catalogue.metrics.map {
            Entry(name: $0.name, dimension: $0.dimension.rawValue, unit: $0.dimension.baseUnit, meaning: $0.meaning,
                  combination: $0.combination.rawValue, units: PolicyUnit.symbols(for: $0.dimension), kinds: $0.kinds.map(\.rawValue))
        }
        return String(decoding: try Report.makeEncoder().encode(entries), as: UTF8.self) + "\n"
    }

    /// Markdown tables, one per group (`energy`, `privacy.kanon`, …), as docs/POLICY.md holds them.
    public static func markdown(_ catalogue: MetricCatalogue = .standard) -> String {
        var groups: [(name: String, metrics: [ReportMetric])] = []
        for metric in catalogue.metrics {
            let parts = metric.name.split(separator: ".")
            let group = parts.first == "privacy" ? parts.prefix(2).joined(separator: ".") : String(parts.first ?? "")
            if let i = groups.firstIndex(where: { $0.name == group }) { groups[i].metrics.append(metric) } else { groups.append((group, [metric])) }
        }
        var out = ""
        for group in groups {
            out += "\n### `\(group.name)`\n\n| metric | unit | reports | meaning |\n|---|---|---|---|\n"
            for m in group.metrics {
                let unit = m.dimension == .ratio ? "ratio or %" : m.dimension == .flops ? "FLOP" : unit(m.dimension)
                let combine = m.combination == .same ? "" : " (`--combine`: \(m.combination.rawValue))"
                out += "| `\(m.name)` | \(unit) | \(m.kinds.map(\.rawValue).joined(separator: ", ")) | "
                    + m.meaning.replacingOccurrences(of: "|", with: "\\|") + combine + " |\n"
            }
        }
        return out
    }

    /// The unit column: the base unit, or what the values are.
    static func unit(_ d: MetricDimension) -> String {
        switch d {
        case .ratio: "ratio/%"
        case .number: "number"
        case .text: "word"
        case .textSet: "words"
        case .boolean: "true/false"
        default: d.baseUnit
        }
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
