// The metrics of privacy reports: encryption, PII, anonymisation, k-anonymity, differential privacy.

private let privacy: [Report.Kind] = [.privacy]

extension PrivacySection: ReportMetricProvider {
    /// Precision, recall and F1 over every entity type's counts together (micro-averaged).
    private static func overall(_ scores: [String: DetectionScore]) -> DetectionScore {
        scores.values.reduce(DetectionScore(truePositives: 0, falsePositives: 0, falseNegatives: 0)) {
            DetectionScore(truePositives: $0.truePositives + $1.truePositives, falsePositives: $0.falsePositives + $1.falsePositives,
                           falseNegatives: $0.falseNegatives + $1.falseNegatives)
        }
    }

    public static var metrics: [ReportMetric] {
        encryption + pii + anonymity + differentialPrivacy
    }

    private static var encryption: [ReportMetric] {
        [
            ReportMetric("privacy.encryption.files", .number, "files encrypted or decrypted", kinds: privacy, combination: .sum) { r in
                r.privacy.map { .number(Double($0.encryption.count), "derived:encryption-records") }
            },
            ReportMetric("privacy.encryption.formats", .textSet, "the formats used (age, fernet)", kinds: privacy, combination: .union) { r in
                r.privacy.map { MetricValue(.texts(Array(Set($0.encryption.map(\.format))).sorted())) }
            },
            ReportMetric("privacy.encryption.plaintext_bytes", .bytes, "plaintext bytes encrypted or decrypted", kinds: privacy,
                         combination: .sum) { r in
                r.privacy.map { .number(Double($0.encryption.reduce(0) { $0 + ($1.plaintextBytes ?? 0) }), "measured:bytes") }
            },
        ]
    }

    private static var pii: [ReportMetric] {
        [
            ReportMetric("privacy.pii.records", .number, "records scanned for PII", kinds: privacy, combination: .sum) { r in
                r.privacy?.pii.map { .number(Double($0.records), $0.method.label) }
            },
            ReportMetric("privacy.pii.findings", .number, "PII entities found, every type", kinds: privacy, combination: .sum) { r in
                r.privacy?.pii.map { .number(Double($0.findings.values.reduce(0, +)), $0.method.label) }
            },
            ReportMetric("privacy.pii.findings.*", .number, "PII entities of type TYPE found (privacy.pii.findings.EMAIL_ADDRESS)",
                         kinds: privacy, combination: .sum) { r, key in
                guard let pii = r.privacy?.pii, let key else { return nil }
                return .number(Double(pii.findings[key] ?? 0), pii.method.label)
            },
            ReportMetric("privacy.pii.precision", .ratio, "detection precision against labels, every type together", kinds: privacy) { r in
                r.privacy?.pii?.evaluation.map { .number(overall($0).precision, "measured:labelled-evaluation") }
            },
            ReportMetric("privacy.pii.recall", .ratio, "detection recall against labels, every type together", kinds: privacy) { r in
                r.privacy?.pii?.evaluation.map { .number(overall($0).recall, "measured:labelled-evaluation") }
            },
            ReportMetric("privacy.pii.f1", .ratio, "detection F1 against labels, every type together", kinds: privacy) { r in
                r.privacy?.pii?.evaluation.map { .number(overall($0).f1, "measured:labelled-evaluation") }
            },
        ]
    }

