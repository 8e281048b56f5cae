import Foundation
import GreenlightCore
import GreenlightStandards
import GreenlightTestSupport
import Testing

@Suite("the EU AI Act Annex XI sheet")
struct AnnexXIReportTests {
    static func run(_ stage: ReportContext.Stage?, flops: Double?, model: String = "llama-mini", scale: Double = 1) -> Report {
        var r = HTMLFixtures.run(model: model, scale: scale)
        r.context?.stage = stage
        r.context?.flops = flops
        return r
    }

    @Test func trainingReportsAreSummedAndOthersListed() throws {
        let sheet = try AnnexXIReport.make([("pretrain.json", Self.run(.training, flops: 1e21)),
                                            ("finetune.json", Self.run(.fineTuning, flops: 2.5e20, scale: 2)),
                                            ("serve.json", Self.run(.inference, flops: nil))],
                                           generatedAt: HTMLFixtures.created)
        #expect(sheet.trainingFLOP == 1.25e21)
        #expect(sheet.trainingTime == .seconds(7200))
        // (0.9 + 1.9) MJ × 1.2 PUE, then twice that: 3.36 + 6.72 MJ = 10.08 MJ = 2.8e-3 MWh.
        #expect(abs(sheet.trainingMWh - 2.8e-3) < 1e-12)
        let md = sheet.markdown()
        #expect(md.contains("Training compute (2(d)): **1.25e+21 FLOP**"), "\(md)")
        #expect(md.contains("Energy consumption (2(e)): **0.00280 MWh**, measured"))
        #expect(md.contains("Training time (2(d)): **2.00 hours**"))
        #expect(md.contains("| serve.json | inference | no |"))
        #expect(md.contains("At or below 10^23 FLOP") && md.contains("not presumed to have systemic risk"))
        #expect(sheet.methodology.contains("Energy was measured") && sheet.methodology.split(separator: " ").count > 60)
    }

    @Test("the thresholds of the guidelines and Article 51(2)", arguments: [(5e22, false, false), (2e23, true, false), (3e25, true, true)])
    func thresholds(_ flops: Double, _ gpai: Bool, _ systemic: Bool) throws {
        let findings = try AnnexXIReport.make([("t.json", Self.run(.training, flops: flops))]).thresholdFindings
        #expect(findings[0].hasPrefix("Above 10^23") == gpai)
        #expect(findings[1].hasPrefix("Above 10^25") == systemic)
        if systemic { #expect(findings[1].contains("Article 52(1)") && findings[1].contains("two weeks")) }
    }

    @Test("what it cannot document is named", arguments: ["stage", "model", "flops", "mixed", "no-training"])
    func refusals(_ what: String) {
        let reports: [(name: String, report: Report)] = switch what {
        case "stage": [("a.json", Self.run(nil, flops: 1e21))]
        case "model": [("a.json", { var r = Self.run(.training, flops: 1e21); r.context?.model = nil; return r }())]
        case "flops": [("a.json", Self.run(.training, flops: nil))]
        case "mixed": [("a.json", Self.run(.training, flops: 1e21)), ("b.json", Self.run(.training, flops: 1e21, model: "other"))]
        default: [("a.json", Self.run(.inference, flops: nil))]
        }
        let error = expectCode(.invalidInput) { try AnnexXIReport.make(reports) }
        let parameter = what == "mixed" ? "model" : what == "no-training" ? "stage" : what
        #expect(error?.parameter?.name == parameter, "\(error?.message ?? "")")
    }

    @Test func anEstimateCountsItsFLOPAsEstimated() throws {
        let estimate = try Estimator.estimate(EstimateRequest(
            device: "H100", count: 64, work: .training(parameters: 7e9, tokens: 2e12),
            context: ReportContext(stage: .training, model: "seven-b")))
        let sheet = try AnnexXIReport.make([("plan.json", estimate)])
        #expect(sheet.trainingFLOP == 6 * 7e9 * 2e12)
        #expect(sheet.parts[0].flopsBasis == "estimated" && sheet.parts[0].energyBasis == "estimated")
        #expect(sheet.markdown().contains("8.40e+22 FLOP") && sheet.methodology.contains("Energy was estimated"))
    }
}
