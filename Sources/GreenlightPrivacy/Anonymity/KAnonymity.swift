public import Foundation
public import GreenlightCore

/// Measures and enforces k-anonymity, l-diversity and t-closeness of a table.
///
/// Rows with equal quasi-identifier values form an equivalence class. The table is
/// - k-anonymous when every class has at least k rows (Sweeney 2002);
/// - distinct l-diverse when every class has at least l distinct sensitive values, entropy l-diverse when
///   every class's sensitive entropy is at least ln l (Machanavajjhala et al. 2007);
/// - t-close when every class's sensitive distribution is within earth mover's distance t of the whole
///   input table's (Li et al. 2007): the equal ground distance for categories (EMD = ½ Σ|pᵢ − qᵢ|), the
///   ordered distance |i − j| / (m − 1) over the m distinct values for numbers.
///
/// ``anonymize(_:quasiIdentifiers:sensitive:hierarchies:requirements:)`` searches the full-domain
/// generalisation lattice (one level per quasi-identifier), suppressing the rows of classes that fail, and
/// keeps the node with the least information loss (``lossMethod``) whose suppressed rows fit the limit.
public enum KAnonymity {
    /// How information loss is measured: the normalised certainty penalty (Xu et al. 2006) with suppression.
    ///
    /// A released cell whose generalised value covers c of the D distinct values its column has in the
    /// input loses (c − 1) / (D − 1): 0 unchanged, 1 for `*`. (This is NCP's categorical form, used for
    /// every kind of column, so a year covering 60 of 4,500 dates loses little and a decade more.) A
    /// suppressed row loses 1 in every quasi-identifier. The loss is the mean over all rows and
    /// quasi-identifiers, in [0, 1].
    public static let lossMethod = Method(
        .derived, "ncp-suppression-v1",
        detail: "normalised certainty penalty: mean over quasi-identifier cells of (distinct values covered - 1)/(distinct values - 1); suppressed rows count 1")

    /// The most lattice nodes searched; more means too many quasi-identifiers or levels.
    static let maxNodes = 1_000_000

    /// Measures a table as it is.
    ///
    /// - Parameters:
    ///   - table: The table.
    ///   - quasiIdentifiers: Column names that together may identify a person.
    ///   - sensitive: The sensitive column, for l and t; `nil` measures k only.
    /// - Returns: The summary, with no requirement, no suppression and no generalisation.
    /// - Throws: ``GreenlightError`` for an unknown column (naming it and listing the header).
    public static func measure(_ table: CSVTable, quasiIdentifiers: [String], sensitive: String?) throws -> KAnonymitySummary {
        let problem = try Problem(table, quasiIdentifiers: quasiIdentifiers, sensitive: sensitive, hierarchies: nil)
        let levels = [Int](repeating: 0, count: quasiIdentifiers.count)
        let classes = problem.classes(at: levels)
        return problem.summary(levels: levels, classes: classes, failing: [], requirements: nil)
    }

