import Foundation
import GreenlightCore
import GreenlightPolicy
import GreenlightTestSupport
import Testing

@Suite("check output formats, read back by their reference tools")
struct CheckFormatTests {
    /// One result of each outcome, with text that needs escaping in every format.
    static func report() throws -> CheckReport {
        let yaml = """
            rules:
              - {id: budget, description: "Stays <under> & \\"small\\"", severity: high, assert: "energy.total <= 1 kWh", reference: "https://example.org/p#b"}
              - {id: soft, action: warn, severity: low, assert: "duration <= 10 min"}
              - {id: fine, assert: "duration <= 2 h"}
              - {id: missing, assert: "compression.ratio > 2"}
              - {id: inference, when: {stage: inference}, assert: energy.total exists}
              - {id: waived, assert: "duration < 1 s"}
            exceptions:
              - {rule: waived, reason: "baseline, 100% known", owner: ml-platform, expires: 2030-01-01}
            """
        var run = PolicyFixtures.run()
        run.context?.tags["team"] = "nlp\u{1B}[31m"
        let results = PolicyEvaluator(policies: [try PolicyFixtures.policy(yaml, source: "policies/p 1.yaml")], now: PolicyFixtures.created)
            .evaluate(CheckSubject(name: "runs/r\u{1B}.json", report: run))
        return CheckReport(results: results, policies: ["policies/p 1.yaml"], subjects: ["runs/r\u{1B}.json"])
    }

    @Test func textPutsTheVerdictFirstAndColoursOnlyWhenAsked() throws {
        let report = try Self.report()
        let plain = try CheckFormat.text.render(report)
        #expect(plain.hasPrefix("✘ FAIL  greenlight check: 1 passed, 1 failed, 1 warned, 1 could not be evaluated, 1 excepted, 1 not selected"))
        #expect(!plain.contains("\u{1B}"), "escape sequences from files are escaped, and no colour was asked")
        #expect(plain.contains("FAIL  budget [high] policies/p 1.yaml:2"))
        #expect(try CheckFormat.text.render(report, color: true).hasPrefix("\u{1B}[1;31m✘ FAIL\u{1B}[0m"))
    }

    @Test func jsonIsTheCheckReport() throws {
        let report = try Self.report()
        let decoded = try JSONDecoder().decode(CheckReport.self, from: Data(try CheckFormat.json.render(report).utf8))
        #expect(decoded == report)
        #expect(decoded.verdict == "fail" && decoded.counts.failures == 2 && decoded.counts.warnings == 1)
    }

    @Test func junitParsesWithJunitparser() throws {
        let report = try Self.report()
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("check.xml")
        try CheckFormat.junit.render(report).write(to: file, atomically: true, encoding: .utf8)
        guard let python = PythonOracle.module("junitparser") else { return }
        let script = """
            import sys
            from junitparser import JUnitXml, Failure, Error, Skipped
            xml = JUnitXml.fromfile(sys.argv[1])
            for suite in xml:
                print("suite", suite.name, suite.tests, suite.failures, suite.errors, suite.skipped)
                for case in suite:
                    kinds = [type(r).__name__ for r in case.result]
                    print("case", case.classname, case.name, ",".join(kinds) or "passed")
            """
        let r = try TestSupport.run(python, ["-c", script, file.path])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "suite runs/r\\x1B.json 6 1 1 2", "\(lines)")
        #expect(lines.dropFirst().map { $0.split(separator: " ").last.map(String.init) ?? "" } == [
            "Failure", "passed", "passed", "Error", "Skipped", "Skipped",
        ], "\(lines)")
        // With --fail-on-warn the warning is a failure too.
        try CheckFormat.junit.render(report, failOnWarn: true).write(to: file, atomically: true, encoding: .utf8)
        let strict = try TestSupport.run(python, ["-c", script, file.path])
        #expect(strict.stdout.split(separator: "\n").first == "suite runs/r\\x1B.json 6 2 1 2", "\(strict.stdout)")
    }

    @Test func sarifValidatesAgainstTheSARIF210Schema() throws {
        let report = try Self.report()
        let text = try CheckFormat.sarif.render(report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let run = try #require((object["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.map { $0["kind"] as? String } == ["fail", "fail", "pass", "review", "notApplicable", "pass"])
        #expect(results.map { $0["level"] as? String } == ["error", "warning", "none", "error", "none", "none"])
        #expect((results[5]["suppressions"] as? [[String: Any]])?.first?["justification"] as? String
            == "baseline, 100% known (owner ml-platform), until 2030-01-01")
        let location = (results[0]["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
        #expect((location?["artifactLocation"] as? [String: Any])?["uri"] as? String == "policies/p%201.yaml")
        #expect((location?["region"] as? [String: Any])?["startLine"] as? Int == 2)

        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("check.sarif")
        try text.write(to: file, atomically: true, encoding: .utf8)
        guard let python = PythonOracle.module("jsonschema") else { return }
        let schema = TestSupport.sharedData.appendingPathComponent("reference/sarif/sarif-schema-2.1.0.json").path
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.validators.validator_for(schema)(schema).validate(json.load(open(sys.argv[2])))
            print("OK")
            """
        let r = try TestSupport.run(python, ["-c", script, schema, file.path])
        #expect(r.status == 0 && r.stdout.contains("OK"), "\(r.stderr)")
    }

    @Test func githubAnnotatesBreachesAtTheRuleWithItsDataEscaped() throws {
        let lines = try CheckFormat.github.render(try Self.report()).split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(lines)")
        #expect(lines[0].hasPrefix("::error file=policies/p 1.yaml,line=2,col=5,title=greenlight budget [high] runs/r\\x1B.json::breached: energy.total = 6 kWh"))
        #expect(lines[1].hasPrefix("::warning file=policies/p 1.yaml,line=3,"))
        #expect(lines[2].hasPrefix("::error file=policies/p 1.yaml,line=5,"))
        #expect(lines[3].hasPrefix("::notice ") && lines[3].contains("baseline, 100%25 known"), "\(lines[3])")
        #expect(!lines.joined().contains("\u{1B}"))
        #expect(lines[0].contains("%0A"), "multi-line messages are one command")
        #expect(lines[4].hasPrefix("greenlight check: FAIL"))
    }

    @Test func tapIsVersion14WithWarningsAsTodo() throws {
        let report = try Self.report()
        let lines = try CheckFormat.tap.render(report).split(separator: "\n").map(String.init)
        #expect(lines.prefix(2) == ["TAP version 14", "1..6"])
        let points = lines.filter { $0.hasPrefix("ok") || $0.hasPrefix("not ok") }
        #expect(points == [
            "not ok 1 - budget (runs/r\\x1B.json)",
            "not ok 2 - soft (runs/r\\x1B.json) # TODO warning",
            "ok 3 - fine (runs/r\\x1B.json)",
            "not ok 4 - missing (runs/r\\x1B.json)",
            "ok 5 - inference (runs/r\\x1B.json) # SKIP not selected: the rule is for stage inference",
            "ok 6 - waived (runs/r\\x1B.json) # SKIP excepted: baseline, 100% known",
        ], "\(points)")
        #expect(try CheckFormat.tap.render(report, failOnWarn: true).contains("not ok 2 - soft (runs/r\\x1B.json)\n"))
    }
}
