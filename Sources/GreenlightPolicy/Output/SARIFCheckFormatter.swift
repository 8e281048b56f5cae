import Foundation
import GreenlightCore

/// SARIF 2.1.0: one run, a reporting descriptor per rule, a result per rule and report with its kind (pass,
/// fail, notApplicable, review), its level from the action and severity, and the rule's place in its policy.
struct SARIFCheckFormatter {
    func render(_ report: CheckReport) throws -> String {
        var ruleIndex: [String: Int] = [:]
        var descriptors: [[String: Any]] = []
        for r in report.results where ruleIndex[r.rule] == nil {
            ruleIndex[r.rule] = descriptors.count
            var d: [String: Any] = [
                "id": r.rule,
                "shortDescription": ["text": r.description ?? r.assertion],
                "fullDescription": ["text": "\(r.description.map { $0 + ": " } ?? "")\(r.assertion)"],
                "defaultConfiguration": ["level": Self.level(r.action, r.severity)],
                "properties": ["severity": r.severity.rawValue, "action": r.action.rawValue, "assertion": r.assertion],
            ]
            if let reference = r.reference, reference.hasPrefix("http://") || reference.hasPrefix("https://") {
                d["helpUri"] = reference
            } else if let reference = r.reference {
                d["help"] = ["text": reference]
            }
            descriptors.append(d)
        }
        let results: [[String: Any]] = report.results.map { r in
            var result: [String: Any] = [
                "ruleId": r.rule,
                "ruleIndex": ruleIndex[r.rule] ?? 0,
                "kind": Self.kind(r.outcome),
                "level": Self.level(for: r),
                "message": ["text": r.detailLines.joined(separator: "\n")],
                "locations": [[
                    "physicalLocation": [
                        "artifactLocation": ["uri": Self.uri(r.position.source)],
                        "region": ["startLine": max(1, r.position.line), "startColumn": max(1, r.position.column)],
                    ],
                ]],
                "properties": [
                    "outcome": r.outcome.rawValue,
                    "report": r.subject,
                    "measured": r.measured.map { m -> [String: Any] in
                        var o: [String: Any] = ["metric": m.metric]
                        if let v = m.value { o["value"] = v }
                        if let n = m.number { o["number"] = n }
                        if let u = m.unit { o["unit"] = u }
                        if let method = m.method { o["method"] = method }
                        return o
                    },
                ],
            ]
            if r.outcome == .excepted, let e = r.exception {
                result["suppressions"] = [[
                    "kind": "external", "status": "accepted",
                    "justification": e.reason + (e.owner.map { " (owner \($0))" } ?? "") + (e.expires.map { ", until \($0)" } ?? ""),
                ]]
            }
            return result
        }
        let sarif: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": [
                    "name": "greenlight", "version": report.tool.version, "semanticVersion": report.tool.version,
                    "informationUri": "https://github.com/greenlight-dev/greenlight", "rules": descriptors,
                ]],
                "results": results,
                "properties": ["verdict": report.verdict, "policies": report.policies, "reports": report.subjects],
            ]],
        ]
        let data = try JSONSerialization.data(withJSONObject: sarif, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// A policy path as a relative URI reference (`policies/p.yaml`, spaces escaped); packs keep `builtin:NAME`.
    static func uri(_ source: String) -> String {
        if source.hasPrefix("builtin:") { return source }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ":")
        return source.addingPercentEncoding(withAllowedCharacters: allowed) ?? source
    }

    static func kind(_ outcome: RuleResult.Outcome) -> String {
        switch outcome {
        case .pass, .excepted: "pass"
        case .fail, .warn: "fail"
        case .error: "review"
        case .skip: "notApplicable"
        }
    }

    /// SARIF's level for a breach of a rule: an enforced rule is an error unless its severity is info (a note).
    static func level(_ action: RuleAction, _ severity: Severity) -> String {
        if severity == .info { return "note" }
        return action == .enforce ? "error" : "warning"
    }

    static func level(for r: RuleResult) -> String {
        switch r.outcome {
        case .fail, .warn, .error: level(r.action, r.severity)
        case .pass, .skip, .excepted: "none"
        }
    }
}
