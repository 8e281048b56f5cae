import Foundation
public import GreenlightCore

/// A labelled span in a record, as the evaluation corpus writes it: `{"entity","start","end"}`.
public struct PIILabel: Codable, Sendable, Hashable {
    /// The entity type name, e.g. `EMAIL_ADDRESS`.
    public var entity: String
    /// First code point.
    public var start: Int
    /// One past the last code point.
    public var end: Int

    /// Creates a label.
    public init(entity: String, start: Int, end: Int) {
        self.entity = entity
        self.start = start
        self.end = end
    }
}

/// Precision and recall of findings against labels, per entity type, with exact span matching
/// (same type, same start, same end), as presidio-research's span evaluation does with full overlap.
public struct PIIEvaluation: Sendable, Hashable {
    /// Counts for every type seen in findings or labels.
    public private(set) var counts: [String: DetectionScore] = [:]
    /// Types that appear in at least one label.
    public private(set) var labelledTypes: Set<String> = []

    /// An empty evaluation.
    public init() {}

    /// Adds one record's findings and labels.
    public mutating func add(findings: [PIIFinding], labels: [PIILabel]) {
        var remaining = Set(labels.map { Span(type: $0.entity, start: $0.start, end: $0.end) })
        for label in labels { labelledTypes.insert(label.entity) }
        for f in findings {
            let span = Span(type: f.entityType.rawValue, start: f.start, end: f.end)
            if remaining.remove(span) != nil {
                counts[span.type, default: DetectionScore(truePositives: 0, falsePositives: 0, falseNegatives: 0)].truePositives += 1
            } else {
                counts[span.type, default: DetectionScore(truePositives: 0, falsePositives: 0, falseNegatives: 0)].falsePositives += 1
            }
        }
        for span in remaining {
            counts[span.type, default: DetectionScore(truePositives: 0, falsePositives: 0, falseNegatives: 0)].falseNegatives += 1
        }
    }

    /// Scores of the types the labels annotate (or of `types` when given).
    ///
    /// A type no label mentions is not scored: the corpus did not annotate it, so every finding of it would
    /// count as a false positive whether right or not (the notes corpus, for one, does not label dates).
    public func scores(for types: Set<String>? = nil) -> [String: DetectionScore] {
        let wanted = types ?? labelledTypes
        var result: [String: DetectionScore] = [:]
        for type in wanted { result[type] = counts[type] ?? DetectionScore(truePositives: 0, falsePositives: 0, falseNegatives: 0) }
        return result
    }

    struct Span: Hashable, Sendable {
        var type: String
        var start: Int
        var end: Int
    }
}
