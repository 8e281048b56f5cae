import ArgumentParser
import Foundation
import GreenlightCore
import GreenlightPolicy
import GreenlightTestSupport
import Testing
@testable import greenlight

@Suite("greenlight check: flags, outputs and exit codes")
struct CheckCommandTests {
    @Test func flagsResolveToTheJob() throws {
        let check = try Check.parse(["-p", "p.yaml", "--policy", "builtin:sci", "a.json", "b.json", "--combine", "--format", "sarif",
                                     "-o", "out.sarif", "--fail-on-warn"])
        let job = check.options.resolve(environment: [:], stdoutIsTerminal: true)
        #expect(job.policies == ["p.yaml", "builtin:sci"] && job.reports == ["a.json", "b.json"])
        #expect(job.combine && job.format == .sarif && job.outputPath == "out.sarif" && job.failOnWarn)
        #expect(!job.color, "no colour in a file")
        let text = try Check.parse(["-p", "p.yaml", "r.json"]).options
        #expect(text.resolve(environment: [:], stdoutIsTerminal: true).color)
        #expect(!text.resolve(environment: ["NO_COLOR": "1"], stdoutIsTerminal: true).color)
        #expect(!text.resolve(environment: [:], stdoutIsTerminal: false).color)
        #expect(!(try Check.parse(["-p", "p.yaml", "--no-color", "r.json"]).options.resolve(environment: [:], stdoutIsTerminal: true).color))
        for format in ["text", "json", "junit", "sarif", "github", "tap"] { #expect(Check.helpMessage().contains(format)) }
    }

    @Test("bad usage is 64", arguments: [
        ["check"], ["check", "r.json"], ["check", "--policy", "p.yaml"], ["check", "-p", "p.yaml", "--format", "xml", "r.json"],
        ["check", "--list-metrics", "--format", "sarif"],
    ])
    func badUsage(_ arguments: [String]) {
        #expect(CommandParseTests.parseStatus(arguments) == 64, "\(arguments)")
    }

    /// A directory with a measured-looking estimate report (8 H100 for 1 h: 5.6 kWh) and policies.
    struct Workspace {
        let dir: URL
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        func write(_ name: String, _ text: String) throws { try text.write(toFile: path(name), atomically: true, encoding: .utf8) }

        init() throws {
            dir = try TestSupport.temporaryDirectory()
            let report = try Estimator.estimate(EstimateRequest(device: "H100", count: 8, work: .hours(1), context: ReportContext(stage: .training)))
            try report.jsonData().write(to: URL(fileURLWithPath: path("r.json")))
            try write("pass.yaml", "rules:\n  - {id: budget, assert: \"energy.total <= 10 kWh\"}\n")
            try write("fail.yaml", "rules:\n  - {id: budget, severity: high, assert: \"energy.total <= 5 kWh\"}\n")
            try write("warn.yaml", "rules:\n  - {id: soft, action: warn, assert: \"energy.total <= 5 kWh\"}\n")
        }
    }

    @Test func exitCodesAreConftestsAndThreeForItsOwnInput() throws {
        let w = try Workspace()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        let pass = try CLI.run(["check", "--policy", w.path("pass.yaml"), w.path("r.json")])
        #expect(pass.status == 0 && pass.stdout.hasPrefix("✔ PASS"), "\(pass.stdout)\(pass.stderr)")
        let fail = try CLI.run(["check", "--policy", w.path("fail.yaml"), w.path("r.json")])
        #expect(fail.status == 1 && fail.stdout.hasPrefix("✘ FAIL") && fail.stdout.contains("energy.total = 5.6 kWh"), "\(fail.stdout)")
        #expect(try CLI.run(["check", "--policy", w.path("warn.yaml"), w.path("r.json")]).status == 0)
        #expect(try CLI.run(["check", "--policy", w.path("warn.yaml"), "--fail-on-warn", w.path("r.json")]).status == 1)
        #expect(try CLI.run(["check", "--policy", w.path("fail.yaml"), "--policy", w.path("warn.yaml"), "--fail-on-warn", w.path("r.json")]).status == 2)

        try w.write("unit.yaml", "rules:\n  - id: budget\n    assert: \"energy.total <= 5 kg\"\n")
        let unit = try CLI.run(["check", "--policy", w.path("unit.yaml"), w.path("r.json")])
        #expect(unit.status == 3 && unit.stderr.contains("unit.yaml:3:32: assert: energy.total is an energy, but kg is a CO2e mass"), "\(unit.stderr)")
        try w.write("metric.yaml", "rules:\n  - {id: budget, assert: \"energy.totl <= 5 kWh\"}\n")
        let metric = try CLI.run(["check", "--policy", w.path("metric.yaml"), w.path("r.json")])
        #expect(metric.status == 3 && metric.stderr.contains("did you mean energy.total?"), "\(metric.stderr)")
        try w.write("broken.yaml", "rules:\n  - id: a\n    assert: [unclosed\n")
        let broken = try CLI.run(["check", "--policy", w.path("broken.yaml"), w.path("r.json")])
        #expect(broken.status == 3 && broken.stderr.contains("broken.yaml:"), "\(broken.stderr)")
        #expect(try CLI.run(["check", "--policy", w.path("missing.yaml"), w.path("r.json")]).status == 3)
        #expect(try CLI.run(["check", "--policy", w.path("pass.yaml"), w.path("missing.json")]).status == 3)
        try w.write("bad.json", "{\n  \"schema\": \"greenlight-report\",\n  \"schemaVersion\": \"1.4.0\",, \n}\n")
        let bad = try CLI.run(["check", "--policy", w.path("pass.yaml"), w.path("bad.json")])
        #expect(bad.status == 3 && bad.stderr.contains("bad.json:3:"), "\(bad.stderr)")
    }

    @Test func outputGoesToAFileAtomicallyOrToStdout() throws {
        let w = try Workspace()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        let r = try CLI.run(["check", "--policy", w.path("fail.yaml"), "--format", "junit", "-o", w.path("out.xml"), w.path("r.json")])
        #expect(r.status == 1 && r.stdout.isEmpty, "\(r.stderr)")
        #expect(try String(contentsOfFile: w.path("out.xml"), encoding: .utf8).contains("<failure"))
        // An output that is one of the inputs is refused before anything is checked.
        let same = try CLI.run(["check", "--policy", w.path("fail.yaml"), "-o", w.path("r.json"), w.path("r.json")])
        #expect(same.status == 3)
        #expect(try CLI.report(at: w.dir.appendingPathComponent("r.json")).kind == .estimate)
        let github = try CLI.run(["check", "--policy", w.path("fail.yaml"), "--format", "github", w.path("r.json")])
        #expect(github.stdout.hasPrefix("::error file=\(w.path("fail.yaml")),line=2,"), "\(github.stdout)")
    }

    @Test func listMetricsPrintsTheCatalogue() throws {
        let text = try CLI.run(["check", "--list-metrics"])
        #expect(text.status == 0 && text.stdout.contains("energy.total") && text.stdout.contains("context.tags.*"))
        let json = try CLI.run(["check", "--list-metrics", "--format", "json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let total = try #require(entries.first { $0["name"] as? String == "energy.total" })
        #expect(total["unit"] as? String == "J" && (total["units"] as? [String])?.contains("kWh") == true)
    }
}
