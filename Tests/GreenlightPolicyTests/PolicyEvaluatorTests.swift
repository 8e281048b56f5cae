import Foundation
import GreenlightCore
import GreenlightPolicy
import GreenlightTestSupport
import Testing

@Suite("evaluation: selectors, actions, exceptions, missing metrics, combining")
struct PolicyEvaluatorTests {
    @Test func selectorsPickReportsByKindAndContext() throws {
        let yaml = """
            rules:
              - {id: training, when: {stage: training}, assert: energy.total exists}
              - {id: inference, when: {stage: inference}, assert: energy.total exists}
              - {id: nlp, when: {tags: {team: [nlp, speech]}}, assert: energy.total exists}
              - {id: cv, when: {tags: {team: cv}}, assert: energy.total exists}
              - {id: run, when: {kind: run, model: llama-mini, task: text-generation}, assert: energy.total exists}
              - {id: estimates, when: {kind: estimate}, assert: energy.total exists}
              - {id: everything, assert: energy.total exists}
            """
        let outcomes = try PolicyFixtures.results(yaml, on: PolicyFixtures.run()).map(\.outcome)
        #expect(outcomes == [.pass, .skip, .pass, .skip, .pass, .skip, .pass])
        // No context: a rule that selects on it does not apply.
        var bare = PolicyFixtures.run()
        bare.context = nil
        #expect(try PolicyFixtures.results(yaml, on: bare).map(\.outcome) == [.skip, .skip, .skip, .skip, .skip, .skip, .pass])
    }

    @Test func actionsDecideFailOrWarnAndTheExitStatus() throws {
        let yaml = """
            rules:
              - {id: budget, assert: "energy.total <= 1 kWh"}
              - {id: soft, action: warn, assert: "duration <= 10 min"}
              - {id: fine, assert: "duration <= 2 h"}
            """
        let results = try PolicyFixtures.results(yaml, on: PolicyFixtures.run())
        #expect(results.map(\.outcome) == [.fail, .warn, .pass])
        let verdict = CheckVerdict(results)
        #expect(verdict.exitStatus(failOnWarn: false) == 1 && verdict.exitStatus(failOnWarn: true) == 2)
        let warnOnly = CheckVerdict(Array(results.dropFirst()))
        #expect(warnOnly.exitStatus(failOnWarn: false) == 0 && warnOnly.exitStatus(failOnWarn: true) == 1)
        #expect(CheckVerdict([results[2]]).exitStatus(failOnWarn: true) == 0)
        // The result says what was measured, how, and what was asked.
        #expect(results[0].message.contains("energy.total = 6 kWh [derived:cpu-time-share + user:pue]"), "\(results[0].message)")
        #expect(results[0].measured.first?.number == 2.16e7 && results[0].measured.first?.unit == "J")
    }

    @Test func aMissingMetricIsAnErrorThatNeverPasses() throws {
        let yaml = """
            rules:
              - {id: ratio, assert: "compression.ratio >= 3"}
              - {id: ratio-warn, action: warn, assert: "compression.ratio >= 3"}
              - {id: present, assert: compression.ratio exists}
            """
        let results = try PolicyFixtures.results(yaml, on: PolicyFixtures.run())
        #expect(results.map(\.outcome) == [.error, .error, .fail])
        #expect(results[0].isFailure && !results[1].isFailure && results[1].isWarning)
        #expect(results[0].message.contains("the report has no compression.ratio"))
        #expect(CheckVerdict(Array(results.prefix(1))).exitStatus(failOnWarn: false) == 1)
    }