    /// Generalises and suppresses a table until it meets the requirements, with the least information loss.
    ///
    /// Every node of the lattice is a choice of one level per quasi-identifier. At each, the rows of classes
    /// that fail k, l or t are suppressed; the node qualifies when they are at most the suppression limit.
    /// Among qualifying nodes the least ``lossMethod`` wins; ties go to fewer suppressed rows, then to
    /// lower levels. The search is exhaustive, so the result is optimal for the metric (nodes whose
    /// generalisation alone already loses more than the best found are skipped, since suppression only adds).
    ///
    /// - Parameters:
    ///   - table: The table.
    ///   - quasiIdentifiers: Column names that together may identify a person.
    ///   - sensitive: The sensitive column; required when `requirements` ask for l or t.
    ///   - hierarchies: Hierarchies by column; a quasi-identifier without one gets
    ///     ``GeneralizationHierarchy/inferred(column:values:)``.
    ///   - requirements: k, and l, entropy l, t when asked, and the suppression limit.
    /// - Returns: The chosen node, the rows released and suppressed, and the summary.
    /// - Throws: ``GreenlightError`` for an unknown column, a value a hierarchy cannot generalise (with its
    ///   line), or when no node meets the requirements within the suppression limit.
    public static func anonymize(
        _ table: CSVTable, quasiIdentifiers: [String], sensitive: String?,
        hierarchies: [String: GeneralizationHierarchy] = [:], requirements: AnonymityRequirements
    ) throws -> KAnonymization {
        if requirements.needsSensitive, sensitive == nil {
            throw GreenlightError.invalidInput("l-diversity and t-closeness need a sensitive column")
        }
        let problem = try Problem(table, quasiIdentifiers: quasiIdentifiers, sensitive: sensitive, hierarchies: hierarchies)
        let heights = problem.hierarchies.map(\.height)
        let nodeCount = heights.reduce(1) { $0.multipliedReportingOverflow(by: $1 + 1).overflow ? Int.max : $0 * ($1 + 1) }
        guard nodeCount <= maxNodes else {
            throw GreenlightError.invalidInput("the generalisation lattice has \(nodeCount) nodes, over \(maxNodes); use fewer quasi-identifiers or shallower hierarchies")
        }
        var nodes: [[Int]] = [[]]
        for h in heights { nodes = nodes.flatMap { node in (0...h).map { node + [$0] } } }
        // Cheapest generalisation first, so the bound below prunes early: suppressing a row costs 1 per
        // cell, at least what generalising it cost, so a node's loss is at least its loss with none suppressed.
        let bounds = Dictionary(uniqueKeysWithValues: nodes.map { ($0, problem.loss(at: $0, suppressedRows: [])) })
        nodes.sort { a, b in
            if bounds[a]! != bounds[b]! { return bounds[a]! < bounds[b]! }
            if a.reduce(0, +) != b.reduce(0, +) { return a.reduce(0, +) < b.reduce(0, +) }
            return a.lexicographicallyPrecedes(b)
        }
        let n = table.rowCount
        let allowed = Int((requirements.suppressionLimit * Double(n) + 1e-9).rounded(.down))
        var best: (loss: Double, suppressed: Int, node: [Int], classes: EquivalenceClasses, failing: Set<Int>)?
        for node in nodes {
            if let best, bounds[node]! > best.loss + 1e-12 { break }
            let classes = problem.classes(at: node)
            var failing = Set<Int>(), suppressed = 0
            for (c, stats) in classes.classes.enumerated() where !satisfies(stats, requirements) {
                failing.insert(c)
                suppressed += stats.size
            }
            guard suppressed <= allowed, suppressed < n || n == 0 else { continue }
            let loss = suppressed == 0 ? bounds[node]!
                : problem.loss(at: node, suppressedRows: (0..<n).filter { failing.contains(Int(classes.classOfRow[$0])) })
            if let b = best, (loss, suppressed) >= (b.loss - 1e-12, b.suppressed) { continue }
            best = (loss, suppressed, node, classes, failing)
        }
        guard let best else {
            throw GreenlightError.invalidInput(
                "no generalisation reaches \(requirements.description) with at most \(allowed) of \(n) rows suppressed; "
                    + "raise the suppression limit, lower the requirements, or give coarser hierarchies",
                parameter: .init("suppressionLimit"))
        }
        let summary = problem.summary(levels: best.node, classes: best.classes, failing: best.failing, requirements: requirements)
        let released = (0..<n).filter { !best.failing.contains(Int(best.classes.classOfRow[$0])) }
        let suppressedRows = (0..<n).filter { best.failing.contains(Int(best.classes.classOfRow[$0])) }
        return KAnonymization(
            summary: summary, levels: Dictionary(uniqueKeysWithValues: zip(quasiIdentifiers, best.node)),
            releasedRows: released, suppressedRows: suppressedRows, table: table, problem: problem, node: best.node)
    }

    /// How t is measured for a sensitive column: which ground distance the earth mover's distance uses.
    ///
    /// - Returns: e.g. `earth mover's distance, equal ground distance over 8 distinct values`.
    /// - Throws: ``GreenlightError`` for an unknown column.
    public static func tClosenessMethod(_ table: CSVTable, sensitive: String) throws -> String {
        let column = SensitiveColumn(table.columns[try table.columnIndex(sensitive)])
        let m = column.values.count
        return column.ordered
            ? "earth mover's distance, ordered ground distance |i - j|/(m - 1) over the m = \(m) distinct numeric values, against the whole input table"
            : "earth mover's distance, equal ground distance over \(m) distinct values, against the whole input table"
    }

    static func satisfies(_ stats: ClassStatistics, _ r: AnonymityRequirements) -> Bool {
        if stats.size < r.k { return false }
        if let l = r.l, stats.distinct < l { return false }
        if let el = r.entropyL, stats.entropyL < el - 1e-9 { return false }
        if let t = r.t, stats.emd > t + 1e-9 { return false }
        return true
    }