    private static var anonymity: [ReportMetric] {
        [
            ReportMetric("privacy.anonymization.rows", .number, "rows or records anonymised", kinds: privacy, combination: .sum) { r in
                r.privacy?.anonymization.map { .number(Double($0.rows), "measured:rows") }
            },
            ReportMetric("privacy.anonymization.kept_columns", .number, "columns released unchanged (operation keep)", kinds: privacy) { r in
                r.privacy?.anonymization.map { a in .number(Double(a.columns.filter { $0.operation == "keep" }.count), "derived:columns") }
            },
            ReportMetric("privacy.anonymization.kept_identifiers", .number,
                         "direct identifiers released unchanged (should be 0)", kinds: privacy) { r in
                r.privacy?.anonymization.map { a in
                    .number(Double(a.columns.filter { $0.operation == "keep" && $0.classification == "direct-identifier" }.count),
                            "derived:columns")
                }
            },
            ReportMetric("privacy.anonymization.entities", .number, "entities found in free text and transformed", kinds: privacy,
                         combination: .sum) { r in
                r.privacy?.anonymization.map { .number(Double($0.entitiesTransformed.values.reduce(0, +)), "measured:entities") }
            },
            ReportMetric("privacy.kanon.k", .number, "the smallest equivalence class of the released rows (k reached)", kinds: privacy) { r in
                r.privacy?.kAnonymity.map { .number(Double($0.kReached), "measured:equivalence-classes") }
            },
            ReportMetric("privacy.kanon.k_required", .number, "the k asked for", kinds: privacy) { r in
                r.privacy?.kAnonymity?.kRequired.map { .number(Double($0), "user:k") }
            },
            ReportMetric("privacy.kanon.l", .number, "the fewest distinct sensitive values in a class (distinct l reached)",
                         kinds: privacy) { r in
                r.privacy?.kAnonymity?.lReached.map { .number(Double($0), "measured:equivalence-classes") }
            },
            ReportMetric("privacy.kanon.entropy_l", .number, "the smallest entropy l over classes", kinds: privacy) { r in
                r.privacy?.kAnonymity?.entropyLReached.map { .number($0, "measured:equivalence-classes") }
            },
            ReportMetric("privacy.kanon.t", .number, "the largest distance between a class's and the table's sensitive distribution",
                         kinds: privacy) { r in
                r.privacy?.kAnonymity?.tReached.map { .number($0, "measured:earth-movers-distance") }
            },
            ReportMetric("privacy.kanon.classes", .number, "equivalence classes in the released rows", kinds: privacy) { r in
                r.privacy?.kAnonymity.map { .number(Double($0.equivalenceClasses), "measured:equivalence-classes") }
            },
            ReportMetric("privacy.kanon.suppressed_share", .ratio, "the share of rows suppressed (not released)", kinds: privacy) { r in
                r.privacy?.kAnonymity.map { k in .number(k.rows == 0 ? 0 : Double(k.suppressedRows) / Double(k.rows), "measured:rows") }
            },
            ReportMetric("privacy.kanon.information_loss", .ratio, "information loss of the release, 0–1", kinds: privacy) { r in
                r.privacy?.kAnonymity.map { .number($0.informationLoss.value, $0.informationLoss.method.label) }
            },
        ]
    }

    private static var differentialPrivacy: [ReportMetric] {
        [
            ReportMetric("privacy.dp.epsilon_spent", .number, "ε spent on the dataset so far (the ledger's total)", kinds: privacy) { r in
                r.privacy?.differentialPrivacy.map { .number($0.epsilonSpent, "derived:privacy-ledger") }
            },
            ReportMetric("privacy.dp.delta_spent", .number, "δ spent on the dataset so far", kinds: privacy) { r in
                r.privacy?.differentialPrivacy.map { .number($0.deltaSpent, "derived:privacy-ledger") }
            },
            ReportMetric("privacy.dp.epsilon_budget", .number, "the dataset's ε budget", kinds: privacy) { r in
                r.privacy?.differentialPrivacy.map { .number($0.epsilonBudget, "user:epsilonBudget") }
            },
            ReportMetric("privacy.dp.epsilon_remaining", .number, "ε left in the budget", kinds: privacy) { r in
                r.privacy?.differentialPrivacy.map { .number($0.epsilonBudget - $0.epsilonSpent, "derived:privacy-ledger") }
            },
            ReportMetric("privacy.dp.releases", .number, "releases in this report", kinds: privacy, combination: .sum) { r in
                r.privacy?.differentialPrivacy.map { .number(Double($0.releases.count), "derived:privacy-ledger") }
            },
            ReportMetric("privacy.dp.mechanisms", .textSet, "the mechanisms of the releases (laplace, gaussian)", kinds: privacy,
                         combination: .union) { r in
                r.privacy?.differentialPrivacy.map { MetricValue(.texts(Array(Set($0.releases.map(\.mechanism))).sorted())) }
            },
        ]
    }
}
