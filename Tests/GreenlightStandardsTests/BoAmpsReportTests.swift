import Foundation
import GreenlightCore
import GreenlightStandards
import GreenlightTestSupport
import Testing

@Suite("the BoAmps report")
struct BoAmpsReportTests {
    static let metadata = ReportMetadata(
        publisher: .init(name: "ACME", confidentialityLevel: "public"), licensing: "CC-BY-4.0", reportStatus: "final",
        infrastructure: .init(infraType: "onPremise"), task: .init(taskFamily: "text generation", nbRequest: 1000),
        dataset: [.init(dataUsage: "input", dataType: "token", dataQuantity: 1.5e6)], quality: "high")

    static func document(_ report: Report = HTMLFixtures.run(), metadata: ReportMetadata = metadata) throws -> [String: Any] {
        let data = try BoAmpsReport.render(report, metadata: metadata)
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func everyComponentIsAMeasureLabelledWithItsMethod() throws {
        let doc = try Self.document()
        let measures = try #require(doc["measures"] as? [[String: Any]])
        #expect(measures.count == 2)
        #expect(measures[0]["measurementMethod"] as? String == "greenlight:measured:rapl")
        #expect(measures[0]["cpuTrackingMode"] as? String == "rapl" && measures[0]["gpuTrackingMode"] == nil)
        #expect(measures[1]["gpuTrackingMode"] as? String == "nvml" && measures[1]["cpuTrackingMode"] == nil)
        // The tree's share, in kWh: 9e5 J and 1.9e6 J.
        #expect(abs((measures[0]["powerConsumption"] as? Double ?? 0) - 0.25) < 1e-9)
        #expect(abs((measures[1]["powerConsumption"] as? Double ?? 0) - 1.9e6 / 3.6e6) < 1e-9)
        #expect(measures[0]["measurementDuration"] as? Double == 3600)
        let task = try #require(doc["task"] as? [String: Any])
        #expect(task["taskStage"] as? String == "training" && task["taskFamily"] as? String == "text generation")
        let environment = try #require(doc["environment"] as? [String: Any])
        #expect(environment["country"] as? String == "Germany" && environment["powerSourceCarbonIntensity"] as? Double == 380)
        let header = try #require(doc["header"] as? [String: Any])
        #expect(header["formatVersion"] as? String == "0.1" && header["reportId"] as? String == HTMLFixtures.run().id)
        #expect(header["reportDatetime"] as? String == "2026-05-28 20:26:40")
    }

    @Test func theReportSuppliesWhatTheMetadataDoesNot() throws {
        // The model names the algorithm and the task the family when the sidecar gives neither.
        var meta = Self.metadata
        meta.task = nil
        let doc = try Self.document(metadata: meta)
        let task = try #require(doc["task"] as? [String: Any])
        #expect(task["taskFamily"] as? String == "text-generation")
        let algorithms = try #require(task["algorithms"] as? [[String: Any]])
        #expect(algorithms.first?["foundationModelName"] as? String == "llama-mini")
        let components = try #require((doc["infrastructure"] as? [String: Any])?["components"] as? [[String: Any]])
        #expect(components.map { $0["componentType"] as? String } == ["cpu", "gpu"])
    }

    @Test("a missing required field is named", arguments: [
        ("dataset", "task.dataset"), ("infraType", "infrastructure.infraType"), ("confidentiality", "confidentialityLevel"),
        ("dataType", "dataset[0].dataType"), ("stage", "taskStage"),
    ])
    func missing(_ what: String, _ named: String) {
        var meta = Self.metadata
        var report = HTMLFixtures.run()
        switch what {
        case "dataset": meta.dataset = nil
        case "infraType": meta.infrastructure = nil
        case "confidentiality": meta.publisher = .init(name: "ACME")
        case "dataType": meta.dataset = [.init(dataUsage: "input")]
        default: report.context?.stage = nil
        }
        let error = expectCode(.invalidInput) { try BoAmpsReport.render(report, metadata: meta) }
        #expect(error?.message.contains(named) == true, "\(error?.message ?? "")")
    }

    @Test func aReportWithoutEnergyIsRefused() {
        let error = expectCode(.invalidInput) { try BoAmpsReport.render(HTMLFixtures.compress(), metadata: Self.metadata) }
        #expect(error?.message.contains("no energy") == true)
    }

    /// BoAmps' own JSON schemas (draft-04, four referenced sub-schemas) accept the document; the upstream example
    /// is the control that the validator works, and a document lacking its task the control that it can fail.
    @Test func boampsSchemasAcceptTheDocument() throws {
        guard let python = PythonOracle.module("jsonschema", "referencing") else { return }
        let schemas = TestSupport.sharedData.appendingPathComponent("reference/boamps")
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("validate.py")
        try Self.validator.write(to: script, atomically: true, encoding: .utf8)
        let ours = dir.appendingPathComponent("ours.json"), estimate = dir.appendingPathComponent("estimate.json")
        try BoAmpsReport.render(HTMLFixtures.run(), metadata: Self.metadata).write(to: ours)
        let estimated = try Estimator.estimate(EstimateRequest(device: "H100", count: 8, work: .hours(2), context: ReportContext(stage: .inference, model: "llama-mini")))
        try BoAmpsReport.render(estimated, metadata: Self.metadata).write(to: estimate)
        var broken = try Self.document()
        broken["task"] = nil
        (broken["measures"] as? [[String: Any]]).map { broken["measures"] = $0.map { m in m.filter { $0.key != "powerConsumption" } } }
        let lacking = dir.appendingPathComponent("lacking.json")
        try JSONSerialization.data(withJSONObject: broken).write(to: lacking)

        let good = try TestSupport.run(python, [script.path, schemas.path, ours.path, estimate.path,
                                                schemas.appendingPathComponent("energy-report-llm-inference.json").path])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        let bad = try TestSupport.run(python, [script.path, schemas.path, lacking.path])
        #expect(bad.status == 1, "\(bad.stdout)\(bad.stderr)")
        #expect(bad.stdout.contains("'task' is a required property"))
        #expect(bad.stdout.contains("'powerConsumption' is a required property"), "the sub-schemas are resolved: \(bad.stdout)")
    }

    static let validator = """
        import json, sys, pathlib
        from jsonschema import Draft4Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4
        d = pathlib.Path(sys.argv[1])
        schemas = {p.name: json.loads(p.read_text()) for p in d.glob("*_schema.json")}
        # Keyed by each schema's id, so the references resolve here and nothing is fetched.
        registry = Registry().with_resources([(s["id"], Resource(s, specification=DRAFT4)) for s in schemas.values()])
        v = Draft4Validator(schemas["report_schema.json"], registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)
        bad = 0
        for f in sys.argv[2:]:
            for e in v.iter_errors(json.loads(pathlib.Path(f).read_text())):
                print(f"{f}: {'/'.join(map(str, e.path))}: {e.message}")
                bad += 1
        sys.exit(1 if bad else 0)
        """
}
