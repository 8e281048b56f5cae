public import GreenlightCore

extension EnergyLabel: ReportMetricProvider {
    /// How the label metrics are obtained: graded on the bundled scale.
    static let metricMethod = "derived:ai-energy-score-2025-02"

    /// `label.stars` and `label.energy_per_1k_queries`, graded on the bundled AI Energy Score scale for the
    /// report's `--task` (a scale task: `text-classification`, `text-generation-a`, …) and its queries
    /// (`--unit query --units N`); a report without them lacks the metrics (an error on an enforced rule).
    public static var metrics: [ReportMetric] {
        [
            ReportMetric("label.stars", .number,
                         "the energy label's stars, 1–5, on the bundled AI Energy Score scale (Feb 2025) for --task; needs --unit query --units N",
                         kinds: [.run, .estimate]) { r in
                (try? make(r)).map { .number(Double($0.stars), metricMethod) }
            },
            ReportMetric("label.energy_per_1k_queries", .energy,
                         "the energy label's figure: GPU energy (else the tree's) per 1,000 queries, as AI Energy Score counts it",
                         kinds: [.run, .estimate]) { r in
                (try? make(r)).map { .number($0.whPer1000Queries * 3600, metricMethod) }
            },
        ]
    }
}