    @Test("all and any are three-valued: a known answer wins over a missing metric", arguments: [
        ("{all: [\"energy.total > 1 kWh\", \"duration < 2 h\"]}", RuleResult.Outcome.pass),
        ("{all: [\"energy.total > 1 kWh\", \"duration > 2 h\"]}", .fail),
        ("{all: [\"energy.total < 1 kWh\", \"compression.ratio > 1\"]}", .fail),
        ("{all: [\"energy.total > 1 kWh\", \"compression.ratio > 1\"]}", .error),
        ("{any: [\"energy.total < 1 kWh\", \"duration < 2 h\"]}", .pass),
        ("{any: [\"compression.ratio > 1\", \"duration < 2 h\"]}", .pass),
        ("{any: [\"compression.ratio > 1\", \"duration > 2 h\"]}", .error),
        ("{any: [\"energy.total < 1 kWh\", \"duration > 2 h\"]}", .fail),
        ("[\"energy.total > 1 kWh\", {any: [\"duration > 2 h\", \"context.stage == training\"]}]", .pass),
    ])
    func allAndAny(_ assertion: String, _ expected: RuleResult.Outcome) throws {
        let results = try PolicyFixtures.results("rules:\n  - id: r\n    assert: \(assertion)\n", on: PolicyFixtures.run())
        #expect(results[0].outcome == expected, "\(assertion): \(results[0].message)")
    }

    @Test func exceptionsWaiveUntilTheyExpireAndThenSaySo() throws {
        let yaml = """
            rules:
              - {id: budget, assert: "energy.total <= 1 kWh"}
              - {id: other, assert: "duration <= 1 min"}
            exceptions:
              - {rule: budget, reason: baseline, owner: ml-platform, expires: 2026-06-30}
              - {rule: other, reason: only cv, when: {tags: {team: cv}}}
            """
        let before = try PolicyFixtures.results(yaml, on: PolicyFixtures.run())  // 2026-05-28
        #expect(before.map(\.outcome) == [.excepted, .fail])
        let waiver = try #require(before[0].exception)
        #expect(waiver.reason == "baseline" && waiver.owner == "ml-platform" && waiver.expires == "2026-06-30" && !waiver.expired)
        #expect(waiver.position == PolicyPosition(source: "policy.yaml", line: 5, column: 5))
        #expect(CheckVerdict(Array(before.prefix(1))).exitStatus(failOnWarn: true) == 0)
        let after = try PolicyFixtures.results(yaml, on: PolicyFixtures.run(), now: PolicyFixtures.created.addingTimeInterval(40 * 86_400))
        #expect(after[0].outcome == .fail && after[0].exception?.expired == true)
        #expect(after[0].message.contains("expired after 2026-06-30"))
        // The when: of an exception selects too.
        #expect(try PolicyFixtures.results(yaml, on: PolicyFixtures.run(team: "cv")).map(\.outcome) == [.excepted, .excepted])
        // A rule that holds is a pass, exception or not.
        #expect(try PolicyFixtures.results(yaml.replacingOccurrences(of: "<= 1 kWh", with: "<= 100 kWh"), on: PolicyFixtures.run())[0].outcome == .pass)
    }

    @Test func combiningSumsAdditiveMetricsAndRefusesDisagreements() throws {
        let training = PolicyFixtures.run()
        var compression = PolicyFixtures.run(stage: .compression)
        compression.kind = .compress
        let subject = CheckSubject(combining: [("train.json", training), ("compress.json", compression)])
        let yaml = """
            rules:
              - {id: total, assert: "energy.total == 12 kWh"}
              - {id: time, assert: "duration == 2 h"}
              - {id: peak, assert: "process.peak_rss == 3 GiB"}
              - {id: methods, assert: "energy.methods in [measured]"}
              - {id: intensity, assert: "carbon.intensity == 380 g/kWh"}
              - {id: stage, assert: "context.stage == training"}
              - {id: compress-only, when: {kind: compress}, assert: energy.total exists}
            """
        let results = PolicyEvaluator(policies: [try PolicyFixtures.policy(yaml)], now: PolicyFixtures.created).evaluate(subject)
        #expect(results.map(\.outcome) == [.pass, .pass, .pass, .pass, .pass, .error, .pass], "\(results.map(\.message))")
        #expect(results[5].message.contains("differs across the combined reports"))
        #expect(results[0].subject == "train.json + compress.json")
    }
}
