import Foundation
import GreenlightCore
import Testing

@Suite("the metric catalogue the report model registers")
struct MetricCatalogueTests {
    @Test func everySectionRegistersAndNamesAreUnique() throws {
        let names = MetricCatalogue.standard.metrics.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.count > 80)
        for prefix in ["report.", "context.", "host.", "run.", "process.", "energy.", "carbon.", "sci.", "estimate.", "compression.",
                       "privacy.encryption.", "privacy.pii.", "privacy.anonymization.", "privacy.kanon.", "privacy.dp.", "compute."] {
            #expect(names.contains { $0.hasPrefix(prefix) }, "\(prefix)")
        }
        for metric in MetricCatalogue.standard.metrics {
            #expect(!metric.meaning.isEmpty && !metric.kinds.isEmpty, "\(metric.name)")
            #expect(metric.name.allSatisfy { $0.isLowercase || $0.isNumber || "._*".contains($0) }, "\(metric.name)")
        }
    }

    @Test func aLaterSectionAddsMetricsWithoutTouchingTheOthers() throws {
        enum Quality: ReportMetricProvider {
            static var metrics: [ReportMetric] {
                [ReportMetric("quality.accuracy", .ratio, "top-1 accuracy", kinds: [.run]) { _ in .number(0.9, "measured:eval") }]
            }
        }
        let extended = try MetricCatalogue.standard.adding(Quality.self)
        #expect(extended.lookup("quality.accuracy")?.metric.read(Report(kind: .run))?.value == .number(0.9))
        #expect(MetricCatalogue.standard.lookup("quality.accuracy") == nil)
        #expect(throws: GreenlightError.self) { try extended.adding(Quality.self) }
    }

    @Test func everyMetricReadsAnEmptyReportOfEveryKindWithoutTrapping() {
        for kind in [Report.Kind.run, .estimate, .compress, .privacy] {
            for metric in MetricCatalogue.standard.metrics {
                // The report kind and tool version are always there; nothing else is in an empty report.
                let value = metric.read(Report(kind: kind), key: metric.isFamily ? "x" : nil)
                #expect((value != nil) == ["report.kind", "report.tool_version"].contains(metric.name), "\(metric.name)")
            }
        }
    }
}
