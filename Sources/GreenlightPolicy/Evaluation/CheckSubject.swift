public import GreenlightCore

/// What a policy is checked against: one report, or several combined into one pipeline view (`--combine`).
public struct CheckSubject: Sendable {
    /// The report file (or `a.json + b.json` when combined), as results name it.
    public let name: String
    /// The report, or the reports combined, with their names.
    public let reports: [(name: String, report: Report)]

    /// One report.
    public init(name: String, report: Report) {
        self.name = name
        self.reports = [(name, report)]
    }

    /// Several reports as one: additive metrics summed, the rest defined where the reports agree.
    public init(combining reports: [(name: String, report: Report)]) {
        self.name = reports.map(\.name).joined(separator: " + ")
        self.reports = reports
    }

    /// Whether several reports are combined.
    public var isCombined: Bool { reports.count > 1 }

    /// Whether `selector` picks this subject; a combined one when any of its reports is picked.
    public func isSelected(by selector: Selector) -> Bool {
        reports.contains { selector.matches(kind: $0.report.kind, context: $0.report.context) }
    }

    /// A metric's value here, or why there is none.
    public func value(of reference: MetricReference) -> Result<MetricValue, MissingMetric> {
        let metric = reference.metric
        let values = reports.compactMap { entry in metric.read(entry.report, key: reference.key).map { (entry.name, $0) } }
        guard let first = values.first else {
            let kinds = metric.kinds.map(\.rawValue).joined(separator: ", ")
            let what = isCombined ? "none of the reports has" : "the report has no"
            return .failure(MissingMetric(reason: "\(what) \(reference.name) (it is in \(kinds) reports, when the figure was produced)"))
        }
        guard isCombined else { return .success(first.1) }
        let method = Self.joinedMethods(values.map(\.1))
        switch metric.combination {
        case .sum, .max:
            var numbers: [Double] = []
            for (_, v) in values {
                guard case .number(let x) = v.value else { return .success(first.1) }
                numbers.append(x)
            }
            let combined = metric.combination == .sum ? numbers.reduce(0, +) : (numbers.max() ?? 0)
            return .success(MetricValue(.number(combined), method: method))
        case .union:
            var words = Set<String>()
            for (_, v) in values {
                switch v.value {
                case .texts(let list): words.formUnion(list)
                case .text(let s): words.insert(s)
                default: break
                }
            }
            return .success(MetricValue(.texts(words.sorted()), method: method))
        case .same:
            if let other = values.first(where: { $0.1.value != first.1.value }) {
                return .failure(MissingMetric(reason:
                    "\(reference.name) differs across the combined reports (\(first.0): \(Self.describe(first.1.value)), \(other.0): \(Self.describe(other.1.value))), and it does not add up; check the reports one by one"))
            }
            return .success(MetricValue(first.1.value, method: method))
        }
    }

    private static func joinedMethods(_ values: [MetricValue]) -> String? {
        var seen = Set<String>()
        let methods = values.compactMap(\.method).filter { seen.insert($0).inserted }
        return methods.isEmpty ? nil : methods.joined(separator: " + ")
    }

    private static func describe(_ value: MetricValue.Value) -> String {
        switch value {
        case .number(let x): Format.number(x)
        case .text(let s): TerminalText.escaped(s)
        case .texts(let list): "[" + list.map(TerminalText.escaped).joined(separator: ", ") + "]"
        case .boolean(let b): String(b)
        }
    }
}

/// Why a metric has no value in a subject.
public struct MissingMetric: Error, Sendable, Hashable {
    /// In words.
    public let reason: String
}
