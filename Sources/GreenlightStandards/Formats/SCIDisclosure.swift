public import Foundation
public import GreenlightCore

/// The disclosure ISO/IEC 21031:2024 (the Green Software Foundation's SCI 1.1) asks for beside a score:
/// the score and its functional unit, the software boundary, why that unit was chosen, each term of
/// SCI = ((E × I) + M) per R with how it was obtained, the coefficients used and the methodology.
///
/// Made from a report's `sci` section and the metadata sidecar's `sci` statements; rendered as Markdown
/// (``markdown()``) or JSON (``json()``).
public struct SCIDisclosure: Codable, Sendable, Hashable {
    /// How a term's value was obtained, in the standard's words.
    public enum Basis: String, Codable, Sendable, Hashable {
        /// Read from counters (RAPL, NVML).
        case measured
        /// Computed from a model of the hardware (a TDP-based estimate).
        case modelled
        /// Taken from a published dataset (grid intensity data).
        case sourced
        /// Stated by the user.
        case given
        /// Computed from the other terms.
        case derived
        /// Not included: no value was available.
        case excluded
    }

    /// One term of the equation.
    public struct Term: Codable, Sendable, Hashable {
        /// `E`, `I`, `O`, `M`, `R` or `SCI`.
        public var symbol: String
        /// What it is.
        public var name: String
        /// Its value in `unit`.
        public var value: Double
        /// The unit.
        public var unit: String
        /// How it was obtained.
        public var basis: Basis
        /// Which counters, model or dataset.
        public var method: String
    }

    /// A coefficient the terms were computed with.
    public struct Coefficient: Codable, Sendable, Hashable {
        /// What it is.
        public var name: String
        /// Its value in `unit`.
        public var value: Double
        /// The unit.
        public var unit: String
        /// Where it came from (dataset, year and location, or "given").
        public var source: String
    }

    /// The standard the disclosure follows.
    public var standard = "ISO/IEC 21031:2024 (Green Software Foundation SCI 1.1)"
    /// The report it discloses.
    public var reportID: String
    /// The score, grams CO2e per functional unit.
    public var score: Double
    /// The score's unit, e.g. `gCO2e per training-token`.
    public var scoreUnit: String
    /// The functional unit R.
    public var functionalUnit: String
    /// Why this functional unit (from the metadata).
    public var rationale: String
    /// The software boundary: what is in, what is out.
    public var boundary: String
    /// Whether the boundary was stated in the metadata or written from the report's components.
    public var boundaryStated: Bool
    /// E, I, O = E × I, M, R and SCI.
    public var terms: [Term]
    /// PUE, grid intensity, embodied inputs.
    public var coefficients: [Coefficient]
    /// How each figure was obtained, in sentences.
    public var methodology: [String]
    /// What the disclosure lacks against the standard (no embodied emissions, an estimate rather than a measurement).
    public var caveats: [String]