    /// The columns coded once, level by level, so each lattice node only regroups integers.
    struct Problem: Sendable {
        let quasiIdentifiers: [String]
        let sensitiveName: String?
        let rows: Int
        let hierarchies: [GeneralizationHierarchy]
        /// `codes[q][level][row]`: the id of the row's value of quasi-identifier q at that level.
        let codes: [[[Int32]]]
        /// `labels[q][level][id]`: the text of that id.
        let labels: [[[String]]]
        let sensitive: SensitiveColumn?
        /// `cellLoss[q][level][id]`: the certainty penalty of a cell with that value.
        let cellLoss: [[[Double]]]
        /// `levelLoss[q][level]`: the penalty summed over all rows.
        let levelLoss: [[Double]]

        init(_ table: CSVTable, quasiIdentifiers: [String], sensitive: String?, hierarchies given: [String: GeneralizationHierarchy]?) throws {
            guard !quasiIdentifiers.isEmpty else { throw GreenlightError.invalidInput("give at least one quasi-identifier") }
            let qi = try quasiIdentifiers.map { try table.columnIndex($0) }
            guard Set(quasiIdentifiers).count == quasiIdentifiers.count else {
                throw GreenlightError.invalidInput("a quasi-identifier is listed twice: \(quasiIdentifiers.joined(separator: ","))")
            }
            var sensitiveColumn: SensitiveColumn?
            if let sensitive {
                let s = try table.columnIndex(sensitive)
                guard !qi.contains(s) else { throw GreenlightError.invalidInput("\(sensitive) cannot be both a quasi-identifier and the sensitive column") }
                sensitiveColumn = SensitiveColumn(table.columns[s])
            }
            if let given {
                for name in given.keys where !table.header.contains(name) {
                    throw GreenlightError.invalidInput("the hierarchies name an unknown column \(name); the header is: \(table.header.joined(separator: ","))")
                }
            }
            var hierarchies: [GeneralizationHierarchy] = [], codes: [[[Int32]]] = [], labels: [[[String]]] = []
            var cellLoss: [[[Double]]] = [], levelLoss: [[Double]] = []
            for (name, c) in zip(quasiIdentifiers, qi) {
                let column = table.columns[c]
                // Measuring needs no hierarchy: level 0 only.
                let h = given == nil ? .suppressOnly : given?[name] ?? .inferred(column: name, values: column)
                var levelCodes: [[Int32]] = [], levelLabels: [[String]] = []
                // Generalise each distinct value once.
                var distinct: [String: Int] = [:]
                for (r, v) in column.enumerated() where distinct[v] == nil { distinct[v] = r }
                for level in 0...(given == nil ? 0 : h.height) {
                    var index: [String: Int32] = [:], names: [String] = []
                    var byValue: [String: Int32] = [:]
                    for (v, firstRow) in distinct {
                        let g: String
                        do {
                            g = try h.generalize(v, level: level)
                        } catch let error as GreenlightError {
                            throw GreenlightError.invalidInput("line \(table.line(ofRow: firstRow)): column \(name): \(error.message)")
                        }
                        if let id = index[g] {
                            byValue[v] = id
                        } else {
                            let id = Int32(names.count)
                            index[g] = id
                            names.append(g)
                            byValue[v] = id
                        }
                    }
                    levelCodes.append(column.map { byValue[$0]! })
                    levelLabels.append(names)
                }
                // NCP: how many distinct input values each generalised value covers.
                let d = Double(distinct.count)
                var qLoss: [[Double]] = [], qTotal: [Double] = []
                for level in levelCodes.indices {
                    var covers = [Int](repeating: 0, count: levelLabels[level].count)
                    for (_, firstRow) in distinct { covers[Int(levelCodes[level][firstRow])] += 1 }
                    let losses = covers.map { d > 1 ? Double($0 - 1) / (d - 1) : 0 }
                    qLoss.append(losses)
                    qTotal.append(levelCodes[level].reduce(0) { $0 + losses[Int($1)] })
                }
                cellLoss.append(qLoss)
                levelLoss.append(qTotal)
                hierarchies.append(h)
                codes.append(levelCodes)
                labels.append(levelLabels)
            }
            self.quasiIdentifiers = quasiIdentifiers
            self.sensitiveName = sensitive
            self.rows = table.rowCount
            self.hierarchies = hierarchies
            self.codes = codes
            self.labels = labels
            self.sensitive = sensitiveColumn
            self.cellLoss = cellLoss
            self.levelLoss = levelLoss
        }

