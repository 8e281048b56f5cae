public import Foundation
public import GreenlightCore

/// The compute and energy section of the technical documentation a provider of a general-purpose AI model
/// keeps under the EU AI Act (Regulation (EU) 2024/1689), Annex XI, Section 1, points 2(d) and 2(e): the
/// computational resources used to train the model (floating-point operations, training time) and its known
/// or estimated energy consumption, with the methodology — as the AI Office's Model Documentation Form asks
/// (FLOP and MWh to at least two significant figures; this writes three).
///
/// Several reports of one model (pre-training, then fine-tuning) are summed; stages that are not training
/// (inference, evaluation, compression) are listed but not counted.
public struct AnnexXIReport: Sendable, Hashable {
    /// One report's contribution.
    public struct Part: Sendable, Hashable {
        /// Where the report came from (its file name).
        public var name: String
        /// Its stage.
        public var stage: ReportContext.Stage
        /// Wall-clock time.
        public var duration: Duration
        /// Floating-point operations.
        public var flops: Double?
        /// Energy at the facility (process tree × PUE).
        public var energy: Energy?
        /// `measured` when every energy component was read from a counter, else `estimated`.
        public var energyBasis: String
        /// Whether the FLOP count was stated for a run or computed by an estimate.
        public var flopsBasis: String
        /// How each energy component was obtained (`gpu: measured:nvml-energy`), and the PUE with its source.
        public var energyMethods: [String]
        /// Whether it was planned (`greenlight estimate`) rather than run.
        public var planned: Bool
        /// Whether it counts towards training compute.
        public var countsAsTraining: Bool { stage == .training || stage == .fineTuning }
    }

    /// The indicative criterion of the Commission's guidelines (July 2025) for a general-purpose AI model: training compute above 10^23 FLOP.
    public static let generalPurposeThreshold = 1e23
    /// Article 51(2): above 10^25 FLOP of training compute, a model is presumed to have high-impact capabilities (systemic risk).
    public static let systemicRiskThreshold = 1e25

    /// The model documented.
    public var model: String
    /// Each report.
    public var parts: [Part]
    /// When it was written.
    public var generatedAt: Date

    /// Cumulative training compute (training and fine-tuning reports).
    public var trainingFLOP: Double { parts.filter(\.countsAsTraining).compactMap(\.flops).reduce(0, +) }
    /// Cumulative training time.
    public var trainingTime: Duration { parts.filter(\.countsAsTraining).map(\.duration).reduce(.zero, +) }
    /// Training energy, MWh.
    public var trainingMWh: Double { parts.filter(\.countsAsTraining).compactMap(\.energy).map { $0.kilowattHours / 1000 }.reduce(0, +) }

    /// The documentation of `reports` (name and report), all of one model.
    ///
    /// - Throws: ``GreenlightError`` (invalid input) for a report without a stage (parameter `stage`), without a
    ///   model or with another model than the rest (parameter `model`), a training report without FLOP (parameter
    ///   `flops`) or without energy, and for no training report at all.
    public static func make(_ reports: [(name: String, report: Report)], generatedAt: Date = Date()) throws -> AnnexXIReport {
        var model: String?
        var parts: [Part] = []
        for (name, report) in reports {
            let shown = TerminalText.escaped(name)
            guard let stage = report.context?.stage else {
                throw GreenlightError.invalidInput("\(shown): Annex XI needs each report's stage (training, fine-tuning, …): "
                                                   + "record it with --stage", parameter: .init("stage"))
            }
            guard let m = report.context?.model, !m.isEmpty else {
                throw GreenlightError.invalidInput("\(shown): Annex XI documents a model: record which with --model", parameter: .init("model"))
            }
            if let model, model != m {
                throw GreenlightError.invalidInput(
                    "\(shown) is of model \(TerminalText.escaped(m)), the others of \(TerminalText.escaped(model)): document one model at a time",
                    parameter: .init("model"))
            }
            model = m
            let flops = report.context?.flops ?? report.estimate?.flops
            let training = stage == .training || stage == .fineTuning
            if training && flops == nil {
                throw GreenlightError.invalidInput("\(shown): Annex XI 2(d) needs the training compute in FLOP: record it with --flops "
                                                   + "(or estimate from --params and --tokens)", parameter: .init("flops"))
            }
            guard let energy = report.energy else {
                throw GreenlightError.invalidInput("\(shown): Annex XI 2(e) needs the energy consumed, and this \(report.kind.rawValue) report has none")
            }
            let measured = !energy.components.isEmpty && energy.components.allSatisfy { $0.method.kind == .measured }
            let duration = report.run?.duration ?? report.estimate?.duration ?? report.compression?.duration ?? .zero
            parts.append(Part(name: name, stage: stage, duration: duration, flops: flops, energy: energy.processFacilityEnergy,
                              energyBasis: measured ? "measured" : "estimated",
                              flopsBasis: report.context?.flops != nil ? "stated" : "estimated",
                              energyMethods: energy.components.map { "\($0.kind.rawValue) \(DocumentText.method($0.method)), "
                                  + "the workload's share \(DocumentText.method($0.attributionMethod))" }
                                  + ["PUE \(DocumentText.significant(energy.pue.value, 3)), \(DocumentText.method(energy.pue.method))"],
                              planned: report.estimate != nil))
        }
        guard let model, parts.contains(where: \.countsAsTraining) else {
            throw GreenlightError.invalidInput("Annex XI documents training: give at least one training or fine-tuning report (--stage training)",
                                               parameter: .init("stage"))
        }
        return AnnexXIReport(model: model, parts: parts, generatedAt: generatedAt)
    }

