import Foundation
import FuzzSupport
import GreenlightCore
import GreenlightPolicy

// Policies from YAML (rules, selectors, assertions with units, exceptions), and every policy that loads
// evaluated on a report and rendered in every format, as `greenlight check` does.

let report: Report = {
    var r = Report(kind: .run, createdAt: Date(timeIntervalSince1970: 1_780_000_000))
    r.energy = EnergySection.summing(
        [EnergyComponent(kind: .cpu, name: "package-0", energy: Energy(joules: 3.6e6), idleEnergy: Energy(joules: 1e6),
                         processEnergy: Energy(joules: 1e6), meanPower: Power(watts: 100), method: Method(.measured, "rapl"),
                         idleMethod: Method(.measured, "rapl"), attributionMethod: Method(.derived, "cpu-time-share"))],
        duration: .seconds(3600), pue: Figure(1.2, Method(.user, "pue")), processMethod: Method(.derived, "cpu-time-share"))
    r.context = ReportContext(stage: .training, model: "m", tags: ["team": "nlp"], flops: 1e21)
    return r
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let yaml = String(decoding: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    guard let policy = try? PolicyLoader().parse(yaml, source: "p.yaml") else { return 0 }
    let results = PolicyEvaluator(policies: [policy], now: Date(timeIntervalSince1970: 1_780_000_000))
        .evaluate(CheckSubject(combining: [("a.json", report), ("b.json", report)]))
    let check = CheckReport(results: results, policies: ["p.yaml"], subjects: ["a.json + b.json"])
    for format in CheckFormat.allCases {
        _ = try? format.render(check, color: true, failOnWarn: true)
    }
    return 0
}

writeSeedsIfRequested {
    [
        ("readme", Array("""
        rules:
          - id: training-energy-budget
            description: A training run stays under 5 kWh
            severity: high
            action: enforce
            when: {stage: training, tags: {team: nlp}}
            assert: "energy.total <= 5 kWh"
            reference: https://example.org/our-ai-energy-policy#budget
        exceptions:
          - rule: training-energy-budget
            reason: one-off baseline run
            owner: ml-platform
            expires: 2027-01-31

        """.utf8)),
        ("logic", Array("""
        rules:
          - id: a
            action: warn
            assert: {any: ["compute.flops > 1e23 FLOP", {all: [energy.methods in [measured], "duration < 2 h"]}]}
          - {id: b, when: {kind: [run, estimate]}, assert: "context.tags.team not in [cv, 'speech']"}
          - {id: c, assert: "energy.estimated_share <= 5 %"}

        """.utf8)),
    ]
}

runLibFuzzer(testOneInput)