        /// The ``KAnonymity/lossMethod`` loss of a node with some rows suppressed.
        func loss(at node: [Int], suppressedRows: [Int]) -> Double {
            guard rows > 0, !node.isEmpty else { return 0 }
            var total = 0.0
            for (q, level) in node.enumerated() {
                total += levelLoss[q][level]
                // A suppressed row's cell costs 1 instead of its generalisation's penalty.
                for r in suppressedRows { total += 1 - cellLoss[q][level][Int(codes[q][level][r])] }
            }
            return total / Double(rows * node.count)
        }

        func classes(at node: [Int]) -> EquivalenceClasses {
            EquivalenceClasses(codes: zip(codes, node).map { $0[$1] }, rows: rows, sensitive: sensitive)
        }

        func summary(levels: [Int], classes: EquivalenceClasses, failing: Set<Int>, requirements: AnonymityRequirements?) -> KAnonymitySummary {
            let kept = classes.classes.enumerated().filter { !failing.contains($0.offset) }.map(\.element)
            let suppressedRows = (0..<rows).filter { failing.contains(Int(classes.classOfRow[$0])) }
            let suppressed = suppressedRows.count
            let hasSensitive = sensitive != nil && !kept.isEmpty
            return KAnonymitySummary(
                quasiIdentifiers: quasiIdentifiers, sensitive: sensitiveName, rows: rows, suppressedRows: suppressed,
                equivalenceClasses: kept.count, kRequired: requirements?.k, kReached: kept.map(\.size).min() ?? 0,
                lRequired: requirements?.l, lReached: hasSensitive ? kept.map(\.distinct).min() : nil,
                entropyLReached: hasSensitive ? kept.map(\.entropyL).min() : nil,
                tRequired: requirements?.t, tReached: hasSensitive ? kept.map(\.emd).max() : nil,
                generalization: Dictionary(uniqueKeysWithValues: zip(quasiIdentifiers, zip(hierarchies, levels).map { $0.levelName($1) })),
                informationLoss: Figure(loss(at: levels, suppressedRows: suppressedRows), KAnonymity.lossMethod))
        }
    }
}

extension AnonymityRequirements: CustomStringConvertible {
    /// `k=5, l=2, t=0.3` and so on.
    public var description: String {
        var parts = ["k=\(k)"]
        if let l { parts.append("l=\(l)") }
        if let entropyL { parts.append("entropy l=\(entropyL)") }
        if let t { parts.append("t=\(t)") }
        return parts.joined(separator: ", ")
    }
}

/// The result of ``KAnonymity/anonymize(_:quasiIdentifiers:sensitive:hierarchies:requirements:)``.
public struct KAnonymization: Sendable {
    /// What was reached, at what loss, for the report.
    public let summary: KAnonymitySummary
    /// The level chosen for each quasi-identifier (0 = unchanged).
    public let levels: [String: Int]
    /// Rows released, in input order (0-based data rows).
    public let releasedRows: [Int]
    /// Rows suppressed, in input order.
    public let suppressedRows: [Int]
    let table: CSVTable
    let problem: KAnonymity.Problem
    let node: [Int]

    /// The released table as CSV: the released rows in input order, quasi-identifiers generalised, other
    /// columns as they were, the dropped columns (direct identifiers) left out.
    ///
    /// - Parameters:
    ///   - dropping: Columns to leave out.
    ///   - transforming: Columns whose values are replaced, e.g. direct identifiers by keyed pseudonyms.
    /// - Throws: ``GreenlightError`` for an unknown column.
    public func csvData(dropping: [String] = [], transforming: [String: @Sendable (String) -> String] = [:]) throws -> Data {
        let dropped = Set(try dropping.map { try table.columnIndex($0) })
        var transform: [Int: @Sendable (String) -> String] = [:]
        for (name, f) in transforming { transform[try table.columnIndex(name)] = f }
        let columns = table.header.indices.filter { !dropped.contains($0) }
        var qiOfColumn: [Int: Int] = [:]
        for (q, name) in problem.quasiIdentifiers.enumerated() { qiOfColumn[try table.columnIndex(name)] = q }
        return table.csvData(rows: releasedRows, columns: columns) { r, c in
            if let f = transform[c] { return f(table.columns[c][r]) }
            guard let q = qiOfColumn[c] else { return table.columns[c][r] }
            let level = node[q]
            return problem.labels[q][level][Int(problem.codes[q][level][r])]
        }
    }
}
