/// What a `greenlight privacy` command found or guaranteed, so that policies can require it
/// (`privacy.*` metrics): files encrypted, PII found, anonymity reached, privacy budget spent.
///
/// Every part is optional: a command fills the parts it did and leaves the rest `nil`.
public struct PrivacySection: Codable, Sendable, Hashable {
    /// Files encrypted or decrypted (Fernet or age), one entry per file.
    public var encryption: [EncryptionRecord]
    /// PII detection over free text (`privacy detect`, `privacy evaluate`, `privacy scan`).
    public var pii: PIISummary?
    /// Operators applied to a dataset (`privacy anonymize`, `privacy kanon`).
    public var anonymization: AnonymizationSummary?
    /// k-anonymity, l-diversity and t-closeness measured or enforced (`privacy kanon`).
    public var kAnonymity: KAnonymitySummary?
    /// Differentially private releases and the budget they spent (`privacy dp`).
    public var differentialPrivacy: DifferentialPrivacySummary?

    /// Creates a privacy section.
    public init(
        encryption: [EncryptionRecord] = [], pii: PIISummary? = nil, anonymization: AnonymizationSummary? = nil,
        kAnonymity: KAnonymitySummary? = nil, differentialPrivacy: DifferentialPrivacySummary? = nil
    ) {
        self.encryption = encryption
        self.pii = pii
        self.anonymization = anonymization
        self.kAnonymity = kAnonymity
        self.differentialPrivacy = differentialPrivacy
    }
}

/// One file encrypted or decrypted.
public struct EncryptionRecord: Codable, Sendable, Hashable {
    /// `encrypt` or `decrypt`.
    public var operation: String
    /// `fernet` or `age-v1`.
    public var format: String
    /// The output file; `nil` for standard output.
    public var path: String?
    /// Plaintext bytes processed; `nil` when streamed from standard input to standard output uncounted.
    public var plaintextBytes: UInt64?
    /// Recipient kinds, e.g. `["x25519", "x25519"]`, `["scrypt"]` or `["fernet"]`.
    public var recipients: [String]

    /// Creates a record.
    public init(operation: String, format: String, path: String?, plaintextBytes: UInt64?, recipients: [String]) {
        self.operation = operation
        self.format = format
        self.path = path
        self.plaintextBytes = plaintextBytes
        self.recipients = recipients
    }
}

/// Precision, recall and F1 of one entity type against labelled spans (exact span match).
public struct DetectionScore: Codable, Sendable, Hashable {
    /// Findings that match a labelled span exactly.
    public var truePositives: Int
    /// Findings with no identical labelled span.
    public var falsePositives: Int
    /// Labelled spans no finding matched.
    public var falseNegatives: Int

    /// Creates a score from counts.
    public init(truePositives: Int, falsePositives: Int, falseNegatives: Int) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
    }

    /// TP / (TP + FP); 1 when nothing was reported.
    public var precision: Double {
        truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
    }
    /// TP / (TP + FN); 1 when nothing was labelled.
    public var recall: Double {
        truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives)
    }
    /// Harmonic mean of precision and recall.
    public var f1: Double {
        precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
    }

    enum CodingKeys: String, CodingKey { case truePositives, falsePositives, falseNegatives, precision, recall, f1 }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        truePositives = try c.decode(Int.self, forKey: .truePositives)
        falsePositives = try c.decode(Int.self, forKey: .falsePositives)
        falseNegatives = try c.decode(Int.self, forKey: .falseNegatives)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(truePositives, forKey: .truePositives)
        try c.encode(falsePositives, forKey: .falsePositives)
        try c.encode(falseNegatives, forKey: .falseNegatives)
        try c.encode(precision, forKey: .precision)
        try c.encode(recall, forKey: .recall)
        try c.encode(f1, forKey: .f1)
    }
}

/// PII found in a set of records or a table.
public struct PIISummary: Codable, Sendable, Hashable {
    /// Records (lines, rows) read.
    public var records: Int
    /// Findings per entity type, e.g. `["EMAIL_ADDRESS": 12]`.
    public var findings: [String: Int]
    /// Per-entity scores when the input carried labels (`privacy evaluate`).
    public var evaluation: [String: DetectionScore]?
    /// The recognizers that produced the findings, e.g. `greenlight-recognizers-v1`.
    public var method: Method

    /// Creates a summary.
    public init(records: Int, findings: [String: Int], evaluation: [String: DetectionScore]? = nil, method: Method) {
        self.records = records
        self.findings = findings
        self.evaluation = evaluation
        self.method = method
    }
}

/// One column of a table and what was done to it.
public struct ColumnTreatment: Codable, Sendable, Hashable {
    /// The column header.
    public var column: String
    /// `direct-identifier`, `quasi-identifier`, `sensitive` or `other`.
    public var classification: String
    /// The operator applied: `replace`, `redact`, `mask`, `pseudonymize`, `encrypt`, `keep`, `drop`,
    /// `generalize`, or `entities` (free text: operators per entity found in it).
    public var operation: String
    /// Why it got this operation, e.g. `direct-identifier (header word "email"): dropped by default` (schema 1.2).
    public var reason: String?

