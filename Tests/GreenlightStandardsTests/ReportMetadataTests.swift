import Foundation
import GreenlightCore
import GreenlightStandards
import GreenlightTestSupport
import Testing

@Suite("the metadata sidecar")
struct ReportMetadataTests {
    @Test func aFullSidecarParses() throws {
        let yaml = """
            publisher: {name: ACME, confidentialityLevel: public}
            licensing: CC-BY-4.0
            reportStatus: final
            infrastructure: {infraType: onPremise}
            task: {taskFamily: text classification, nbRequest: 1000}
            algorithms: [{algorithmType: llm, foundationModelName: llama-3-8b, parametersNumber: 8}]
            dataset: [{dataUsage: input, dataType: token, dataQuantity: 1.5e6}]
            quality: high
            metrics: {accuracy: 0.91}
            """
        let meta = try ReportMetadata.parse(yaml, source: "meta.yaml")
        #expect(meta.publisher?.name == "ACME" && meta.infrastructure?.infraType == "onPremise")
        #expect(meta.task?.nbRequest == 1000 && meta.dataset?.first?.dataQuantity == 1.5e6)
        #expect(meta.algorithms?.first?.parametersNumber == 8 && meta.metrics == ["accuracy": 0.91])
    }

    @Test("mistakes name the file, line and key", arguments: [
        ("publisher: {name: ACME, confidentality: public}\n", "publisher.confidentality"),
        ("reportStatus: done\n", "reportStatus"),
        ("dataset: [{dataUsage: input, dataType: pixels}]\n", "dataset.dataType"),
        ("task: {nbRequest: many}\n", "task.nbRequest"),
        ("licence: MIT\n", "licence"),
    ])
    func mistakes(_ yaml: String, _ field: String) {
        let error = expectCode(.invalidInput) { try ReportMetadata.parse(yaml, source: "meta.yaml") }
        #expect(error?.location?.field == field, "\(error?.message ?? "")")
        #expect(error?.summary.hasPrefix("meta.yaml") == true)
    }
}
