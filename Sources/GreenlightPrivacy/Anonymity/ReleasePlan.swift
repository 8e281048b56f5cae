import Foundation
public import GreenlightCore

/// What a k-anonymous release does with every column of a table, and why.
///
/// k-anonymity protects against linking through the quasi-identifiers only: a name or an e-mail left in
/// the released rows identifies the person whatever k is. So every column that ``ColumnClassifier`` (the
/// rules of `privacy scan`) classifies as a direct identifier is **dropped by default**; keeping it takes
/// an explicit choice (pseudonymize it, or keep it as it is). The rules, in order:
/// 1. a quasi-identifier given is generalised; the sensitive column given is kept;
/// 2. a column asked to be dropped, pseudonymized or kept gets that;
/// 3. a column classified as a direct identifier is dropped;
/// 4. every other column is kept; one classified as a quasi-identifier but not given as one gets a warning,
///    since k does not account for it.
public struct ReleasePlan: Sendable, Hashable {
    /// What happens to one column.
    public enum Operation: String, Sendable, Hashable {
        /// Generalised to the level the search chose (a quasi-identifier).
        case generalize
        /// Released as it is.
        case keep
        /// Left out of the release.
        case drop
        /// Replaced by keyed pseudonyms.
        case pseudonymize
    }

    /// One column's treatment.
    public struct Column: Sendable, Hashable {
        /// The header.
        public var name: String
        /// The class, from the role given or from ``ColumnClassifier``.
        public var classification: ColumnClass
        /// What is done to it.
        public var operation: Operation
        /// Why, for people to check, e.g. `direct identifier (header word "email"): dropped by default`.
        public var reason: String
    }

    /// Every column of the table, in header order.
    public let columns: [Column]
    /// Things a person should know, e.g. a quasi-identifier left out of the search.
    public let warnings: [String]

    /// The columns left out of the release.
    public var dropped: [String] { columns.filter { $0.operation == .drop }.map(\.name) }
    /// The columns replaced by pseudonyms.
    public var pseudonymized: [String] { columns.filter { $0.operation == .pseudonymize }.map(\.name) }
    /// Direct identifiers dropped because nothing was asked for them.
    public var droppedByDefault: [String] {
        columns.filter { $0.operation == .drop && $0.reason.hasSuffix(Self.byDefault) }.map(\.name)
    }

    static let byDefault = "dropped by default"

    /// Plans the release of `table`.
    ///
    /// - Parameters:
    ///   - table: The table.
    ///   - quasiIdentifiers: The columns generalised.
    ///   - sensitive: The sensitive column, if any.
    ///   - drop: Columns to leave out.
    ///   - pseudonymize: Columns to replace by keyed pseudonyms.
    ///   - keep: Columns to release as they are, direct identifiers included.
    ///   - classifier: Classifies the columns nothing was asked for (from the table's first rows).
    /// - Throws: ``GreenlightError`` for an unknown column (listing the header), or a column given two roles.
    public init(table: CSVTable, quasiIdentifiers: [String], sensitive: String?, drop: [String] = [],
                pseudonymize: [String] = [], keep: [String] = [], classifier: ColumnClassifier = ColumnClassifier()) throws {
        var role: [String: String] = [:]
        let roles: [(String, [String])] = [
            ("quasi-identifier", quasiIdentifiers), ("sensitive", sensitive.map { [$0] } ?? []),
            ("drop", drop), ("pseudonymize", pseudonymize), ("keep", keep),
        ]
        for (name, columns) in roles {
            for column in columns {
                _ = try table.columnIndex(column)
                if let other = role[column], other != name {
                    throw GreenlightError.invalidInput("column \(column) is given two roles: \(other) and \(name); give it one")
                }
                role[column] = name
            }
        }
        var columns: [Column] = [], warnings: [String] = []
        let sample = min(table.rowCount, classifier.sampleRows)
        for (c, name) in table.header.enumerated() {
            let profile = classifier.classify(header: name, values: Array(table.columns[c].prefix(sample)))
            let why = "\(profile.classification.rawValue) (\(profile.reason))"
            switch role[name] {
            case "quasi-identifier":
                columns.append(Column(name: name, classification: .quasiIdentifier, operation: .generalize, reason: "quasi-identifier as given"))
            case "sensitive":
                columns.append(Column(name: name, classification: .sensitive, operation: .keep, reason: "the sensitive column as given"))
            case "drop":
                columns.append(Column(name: name, classification: profile.classification, operation: .drop, reason: "\(why): dropped as asked"))
            case "pseudonymize":
                columns.append(Column(name: name, classification: profile.classification, operation: .pseudonymize, reason: "\(why): pseudonymized as asked"))
            case "keep":
                columns.append(Column(name: name, classification: profile.classification, operation: .keep, reason: "\(why): kept as asked"))
                if profile.classification == .directIdentifier {
                    warnings.append("\(name) is a direct identifier (\(profile.reason)) and is released as it is, as asked")
                }
            default:
                switch profile.classification {
                case .directIdentifier:
                    columns.append(Column(name: name, classification: .directIdentifier, operation: .drop, reason: "\(why): \(Self.byDefault)"))
                case .quasiIdentifier:
                    columns.append(Column(name: name, classification: .quasiIdentifier, operation: .keep, reason: "\(why): kept; not a quasi-identifier given, so k does not account for it"))
                    warnings.append("\(name) looks like a quasi-identifier (\(profile.reason)) but is not among the quasi-identifiers: it is released as it is and k does not account for it")
                case .sensitive, .other:
                    columns.append(Column(name: name, classification: profile.classification, operation: .keep, reason: "\(why): kept"))
                }
            }
        }
        self.columns = columns
        self.warnings = warnings
    }

    /// The report's view: each column's class, operation and reason.
    public var treatments: [ColumnTreatment] {
        columns.map { ColumnTreatment(column: $0.name, classification: $0.classification.rawValue, operation: $0.operation.rawValue, reason: $0.reason) }
    }
}
