import Foundation
import GreenlightCore
import GreenlightStandards
import GreenlightTestSupport
import Testing

@Suite("greenlight report as a job")
struct StandardReportJobTests {
    /// A directory with a training run (with SCI), an inference run, a timeline, metadata and a policy.
    struct Workspace {
        let dir: URL
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

        init() throws {
            dir = try TestSupport.temporaryDirectory()
            var train = SCIDisclosureTests.report()
            train.context?.flops = 1e21
            try train.jsonData().write(to: URL(fileURLWithPath: path("train.json")))
            try EnergyLabelTests.inference(task: "text-generation-c").jsonData().write(to: URL(fileURLWithPath: path("serve.json")))
            let lines = HTMLFixtures.timeline().map { String(decoding: try! JSONEncoder().encode($0), as: UTF8.self) }
            try (lines.joined(separator: "\n") + "\n").write(toFile: path("t.jsonl"), atomically: true, encoding: .utf8)
            try """
                publisher: {name: ACME, confidentialityLevel: public}
                infrastructure: {infraType: onPremise}
                dataset: [{dataUsage: input, dataType: token, dataQuantity: 1e9}]
                sci: {rationale: "a training token is the provider's unit of work"}
                """.write(toFile: path("meta.yaml"), atomically: true, encoding: .utf8)
            try "rules:\n  - {id: budget, assert: \"energy.total <= 0.5 kWh\"}\n".write(toFile: path("p.yaml"), atomically: true, encoding: .utf8)
        }
    }

    @Test func everyFormatRendersToAFile() throws {
        let w = try Workspace()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        let cases: [(StandardFormat, [String], String, String)] = [
            (.boamps, ["train.json"], "out.json", "\"formatVersion\" : \"0.1\""),
            (.sci, ["train.json"], "sci.md", "# Software Carbon Intensity disclosure"),
            (.sciJSON, ["train.json"], "sci.json", "\"scoreUnit\" : \"gCO2e per training-token\""),
            (.annexXI, ["train.json", "serve.json"], "annex.md", "serve.json | inference | no |"),
            (.label, ["serve.json"], "label.svg", "5 of 5 stars"),
            (.csv, ["train.json", "serve.json"], "rows.csv", "timestamp,project_name,run_id"),
        ]
        for (format, reports, out, expected) in cases {
            let job = StandardReportJob(reports: reports.map(w.path), format: format, outputPath: w.path(out), metadataPath: w.path("meta.yaml"))
            let outcome = try job.run()
            #expect(outcome.data == nil && outcome.written == w.path(out))
            let text = try String(contentsOfFile: w.path(out), encoding: .utf8)
            #expect(text.contains(expected), "\(format): \(text.prefix(400))")
            if format == .csv { #expect(text.split(separator: "\n").count == 3) }
        }
        let html = try StandardReportJob(reports: [w.path("train.json"), w.path("serve.json")], format: .html, timelinePaths: [w.path("t.jsonl")],
                                         policies: [w.path("p.yaml"), "builtin:energy-label"], title: "Nightly").run()
        let page = String(decoding: try #require(html.data), as: UTF8.self)
        #expect(page.contains("<title>Nightly</title>") && page.contains("chart-power") && page.contains("energy-label-minimum-stars"))
    }

    @Test func aRefusedReportLeavesNothingBehind() throws {
        let w = try Workspace()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        // No metadata: BoAmps lacks its dataset, the SCI disclosure its rationale.
        for format in [StandardFormat.boamps, .sci, .sciJSON] {
            expectCode(.invalidInput, "\(format)") { try StandardReportJob(reports: [w.path("train.json")], format: format, outputPath: w.path("o")).run() }
            #expect(!w.exists("o"))
        }
        expectCode(.invalidInput) { try StandardReportJob(reports: [w.path("serve.json")], format: .annexXI, outputPath: w.path("o")).run() }
        expectCode(.notFound) { try StandardReportJob(reports: [w.path("missing.json")], format: .csv, outputPath: w.path("o")).run() }
        #expect(!w.exists("o"))
        // The output is checked before anything is read: writing over an input is refused.
        expectCode(.invalidInput) { try StandardReportJob(reports: [w.path("train.json")], format: .csv, outputPath: w.path("train.json")).run() }
        #expect(try Report.decode(from: Data(contentsOf: URL(fileURLWithPath: w.path("train.json")))).context?.flops == 1e21)
    }

    @Test("combinations a format cannot take are bad usage", arguments: [
        (StandardFormat.boamps, ["a.json", "b.json"], [String](), [String](), "scale"),
        (.label, ["a.json", "b.json"], [], [], ""),
        (.sci, ["a.json"], ["t.jsonl"], [], ""),
        (.csv, ["a.json"], [], ["p.yaml"], ""),
        (.html, ["a.json"], ["t1", "t2"], [], ""),
        (.sci, ["a.json"], [], [], "scale"),
    ])
    func usage(_ format: StandardFormat, _ reports: [String], _ timelines: [String], _ policies: [String], _ scale: String) {
        let job = StandardReportJob(reports: reports, format: format, scalePath: scale.isEmpty || format == .boamps ? nil : "s.yaml",
                                    timelinePaths: timelines, policies: policies)
        expectCode(.invalidArgument, "\(format)") { try job.run() }
    }
}
