import Foundation
public import GreenlightCore

/// One `privacy kanon` as a value: measure a CSV table's k, l and t as it is, or release a generalised copy that
/// meets them.
///
/// ``run()`` checks the outputs before any work, reads the table, and either measures it or searches the
/// generalisation lattice (``KAnonymity/anonymize(_:quasiIdentifiers:sensitive:hierarchies:requirements:)``),
/// writing the released table and the report atomically. The measure verdict is ``Outcome/requireMet()``.
public struct KAnonymityJob: Sendable {
    /// What to release when the table is anonymised.
    public struct Release: Sendable, Hashable {
        /// Where the anonymised CSV goes.
        public var outputPath: String
        /// YAML hierarchies by column (``GeneralizationHierarchy/hierarchies(yaml:)``), when given.
        public var hierarchyPath: String?
        /// Columns left out (direct identifiers are by default).
        public var drop: [String]
        /// Columns released as they are, direct identifiers included.
        public var keep: [String]
        /// Direct identifiers replaced by keyed pseudonyms.
        public var pseudonymize: [String]
        /// The pseudonym key (a Fernet key file), needed with `pseudonymize`.
        public var keyFile: String?
        /// The largest fraction of rows that may be suppressed.
        public var suppressionLimit: Double

        /// A release.
        public init(outputPath: String, hierarchyPath: String? = nil, drop: [String] = [], keep: [String] = [],
                    pseudonymize: [String] = [], keyFile: String? = nil, suppressionLimit: Double = 0) {
            self.outputPath = outputPath
            self.hierarchyPath = hierarchyPath
            self.drop = drop
            self.keep = keep
            self.pseudonymize = pseudonymize
            self.keyFile = keyFile
            self.suppressionLimit = suppressionLimit
        }
    }

    /// The CSV file (first row the header).
    public var inputPath: String
    /// Columns that together may identify a person.
    public var quasiIdentifiers: [String]
    /// The sensitive column, for l and t.
    public var sensitive: String?
    /// Required k (measuring: optional; anonymising: the target).
    public var k: Int?
    /// Required distinct l.
    public var l: Int?
    /// Required entropy l.
    public var entropyL: Double?
    /// Required t (earth mover's distance).
    public var t: Double?
    /// `nil` measures only; otherwise what to release.
    public var release: Release?
    /// The JSON report, when wanted.
    public var reportPath: String?
    /// How the input is decoded.
    public var encoding: TextEncoding

    /// A job.
    public init(inputPath: String, quasiIdentifiers: [String], sensitive: String? = nil, k: Int? = nil, l: Int? = nil,
                entropyL: Double? = nil, t: Double? = nil, release: Release? = nil, reportPath: String? = nil,
                encoding: TextEncoding = .utf8) {
        self.inputPath = inputPath
        self.quasiIdentifiers = quasiIdentifiers
        self.sensitive = sensitive
        self.k = k
        self.l = l
        self.entropyL = entropyL
        self.t = t
        self.release = release
        self.reportPath = reportPath
        self.encoding = encoding
    }

    /// What a finished job found or released.
    public struct Outcome: Sendable {
        /// k, l, t reached (and required), suppression, generalisation, information loss.
        public var summary: KAnonymitySummary
        /// The requirements asked for (k 1 when measuring without `k`).
        public var requirements: AnonymityRequirements
        /// What the summary has no field for (how t is measured, the entropy l asked for) and the release's
        /// warnings; all are in the report.
        public var notes: [Note]
        /// Direct identifiers dropped because nothing was asked for them (anonymising only).
        public var droppedByDefault: [String]
        /// Whether the table (as measured, or as released) meets every requirement.
        public var requirementsMet: Bool

        /// Throws when a measured table does not meet the requirements.
        ///
        /// - Throws: ``GreenlightError`` (requirements not met) naming each requirement missed.
        public func requireMet() throws {
            guard !requirementsMet else { return }
            let missed = KAnonymity.missed(summary, requirements).joined(separator: ", ")
            throw GreenlightError.requirementsNotMet("the table does not meet the requirements: \(missed)")
        }
    }

    /// Checks the outputs, reads the table, and measures or anonymises it.
    ///
    /// - Throws: ``GreenlightError`` for a refused output, an unreadable table or hierarchy, an unknown column,
    ///   requirements out of range or a release that cannot reach them.
    public func run() throws -> Outcome {
        try OutputTarget.check(outputs: [release?.outputPath, reportPath],
                               reading: [inputPath, release?.hierarchyPath, release?.keyFile])
        let table = try CSVTable(contentsOfFile: inputPath, encoding: encoding)
        if let release { return try anonymize(table, release) }
        return try measure(table)
    }

