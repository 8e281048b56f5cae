import Foundation
public import GreenlightCore

/// A differentially private aggregate over a table's rows.
///
/// Neighbouring tables differ by adding or removing one row. Sensitivities, with values clamped to
/// [lower, upper]:
/// - count: Δ₁ = Δ₂ = 1;
/// - sum: Δ₁ = Δ₂ = max(|lower|, |upper|), the most one row can add;
/// - mean: a noisy sum over a noisy count, each spending half of ε (and of δ), clamped to [lower, upper]
///   afterwards (post-processing); a noisy count below 1 counts as 1.
public enum DPQuery: Sendable, Hashable, CustomStringConvertible {
    /// The number of rows.
    case count
    /// The sum of a numeric column, clamped.
    case sum(column: String)
    /// The mean of a numeric column, clamped.
    case mean(column: String)

    /// `count`, `sum(bill)`, `mean(bill)`.
    public var description: String {
        switch self {
        case .count: "count"
        case .sum(let c): "sum(\(c))"
        case .mean(let c): "mean(\(c))"
        }
    }

    /// The result of a release: the report entry and notes on how it was made.
    public struct Outcome: Sendable, Hashable {
        /// The release for the report: mechanism, ε, δ, sensitivity, noise scale, noisy value.
        public var release: DPRelease
        /// How the answer was formed, for a person (the budget split of a mean).
        public var notes: [String]
    }

    /// Answers the query with noise.
    ///
    /// - Parameters:
    ///   - table: The data.
    ///   - bounds: The clamping bounds, required for sum and mean.
    ///   - mechanism: Laplace or Gaussian, with the ε and δ this release spends.
    ///   - rng: The noise source: `SystemRandomNumberGenerator` for real releases.
    /// - Returns: The release.
    /// - Throws: ``GreenlightError`` for missing or inverted bounds, an unknown column, or a value that is not
    ///   a number (with its line).
    public func release<R: RandomNumberGenerator>(
        on table: CSVTable, bounds: ClosedRange<Double>?, mechanism: DPMechanism, using rng: inout R
    ) throws -> Outcome {
        let mode = mechanism.kind.rawValue
        switch self {
        case .count:
            let value = Double(table.rowCount) + mechanism.noise(sensitivity: 1, using: &rng)
            return Outcome(release: DPRelease(
                query: description, mechanism: mode, epsilon: mechanism.epsilon, delta: mechanism.delta,
                sensitivity: 1, noiseScale: mechanism.noiseScale(sensitivity: 1), value: value), notes: [])
        case .sum(let column), .mean(let column):
            guard let bounds else {
                throw GreenlightError.invalidInput("\(description) needs clamping bounds: a lower and an upper bound")
            }
            guard bounds.lowerBound.isFinite, bounds.upperBound.isFinite else {
                throw GreenlightError.invalidInput("clamping bounds must be finite numbers")
            }
            let sum = try Self.clampedSum(table, column: column, bounds: bounds)
            let delta = max(abs(bounds.lowerBound), abs(bounds.upperBound))
            if case .sum = self {
                return Outcome(release: DPRelease(
                    query: description, mechanism: mode, epsilon: mechanism.epsilon, delta: mechanism.delta,
                    sensitivity: delta, noiseScale: mechanism.noiseScale(sensitivity: delta),
                    value: sum + mechanism.noise(sensitivity: delta, using: &rng)), notes: [])
            }
            let half = mechanism.scaled(by: 0.5)
            let noisySum = sum + half.noise(sensitivity: delta, using: &rng)
            let noisyCount = Double(table.rowCount) + half.noise(sensitivity: 1, using: &rng)
            let mean = min(max(noisySum / max(noisyCount, 1), bounds.lowerBound), bounds.upperBound)
            let g = { (x: Double) in String(format: "%g", x) }
            let note = "\(description) = noisy sum / noisy count, each with half the budget "
                + "(ε = \(g(half.epsilon)), δ = \(g(half.delta))): sum sensitivity \(g(delta)), noise scale \(g(half.noiseScale(sensitivity: delta))); "
                + "count sensitivity 1, noise scale \(g(half.noiseScale(sensitivity: 1))); result clamped to [\(g(bounds.lowerBound)), \(g(bounds.upperBound))]"
            return Outcome(release: DPRelease(
                query: description, mechanism: mode, epsilon: mechanism.epsilon, delta: mechanism.delta,
                sensitivity: delta, noiseScale: half.noiseScale(sensitivity: delta), value: mean), notes: [note])
        }
    }

    /// Clamping bounds from optional command-line values.
    ///
    /// - Returns: `nil` when neither is given.
    /// - Throws: ``GreenlightError`` when only one is given, either is not finite, or lower > upper.
    public static func bounds(lower: Double?, upper: Double?) throws -> ClosedRange<Double>? {
        switch (lower, upper) {
        case (nil, nil): return nil
        case (let l?, let u?):
            guard l.isFinite, u.isFinite, l <= u else {
                throw GreenlightError.invalidInput("clamping bounds must be finite with lower ≤ upper, got [\(l), \(u)]")
            }
            return l...u
        default: throw GreenlightError.invalidInput("give both clamping bounds, the lower and the upper")
        }
    }

    static func clampedSum(_ table: CSVTable, column: String, bounds: ClosedRange<Double>) throws -> Double {
        let c = try table.columnIndex(column)
        var sum = 0.0
        for (r, text) in table.columns[c].enumerated() {
            guard let x = Double(text.trimmingCharacters(in: .whitespaces)), !x.isNaN else {
                throw GreenlightError.invalidInput("line \(table.line(ofRow: r)): column \(column): '\(text)' is not a number")
            }
            sum += min(max(x, bounds.lowerBound), bounds.upperBound)
        }
        return sum
    }
}