    /// Creates a column treatment.
    public init(column: String, classification: String, operation: String, reason: String? = nil) {
        self.column = column
        self.classification = classification
        self.operation = operation
        self.reason = reason
    }
}

/// Operators applied to a dataset.
public struct AnonymizationSummary: Codable, Sendable, Hashable {
    /// Input rows or records.
    public var rows: Int
    /// What was done to each column (empty for free-text records).
    public var columns: [ColumnTreatment]
    /// Entities found in free text and transformed, per entity type.
    public var entitiesTransformed: [String: Int]

    /// Creates a summary.
    public init(rows: Int, columns: [ColumnTreatment], entitiesTransformed: [String: Int] = [:]) {
        self.rows = rows
        self.columns = columns
        self.entitiesTransformed = entitiesTransformed
    }
}

/// k-anonymity, l-diversity and t-closeness of a released table.
public struct KAnonymitySummary: Codable, Sendable, Hashable {
    /// The quasi-identifier columns.
    public var quasiIdentifiers: [String]
    /// The sensitive column, if any.
    public var sensitive: String?
    /// Rows read.
    public var rows: Int
    /// Rows suppressed (not released).
    public var suppressedRows: Int
    /// Equivalence classes in the released rows.
    public var equivalenceClasses: Int
    /// The k asked for, and the smallest class size in the released rows.
    public var kRequired: Int?
    public var kReached: Int
    /// The distinct l asked for, and the fewest distinct sensitive values in a class.
    public var lRequired: Int?
    public var lReached: Int?
    /// The smallest entropy l (exp of the entropy of the sensitive values) over classes.
    public var entropyLReached: Double?
    /// The t asked for, and the largest distance between a class's and the table's sensitive distribution
    /// (earth mover's distance: equal-distance for categories, ordered for numbers).
    public var tRequired: Double?
    public var tReached: Double?
    /// Generalisation level chosen per quasi-identifier, e.g. `["birth_date": "year", "zip": "3-digit prefix"]`.
    public var generalization: [String: String]
    /// Information loss of the release in [0, 1] and the metric that measured it.
    public var informationLoss: Figure<Double>

    /// Creates a summary.
    public init(
        quasiIdentifiers: [String], sensitive: String?, rows: Int, suppressedRows: Int, equivalenceClasses: Int,
        kRequired: Int?, kReached: Int, lRequired: Int? = nil, lReached: Int? = nil, entropyLReached: Double? = nil,
        tRequired: Double? = nil, tReached: Double? = nil, generalization: [String: String],
        informationLoss: Figure<Double>
    ) {
        self.quasiIdentifiers = quasiIdentifiers
        self.sensitive = sensitive
        self.rows = rows
        self.suppressedRows = suppressedRows
        self.equivalenceClasses = equivalenceClasses
        self.kRequired = kRequired
        self.kReached = kReached
        self.lRequired = lRequired
        self.lReached = lReached
        self.entropyLReached = entropyLReached
        self.tRequired = tRequired
        self.tReached = tReached
        self.generalization = generalization
        self.informationLoss = informationLoss
    }
}

/// One differentially private release.
public struct DPRelease: Codable, Sendable, Hashable {
    /// `count`, `sum` or `mean`, with its column.
    public var query: String
    /// `laplace` or `gaussian`.
    public var mechanism: String
    /// ε spent by this release, and δ (0 for Laplace).
    public var epsilon: Double
    public var delta: Double
    /// The L1 (Laplace) or L2 (Gaussian) sensitivity from the clamping bounds.
    public var sensitivity: Double
    /// The noise scale: b for Laplace, σ for Gaussian.
    public var noiseScale: Double
    /// The noisy answer.
    public var value: Double

    /// Creates a release.
    public init(query: String, mechanism: String, epsilon: Double, delta: Double, sensitivity: Double,
                noiseScale: Double, value: Double) {
        self.query = query
        self.mechanism = mechanism
        self.epsilon = epsilon
        self.delta = delta
        self.sensitivity = sensitivity
        self.noiseScale = noiseScale
        self.value = value
    }
}

/// Differentially private releases of a dataset and its budget (basic composition).
public struct DifferentialPrivacySummary: Codable, Sendable, Hashable {
    /// The dataset the budget belongs to: its name (by default the data file's canonical path).
    public var dataset: String
    /// `sha256:` and the hex SHA-256 of the contents queried (schema 1.2).
    public var contentSHA256: String?
    /// The releases made by this command.
    public var releases: [DPRelease]
    /// Total ε and δ spent on the dataset so far, this command included.
    public var epsilonSpent: Double
    public var deltaSpent: Double
    /// The dataset's budget.
    public var epsilonBudget: Double
    public var deltaBudget: Double
    /// Where the ledger is kept.
    public var ledger: String

    /// Creates a summary.
    public init(dataset: String, contentSHA256: String? = nil, releases: [DPRelease], epsilonSpent: Double, deltaSpent: Double,
                epsilonBudget: Double, deltaBudget: Double, ledger: String) {
        self.dataset = dataset
        self.contentSHA256 = contentSHA256
        self.releases = releases
        self.epsilonSpent = epsilonSpent
        self.deltaSpent = deltaSpent
        self.epsilonBudget = epsilonBudget
        self.deltaBudget = deltaBudget
        self.ledger = ledger
    }
}
