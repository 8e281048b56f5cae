/// Every metric a policy can name, by name: the report model's own (``standard``) and any a later module adds.
public struct MetricCatalogue: Sendable {
    /// The metrics, in the order registered.
    public private(set) var metrics: [ReportMetric]
    private var byName: [String: Int]

    /// A catalogue of `metrics`.
    ///
    /// - Throws: ``GreenlightError`` (invalid input) when two share a name.
    public init(_ metrics: [ReportMetric]) throws {
        self.metrics = []
        self.byName = [:]
        try add(metrics)
    }

    /// Adds the metrics of another part of the report (a later section, another module's).
    ///
    /// - Throws: ``GreenlightError`` (invalid input) for a name already registered.
    public mutating func add(_ more: [ReportMetric]) throws {
        for metric in more {
            guard byName[metric.name] == nil else {
                throw GreenlightError.invalidInput("metric \(metric.name) is registered twice")
            }
            byName[metric.name] = metrics.count
            metrics.append(metric)
        }
    }

    /// The catalogue with `provider`'s metrics added.
    public func adding(_ provider: any ReportMetricProvider.Type) throws -> MetricCatalogue {
        var copy = self
        try copy.add(provider.metrics)
        return copy
    }

    /// The metric `name` refers to and, for a family (`context.tags.team`), the key; nil when none does.
    public func lookup(_ name: String) -> (metric: ReportMetric, key: String?)? {
        if let i = byName[name] { return (metrics[i], nil) }
        var prefix = Substring(name)
        while let dot = prefix.lastIndex(of: ".") {
            prefix = prefix[..<dot]
            if let i = byName[prefix + ".*"] {
                // The whole rest is the key: tag keys may contain dots.
                let key = String(name.dropFirst(prefix.count + 1))
                return key.isEmpty ? nil : (metrics[i], key)
            }
        }
        return nil
    }

    /// Up to three names close to `name`, for "did you mean".
    public func suggestions(for name: String) -> [String] {
        Suggestions.closest(to: name, in: metrics.map { .init(label: $0.name, names: [$0.name]) })
    }

    /// The metrics the report model has: every section's.
    public static let standard: MetricCatalogue = {
        let providers: [any ReportMetricProvider.Type] = [
            Report.self, ReportContext.self, HostInfo.self, RunInfo.self, ProcessUsage.self, EnergySection.self,
            CarbonSection.self, SCIScore.self, EstimateInputs.self, CompressionSection.self, PrivacySection.self,
        ]
        // Names are unique by construction (a test checks); a clash is a programming error caught there.
        return (try? MetricCatalogue(providers.flatMap { $0.metrics })) ?? MetricCatalogue(unchecked: [])
    }()

    private init(unchecked metrics: [ReportMetric]) {
        self.metrics = metrics
        self.byName = [:]
    }
}