    /// The disclosure of `report`.
    ///
    /// - Throws: ``GreenlightError`` (invalid input): the report has no SCI score (parameter `functionalUnit`),
    ///   or the metadata does not say why the functional unit was chosen (parameter `meta`).
    public static func make(_ report: Report, metadata: ReportMetadata) throws -> SCIDisclosure {
        guard let sci = report.sci else {
            throw GreenlightError.invalidInput(
                "the report has no SCI score: measure or estimate with a functional unit, e.g. --unit token --units 1e6",
                parameter: .init("functionalUnit"))
        }
        guard let rationale = metadata.sci?.rationale?.trimmingCharacters(in: .whitespacesAndNewlines), !rationale.isEmpty else {
            throw GreenlightError.invalidInput(
                "the SCI disclosure must say why \(sci.functionalUnit) is the functional unit; give it in the metadata file, e.g. "
                    + "sci: {rationale: \"one generated token is what users of the service pay for\"}",
                parameter: .init("meta"))
        }
        let energy = report.energy
        let carbon = report.carbon
        let components = energy?.components ?? []
        let energyBasis: Basis = components.isEmpty ? .modelled
            : components.allSatisfy { $0.method.kind == .measured } ? .measured
            : components.contains { $0.method.kind == .user } ? .given : .modelled
        let energyMethod = components.map { "\($0.kind.rawValue) \($0.name): \($0.method.label)" }.joined(separator: "; ")
        let intensityBasis: Basis = switch carbon?.intensity.method.kind {
        case .user: .given
        case .measured: .measured
        default: .sourced
        }
        let embodied = carbon?.embodied
        let embodiedBasis: Basis = embodied == nil ? .excluded : embodied?.method.kind == .user ? .given : .sourced
        let unitName = sci.functionalUnit
        var terms = [
            Term(symbol: "E", name: "energy of the software (process tree × PUE)", value: sci.energy.kilowattHours, unit: "kWh",
                 basis: energyBasis, method: energyMethod.isEmpty ? "none" : energyMethod),
            Term(symbol: "I", name: "location-based grid carbon intensity", value: sci.intensity.gramsPerKilowattHour, unit: "gCO2e/kWh",
                 basis: intensityBasis, method: carbon.map { DocumentText.method($0.intensity.method) } ?? "none"),
            Term(symbol: "O", name: "operational emissions E × I", value: sci.operational.grams, unit: "gCO2e", basis: .derived,
                 method: "E × I"),
            Term(symbol: "M", name: "embodied emissions attributed", value: sci.embodied.grams, unit: "gCO2e", basis: embodiedBasis,
                 method: embodied.map { "TE × TiR/EL × RR/ToR, TE \(DocumentText.method($0.method))" } ?? "not given"),
            Term(symbol: "R", name: "functional units produced", value: sci.units, unit: unitName, basis: .given,
                 method: "stated for the run (--units)"),
        ]
        terms.append(Term(symbol: "SCI", name: "(O + M) / R", value: sci.score.grams, unit: "gCO2e per \(unitName)", basis: .derived,
                          method: "((E × I) + M) / R"))

        var coefficients: [Coefficient] = []
        if let energy {
            coefficients.append(Coefficient(name: "PUE", value: energy.pue.value, unit: "ratio", source: DocumentText.method(energy.pue.method)))
        }
        if let carbon {
            let i = carbon.intensity
            let year = i.year.map { ", \($0)" } ?? ""
            coefficients.append(Coefficient(name: "grid intensity (\(i.location.displayName))", value: i.value.gramsPerKilowattHour,
                                            unit: "gCO2e/kWh", source: "\(DocumentText.method(i.method))\(year)"))
        }
        if let e = embodied {
            let source = DocumentText.method(e.method)
            coefficients += [
                Coefficient(name: "embodied emissions of the hardware (TE)", value: e.total.kilograms, unit: "kgCO2e", source: source),
                Coefficient(name: "expected lifetime (EL)", value: e.lifetime.seconds / (8766 * 3600), unit: "years", source: source),
                Coefficient(name: "time reserved (TiR)", value: e.timeReserved.seconds, unit: "s", source: "the run's duration"),
                Coefficient(name: "share of the machine reserved (RR/ToR)", value: e.resourceShare, unit: "ratio", source: source),
            ]
        }

        var methodology: [String] = []
        if let energy {
            for c in energy.components {
                methodology.append("\(c.kind.rawValue) \(c.name): \(DocumentText.method(c.method)); idle \(DocumentText.method(c.idleMethod)); "
                                   + "the process tree's share \(DocumentText.method(c.attributionMethod)).")
            }
            methodology.append("E is the process tree's energy, \(DocumentText.method(energy.process.method)), times the PUE.")
        }
        if let carbon {
            methodology.append("I is the location-based average intensity of \(carbon.intensity.location.displayName), "
                               + "\(DocumentText.method(carbon.intensity.method)); no market-based instruments are used, as the SCI requires.")
        }
        if let estimate = report.estimate { methodology.append("The run was estimated, not measured: \(estimate.formula)") }

        var caveats: [String] = []
        if embodied == nil {
            caveats.append("M is 0: no embodied emissions were given (--embodied-kg, --lifetime-years); the SCI includes them.")
        }
        if energyBasis == .modelled { caveats.append("E is modelled, not measured: the score is an estimate.") }

        let stated = metadata.sci?.boundary?.trimmingCharacters(in: .whitespacesAndNewlines)
        let boundary: String
        if let stated, !stated.isEmpty {
            boundary = stated
        } else {
            let parts = components.map { "\($0.kind.rawValue) \($0.name)" }
            let host = report.host?.hostname.map { " on \(TerminalText.escaped($0))" } ?? ""
            boundary = "The process tree\(host): \(parts.isEmpty ? "no components" : parts.joined(separator: ", ")), and the facility "
                + "overhead through the PUE. Not included: networking, storage outside the host, end-user devices."
        }
        return SCIDisclosure(
            reportID: report.id, score: sci.score.grams, scoreUnit: "gCO2e per \(unitName)", functionalUnit: unitName,
            rationale: rationale, boundary: boundary, boundaryStated: stated?.isEmpty == false, terms: terms,
            coefficients: coefficients, methodology: methodology, caveats: caveats)
    }

    /// The disclosure as JSON (pretty, sorted keys).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .throw
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// The disclosure as Markdown; every string from a report or the metadata is escaped.
    public func markdown() -> String {
        let md = DocumentText.markdown
        let sig = { DocumentText.significant($0, 3) }
        var out = """
            # Software Carbon Intensity disclosure

            Standard: \(md(standard)). Report: `\(md(reportID))`.

            **SCI = \(sig(score)) gCO2e per \(md(functionalUnit))**

            ## Functional unit

            R is one \(md(functionalUnit)). Why: \(md(rationale))

            ## Software boundary

            \(md(boundary))\(boundaryStated ? "" : " (written from the report's components; state it in the metadata's sci.boundary)")

            ## Terms: SCI = ((E × I) + M) / R


            """
        out += DocumentText.table(["term", "what", "value", "unit", "obtained", "how"],
                                  terms.map { [$0.symbol, $0.name, sig($0.value), $0.unit, $0.basis.rawValue, $0.method] })
        out += "\n\n## Coefficients\n\n"
        out += coefficients.isEmpty ? "None.\n"
            : DocumentText.table(["coefficient", "value", "unit", "source"], coefficients.map { [$0.name, sig($0.value), $0.unit, $0.source] }) + "\n"
        out += "\n## Methodology\n\n" + methodology.map { "- \(md($0))" }.joined(separator: "\n") + "\n"
        if !caveats.isEmpty { out += "\n## Caveats\n\n" + caveats.map { "- \(md($0))" }.joined(separator: "\n") + "\n" }
        return out
    }
}
