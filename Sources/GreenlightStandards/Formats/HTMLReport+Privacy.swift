import GreenlightCore

extension HTMLReport {
    /// The privacy figures of every report that has them, as tables.
    func privacySection() -> String {
        let withPrivacy = entries.filter { $0.report.privacy != nil }
        guard !withPrivacy.isEmpty else { return "" }
        var out = "<section id=\"privacy\">\n<h2>Privacy</h2>\n"
        for entry in withPrivacy {
            guard let p = entry.report.privacy else { continue }
            out += "<h3>\(e(entry.name))</h3>\n"
            if !p.encryption.isEmpty {
                out += table(caption: "Files encrypted or decrypted", ["Operation", "Format", "File", "Plaintext", "Recipients"],
                             p.encryption.map { [e($0.operation), e($0.format), e($0.path ?? "standard output"),
                                                 $0.plaintextBytes.map { Format.bytes(Double($0)) } ?? "not counted",
                                                 e($0.recipients.joined(separator: ", "))] })
            }
            if let pii = p.pii {
                out += table(caption: "PII found in \(pii.records) records by \(method(pii.method))", ["Entity", "Findings"],
                             pii.findings.keys.sorted().map { [e($0), "\(pii.findings[$0] ?? 0)"] })
                if let evaluation = pii.evaluation {
                    out += table(caption: "Detection against the labels (exact spans)", ["Entity", "TP", "FP", "FN", "Precision", "Recall", "F1"],
                                 evaluation.keys.sorted().compactMap { key in
                                     evaluation[key].map { s in
                                         [e(key), "\(s.truePositives)", "\(s.falsePositives)", "\(s.falseNegatives)",
                                          Format.number(s.precision, significant: 3), Format.number(s.recall, significant: 3), Format.number(s.f1, significant: 3)]
                                     }
                                 })
                }
            }
            if let a = p.anonymization {
                if !a.columns.isEmpty {
                    out += table(caption: "Anonymisation of \(a.rows) rows", ["Column", "Classification", "Operation", "Why"],
                                 a.columns.map { [e($0.column), e($0.classification), e($0.operation), e($0.reason ?? "")] })
                }
                if !a.entitiesTransformed.isEmpty || a.columns.isEmpty {
                    out += table(caption: "Entities transformed in \(a.rows) records", ["Entity", "Transformed"],
                                 a.entitiesTransformed.keys.sorted().map { [e($0), "\(a.entitiesTransformed[$0] ?? 0)"] })
                }
            }
            if let k = p.kAnonymity { out += kAnonymityTable(k) }
            if let dp = p.differentialPrivacy {
                out += table(caption: "Differential privacy budget of \(e(dp.dataset)) (basic composition)", ["", "Spent", "Budget", "Left"], [
                    ["ε", Format.number(dp.epsilonSpent), Format.number(dp.epsilonBudget), Format.number(dp.epsilonBudget - dp.epsilonSpent)],
                    ["δ", Format.number(dp.deltaSpent), Format.number(dp.deltaBudget), Format.number(dp.deltaBudget - dp.deltaSpent)],
                ], note: "ledger \(e(dp.ledger))" + (dp.contentSHA256.map { " · contents \(e($0))" } ?? ""))
                out += table(caption: "Releases", ["Query", "Mechanism", "ε", "δ", "Sensitivity", "Noise scale", "Value"],
                             dp.releases.map { [e($0.query), e($0.mechanism), Format.number($0.epsilon), Format.number($0.delta),
                                                Format.number($0.sensitivity), Format.number($0.noiseScale), Format.number($0.value)] })
            }
        }
        return out + "</section>\n"
    }

    private func kAnonymityTable(_ k: KAnonymitySummary) -> String {
        func asked(_ required: String?, _ reached: String?) -> String {
            (reached ?? "—") + (required.map { " (required \($0))" } ?? "")
        }
        var rows = [
            ["Quasi-identifiers", e(k.quasiIdentifiers.joined(separator: ", "))],
            ["Sensitive column", e(k.sensitive ?? "none")],
            ["Rows", "\(k.rows) read, \(k.suppressedRows) suppressed, \(k.equivalenceClasses) equivalence classes"],
            ["k", asked(k.kRequired.map(String.init), String(k.kReached))],
        ]
        if k.lRequired != nil || k.lReached != nil { rows.append(["l (distinct)", asked(k.lRequired.map(String.init), k.lReached.map(String.init))]) }
        if let entropy = k.entropyLReached { rows.append(["l (entropy)", Format.number(entropy, significant: 3)]) }
        if k.tRequired != nil || k.tReached != nil {
            rows.append(["t", asked(k.tRequired.map { Format.number($0, significant: 3) }, k.tReached.map { Format.number($0, significant: 3) })])
        }
        for column in k.generalization.keys.sorted() { rows.append(["Generalised \(e(column))", e(k.generalization[column] ?? "")]) }
        rows.append(["Information loss", "\(Format.number(k.informationLoss.value, significant: 3)) (\(method(k.informationLoss.method)))"])
        return table(caption: "k-anonymity of the release", ["Measure", "Value"], rows)
    }

    /// A table; `cells` are HTML already, numbers in tabular figures.
    private func table(caption: String, _ headers: [String], _ cells: [[String]], note: String? = nil) -> String {
        var out = "<table>\n<caption>\(caption)</caption>\n<thead><tr>"
        out += headers.map { "<th>\(e($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in cells {
            out += "<tr>" + row.map { cell in
                let numeric = !cell.isEmpty && cell.allSatisfy { $0.isNumber || ".-e+".contains($0) }
                return numeric ? "<td class=\"num\">\(cell)</td>" : "<td>\(cell)</td>"
            }.joined() + "</tr>\n"
        }
        if cells.isEmpty { out += "<tr><td colspan=\"\(headers.count)\">none</td></tr>\n" }
        out += "</tbody>\n</table>\n"
        return out + (note.map { "<p class=\"meta\">\($0)</p>\n" } ?? "")
    }
}