    /// Which thresholds the training compute crosses, in the Act's and the guidelines' words.
    public var thresholdFindings: [String] {
        let flop = trainingFLOP
        let sig = DocumentText.significant(flop, 3)
        var out: [String] = []
        if flop > Self.generalPurposeThreshold {
            out.append("Above 10^23 FLOP (\(sig)): the Commission's guidelines take such a model to be a general-purpose AI model "
                       + "when it can generate language, images or video; the obligations of Article 53 apply.")
        } else {
            out.append("At or below 10^23 FLOP (\(sig)): under the indicative criterion of the Commission's guidelines.")
        }
        if flop > Self.systemicRiskThreshold {
            out.append("Above 10^25 FLOP: presumed to have high-impact capabilities (Article 51(2)), a general-purpose AI model with "
                       + "systemic risk; Article 52(1) requires notifying the Commission within two weeks of the threshold being met "
                       + "or known to be met.")
        } else {
            out.append("At or below 10^25 FLOP: not presumed to have systemic risk under Article 51(2).")
        }
        return out
    }

    /// The documentation as Markdown.
    public func markdown() -> String {
        let md = DocumentText.markdown
        let sig = { DocumentText.significant($0, 3) }
        let training = parts.filter(\.countsAsTraining)
        let energyBases = Set(training.map(\.energyBasis))
        let basis = energyBases.count == 1 ? energyBases.first! : "partly measured, partly estimated"
        let f = ISO8601DateFormatter()
        var out = """
            # EU AI Act Annex XI: computational resources and energy

            Model: **\(md(model))**. Regulation (EU) 2024/1689, Annex XI, Section 1, points 2(d) and 2(e). Written \(f.string(from: generatedAt)) by Greenlight.

            ## Summary

            - Training compute (2(d)): **\(sig(trainingFLOP)) FLOP**
            - Training time (2(d)): **\(sig(trainingTime.seconds / 3600)) hours**
            - Energy consumption (2(e)): **\(sig(trainingMWh)) MWh**, \(basis)

            ## Thresholds

            \(thresholdFindings.map { "- \($0)" }.joined(separator: "\n"))

            ## Reports


            """
        out += DocumentText.table(
            ["report", "stage", "counted", "time (h)", "FLOP", "FLOP basis", "energy (MWh)", "energy basis"],
            parts.map { p in
                [p.name, p.stage.rawValue, p.countsAsTraining ? "yes" : "no", sig(p.duration.seconds / 3600), p.flops.map(sig) ?? "–",
                 p.flops == nil ? "–" : p.flopsBasis, p.energy.map { sig($0.kilowattHours / 1000) } ?? "–", p.energyBasis]
            })
        out += "\n\n## Methodology\n\n" + md(methodology) + "\n"
        return out
    }

    /// The methodology statement the Model Documentation Form asks for (about a hundred words), written from the
    /// methods the reports record.
    public var methodology: String {
        let training = parts.filter(\.countsAsTraining)
        let measured = training.filter { $0.energyBasis == "measured" }.count
        let planned = training.filter(\.planned).count
        let stated = training.filter { $0.flopsBasis == "stated" }.count
        var methods: [String] = []
        for m in training.flatMap(\.energyMethods) where !methods.contains(m) { methods.append(m) }
        let how = measured == training.count ? "measured" : measured == 0 ? "estimated" : "measured for \(measured) of \(training.count) reports and estimated for the rest"
        let when = planned == training.count ? "before the run, from the planned hardware and time (greenlight estimate)"
            : planned == 0 ? "while each training job ran, for its process tree (greenlight run)" : "for the jobs that ran and before the others"
        let compute = stated == training.count ? "stated by the provider for each run (--flops, from the training framework's count)"
            : "taken from the estimate where not stated for a run (the FLOP planned, or 6 × parameters × tokens)"
        return "Energy was \(how) by Greenlight \(when): \(methods.joined(separator: "; ")). Energy is the facility's: the workload's "
            + "share times the PUE. Training compute was \(compute). Figures are summed over the \(training.count) training and "
            + "fine-tuning report\(training.count == 1 ? "" : "s") listed; inference, evaluation and compression are listed but not "
            + "counted. Values are given to three significant figures."
    }
}
