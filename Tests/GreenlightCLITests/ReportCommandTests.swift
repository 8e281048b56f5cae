import ArgumentParser
import Foundation
import GreenlightCore
import GreenlightStandards
import GreenlightTestSupport
import Testing
@testable import greenlight

@Suite("greenlight report: flags, outputs and exit codes")
struct ReportCommandTests {
    @Test func flagsResolveToTheJob() throws {
        let report = try ReportCommand.parse(["a.json", "b.json", "--format", "annex-xi", "-o", "out.md", "--meta", "m.yaml",
                                              "--timeline", "t.jsonl", "-p", "builtin:sci", "--title", "T"])
        let job = report.options.resolve()
        #expect(job.reports == ["a.json", "b.json"] && job.format == .annexXI && job.outputPath == "out.md")
        #expect(job.metadataPath == "m.yaml" && job.timelinePaths == ["t.jsonl"] && job.policies == ["builtin:sci"] && job.title == "T")
        let label = try ReportCommand.parse(["r.json", "--format", "label", "--scale", "s.yaml", "--scale-task", "asr"]).options.resolve()
        #expect(label.scalePath == "s.yaml" && label.scaleTask == "asr")
        #expect(try ReportCommand.parse(["r.json"]).options.resolve().format == .html)
        for format in StandardFormat.allCases { #expect(ReportCommand.helpMessage().contains(format.rawValue)) }
    }

    @Test("bad usage is 64", arguments: [
        ["report"], ["report", "r.json", "--format", "pdf"], ["report", "a.json", "b.json", "--format", "boamps"],
        ["report", "r.json", "--format", "sci", "--timeline", "t.jsonl"], ["report", "r.json", "--format", "csv", "--scale", "s.yaml"],
    ])
    func badUsage(_ arguments: [String]) throws {
        if CommandParseTests.parseStatus(arguments) == 64 { return }
        // Combinations the library refuses reach the same code through the root's error policy.
        let r = try CLI.run(arguments)
        #expect(r.status == 64, "\(arguments): \(r.stderr)")
    }

    @Test func writesTheStandardAndRefusesWhatItLacks() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = dir.appendingPathComponent("r.json").path
        try Estimator.estimate(EstimateRequest(device: "H100", count: 8, work: .hours(1), functionalUnit: FunctionalUnit(name: "query", count: 1e5),
                                               context: ReportContext(stage: .inference, model: "m", task: "text-classification")))
            .jsonData().write(to: URL(fileURLWithPath: report))
        let svg = dir.appendingPathComponent("l.svg").path
        let ok = try CLI.run(["report", report, "--format", "label", "-o", svg])
        #expect(ok.status == 0 && ok.stdout.isEmpty, "\(ok.stderr)")
        #expect(try String(contentsOfFile: svg, encoding: .utf8).hasPrefix("<svg"))
        let csv = try CLI.run(["report", report, "--format", "csv"])
        #expect(csv.status == 0 && csv.stdout.hasPrefix("timestamp,project_name"))

        let out = dir.appendingPathComponent("b.json").path
        let missing = try CLI.run(["report", report, "--format", "boamps", "-o", out])
        #expect(missing.status == 2 && missing.stderr.contains("task.dataset") && missing.stderr.contains("(--meta)"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let why = try CLI.run(["report", report, "--format", "sci"])
        #expect(why.status == 2 && why.stderr.contains("why query is the functional unit"))
        let meta = dir.appendingPathComponent("m.yaml").path
        try "dataset: [{dataUsage: input, dataType: pixels}]\n".write(toFile: meta, atomically: true, encoding: .utf8)
        let typo = try CLI.run(["report", report, "--format", "boamps", "--meta", meta])
        #expect(typo.status == 2 && typo.stderr.contains("m.yaml:1") && typo.stderr.contains("dataset.dataType"), "\(typo.stderr)")
    }
}