    private func measure(_ table: CSVTable) throws -> Outcome {
        // Validated as enforcing would validate them.
        let requirements = try AnonymityRequirements(k: k ?? 1, l: l, entropyL: entropyL, t: t)
        if sensitive == nil, requirements.needsSensitive {
            throw GreenlightError.invalidInput("l-diversity and t-closeness need a sensitive column", parameter: .init("sensitive"))
        }
        var summary = try KAnonymity.measure(table, quasiIdentifiers: quasiIdentifiers, sensitive: sensitive)
        summary.kRequired = k
        summary.lRequired = l
        summary.tRequired = t
        let notes = try methodNotes(table)
        try writeReport(summary, anonymization: nil, notes: notes)
        return Outcome(summary: summary, requirements: requirements, notes: notes, droppedByDefault: [],
                       requirementsMet: KAnonymity.missed(summary, requirements).isEmpty)
    }

    private func anonymize(_ table: CSVTable, _ release: Release) throws -> Outcome {
        let requirements = try AnonymityRequirements(
            k: k ?? 1, l: l, entropyL: entropyL, t: t, suppressionLimit: release.suppressionLimit)
        let hierarchies = try release.hierarchyPath.map { try GeneralizationHierarchy.hierarchies(fileAtPath: $0, for: table) } ?? [:]
        let plan = try ReleasePlan(table: table, quasiIdentifiers: quasiIdentifiers, sensitive: sensitive, drop: release.drop,
                                   pseudonymize: release.pseudonymize, keep: release.keep)
        let result = try KAnonymity.anonymize(
            table, quasiIdentifiers: quasiIdentifiers, sensitive: sensitive, hierarchies: hierarchies, requirements: requirements)
        let csv = try result.csvData(dropping: plan.dropped, transforming: try pseudonyms(plan, keyFile: release.keyFile))
        let notes = try methodNotes(table) + plan.warnings.map { Note(.warning, code: "kanon-column", $0) }
        try AtomicFile.write(csv, to: release.outputPath)
        try writeReport(result.summary, anonymization: AnonymizationSummary(rows: table.rowCount, columns: plan.treatments), notes: notes)
        return Outcome(summary: result.summary, requirements: requirements, notes: notes,
                       droppedByDefault: plan.droppedByDefault, requirementsMet: true)
    }

    /// The pseudonym of every pseudonymized column, keyed per column name as `anonymize` keys them.
    private func pseudonyms(_ plan: ReleasePlan, keyFile: String?) throws -> [String: @Sendable (String) -> String] {
        guard let keyFile else { return [:] }
        let pseudonymizer = try Pseudonymizer(keyFileAtPath: keyFile)
        var transforms: [String: @Sendable (String) -> String] = [:]
        for name in plan.pseudonymized {
            let key = pseudonymizer.domainKey(name)
            transforms[name] = { Pseudonymizer.pseudonym($0, key: key) }
        }
        return transforms
    }

    /// What the summary has no field for: how t was measured, the entropy l asked for.
    private func methodNotes(_ table: CSVTable) throws -> [Note] {
        var notes: [Note] = []
        if let sensitive {
            notes.append(Note(.info, code: "t-closeness-distance", "t: " + (try KAnonymity.tClosenessMethod(table, sensitive: sensitive))))
        }
        if let entropyL { notes.append(Note(.info, code: "entropy-l-required", "entropy l required: \(entropyL)")) }
        return notes
    }

    private func writeReport(_ summary: KAnonymitySummary, anonymization: AnonymizationSummary?, notes: [Note]) throws {
        guard let reportPath else { return }
        let report = Report(kind: .privacy, privacy: PrivacySection(anonymization: anonymization, kAnonymity: summary), notes: notes)
        try AtomicFile.write(report.jsonData(), to: reportPath)
    }
}

extension KAnonymity {
    /// The requirements a measured table misses, each as `k 1 < 2`; empty when it meets them all.
    public static func missed(_ s: KAnonymitySummary, _ r: AnonymityRequirements) -> [String] {
        var missed: [String] = []
        if s.kReached < r.k { missed.append("k \(s.kReached) < \(r.k)") }
        if let l = r.l, (s.lReached ?? 0) < l { missed.append("l \(s.lReached ?? 0) < \(l)") }
        // The same tolerance as the lattice search's class check.
        if let el = r.entropyL, (s.entropyLReached ?? 0) < el - 1e-9 { missed.append("entropy l \(Format.number(s.entropyLReached ?? 0)) < \(Format.number(el))") }
        if let t = r.t, (s.tReached ?? 1) > t + 1e-9 { missed.append("t \(Format.number(s.tReached ?? 1)) > \(Format.number(t))") }
        return missed
    }
}
