public import Foundation
public import GreenlightCore

/// Everything a check found: every result, the verdict, what was checked against what.
public struct CheckReport: Sendable, Hashable, Codable {
    /// `greenlight-check`, so readers recognise the JSON document.
    public static let schemaName = "greenlight-check"
    /// The version of the JSON document (semantic: a minor bump adds fields).
    public static let currentSchemaVersion = "1.0.0"

    /// Always ``schemaName``.
    public let schema: String
    /// Always ``currentSchemaVersion`` when written by this build.
    public let schemaVersion: String
    /// `pass`, `warn` or `fail`.
    public let verdict: String
    /// The counts.
    public let counts: CheckVerdict
    /// The policies, as given (`policy.yaml`, `builtin:sci`).
    public let policies: [String]
    /// The reports checked (with `--combine`, one subject naming them all).
    public let subjects: [String]
    /// Every rule's result for every subject.
    public let results: [RuleResult]
    /// The tool that checked.
    public let tool: ToolInfo

    /// A check's findings.
    public init(results: [RuleResult], policies: [String], subjects: [String]) {
        self.schema = Self.schemaName
        self.schemaVersion = Self.currentSchemaVersion
        self.counts = CheckVerdict(results)
        self.verdict = counts.word
        self.policies = policies
        self.subjects = subjects
        self.results = results
        self.tool = .current
    }

    /// The JSON document (sorted keys, pretty-printed).
    public func jsonData() throws -> Data {
        var data = try Report.makeEncoder().encode(self)
        data.append(0x0A)
        return data
    }
}

/// The formats `check` writes.
public enum CheckFormat: String, Sendable, Hashable, CaseIterable {
    /// For people: the verdict first, then every result that is not a pass.
    case text
    /// ``CheckReport`` as JSON.
    case json
    /// JUnit XML, as CI test reporters read it.
    case junit
    /// SARIF 2.1.0, as code-scanning dashboards read it.
    case sarif
    /// GitHub Actions workflow commands (`::error file=…,line=…::`), one annotation per breach.
    case github
    /// Test Anything Protocol, version 14.
    case tap

    /// Renders `report`.
    ///
    /// - Parameters:
    ///   - color: ANSI colour in `text` (a terminal only).
    ///   - failOnWarn: Whether warnings fail (JUnit and TAP then show them as failures).
    public func render(_ report: CheckReport, color: Bool = false, failOnWarn: Bool = false) throws -> String {
        switch self {
        case .text: return TextCheckFormatter(color: color).render(report)
        case .json: return String(decoding: try report.jsonData(), as: UTF8.self)
        case .junit: return JUnitCheckFormatter(failOnWarn: failOnWarn).render(report)
        case .sarif: return try SARIFCheckFormatter().render(report)
        case .github: return GitHubCheckFormatter().render(report)
        case .tap: return TAPCheckFormatter(failOnWarn: failOnWarn).render(report)
        }
    }
}

extension RuleResult {
    /// `policy.yaml:3`.
    var at: String { "\(TerminalText.escaped(position.source)):\(position.line)" }

    /// The measured values and the rule's words, one line each, for the formats that show detail.
    var detailLines: [String] {
        var lines = [message]
        if let description { lines.append(TerminalText.escaped(description)) }
        if let reference { lines.append("reference: " + TerminalText.escaped(reference)) }
        if let exception {
            lines.append("exception (\(TerminalText.escaped(exception.position.source)):\(exception.position.line)): "
                + TerminalText.escaped(exception.reason)
                + (exception.owner.map { ", owner " + TerminalText.escaped($0) } ?? "")
                + (exception.expires.map { exception.expired ? ", expired after \($0)" : ", until \($0)" } ?? ""))
        }
        return lines
    }
}
