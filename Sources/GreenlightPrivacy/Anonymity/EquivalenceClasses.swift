import Foundation
import GreenlightCore

/// The statistics of one equivalence class: its size and how its sensitive values are spread.
struct ClassStatistics: Sendable, Hashable {
    var size: Int
    /// Distinct sensitive values.
    var distinct: Int
    /// exp(entropy) of the sensitive values, natural logarithms.
    var entropyL: Double
    /// Earth mover's distance between the class's and the table's sensitive distribution.
    var emd: Double
}

/// The sensitive column coded as dense ids, with the table's distribution and the ground distance.
struct SensitiveColumn: Sendable {
    /// Id of each row's value; ids follow numeric order when ``ordered``.
    var ids: [Int32]
    /// The values, by id.
    var values: [String]
    /// Whether values are numbers, compared with the ordered distance (else the equal distance).
    var ordered: Bool
    /// The table's distribution, by id.
    var q: [Double]
    /// Prefix sums for the ordered distance: `cumQ[i] = q[0] + … + q[i]`, `sumCumQ[i] = cumQ[0] + … + cumQ[i-1]`.
    var cumQ: [Double]
    var sumCumQ: [Double]

    init(_ column: [String]) {
        let distinct = Array(Set(column))
        let numbers = distinct.map { Double($0.trimmingCharacters(in: .whitespaces)) }
        ordered = !distinct.isEmpty && numbers.allSatisfy { $0?.isFinite == true }
        if ordered {
            // Sort by value; ties between spellings of one number ("5", "5.0") by text, to stay deterministic.
            values = zip(distinct, numbers).sorted { ($0.1!, $0.0) < ($1.1!, $1.0) }.map(\.0)
        } else {
            values = distinct.sorted()
        }
        let index = Dictionary(uniqueKeysWithValues: values.enumerated().map { ($1, Int32($0)) })
        ids = column.map { index[$0]! }
        var counts = [Double](repeating: 0, count: values.count)
        for id in ids { counts[Int(id)] += 1 }
        let n = Double(max(column.count, 1))
        q = counts.map { $0 / n }
        cumQ = []
        cumQ.reserveCapacity(q.count)
        var running = 0.0
        for x in q { running += x; cumQ.append(running) }
        sumCumQ = [0]
        for x in cumQ { sumCumQ.append(sumCumQ[sumCumQ.count - 1] + x) }
    }

    /// Statistics of a class from its sensitive-value counts (id, count), ids ascending.
    func statistics(counts: [(id: Int, count: Int)], size: Int) -> ClassStatistics {
        let n = Double(size)
        var entropy = 0.0
        for (_, c) in counts {
            let p = Double(c) / n
            entropy -= p * log(p)
        }
        return ClassStatistics(size: size, distinct: counts.count, entropyL: exp(entropy), emd: emd(counts: counts, size: n))
    }

    /// Li et al. 2007: equal distance, EMD = ½ Σ|pᵢ − qᵢ|; ordered distance, EMD = Σᵢ |Σⱼ≤ᵢ (pⱼ − qⱼ)| / (m − 1).
    func emd(counts: [(id: Int, count: Int)], size n: Double) -> Double {
        let m = values.count
        guard m > 1 else { return 0 }
        if !ordered {
            // Values absent from the class contribute their whole q: ½(Σ_in |p − q| + 1 − Σ_in q).
            var inside = 0.0, qInside = 0.0
            for (id, c) in counts {
                inside += abs(Double(c) / n - q[id])
                qInside += q[id]
            }
            return 0.5 * (inside + max(0, 1 - qInside))
        }
        // The class's cumulative P is constant between its values; over each such run of indices
        // Σ|P − cumQᵢ| splits where the non-decreasing cumQ crosses P, found by binary search.
        var total = 0.0, P = 0.0, start = 0
        for (id, c) in counts {
            total += runSum(P, from: start, to: id)
            P += Double(c) / n
            start = id
        }
        total += runSum(P, from: start, to: m)
        return total / Double(m - 1)
    }

    /// Σ over i in [a, b) of |P − cumQ[i]|.
    private func runSum(_ P: Double, from a: Int, to b: Int) -> Double {
        guard a < b else { return 0 }
        var lo = a, hi = b
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumQ[mid] < P { lo = mid + 1 } else { hi = mid }
        }
        let s = lo
        let below = P * Double(s - a) - (sumCumQ[s] - sumCumQ[a])
        let above = (sumCumQ[b] - sumCumQ[s]) - P * Double(b - s)
        return below + above
    }
}

/// Rows grouped by their quasi-identifier values at one generalisation node.
struct EquivalenceClasses: Sendable {
    /// Each row's class.
    var classOfRow: [Int32]
    /// Statistics per class; `emd`, `distinct` and `entropyL` are 0 without a sensitive column.
    var classes: [ClassStatistics]

    /// Groups rows whose coded values agree in every column.
    ///
    /// - Parameters:
    ///   - codes: One array per quasi-identifier: each row's value id at the chosen level.
    ///   - sensitive: The sensitive column, if measured.
    init(codes: [[Int32]], rows: Int, sensitive: SensitiveColumn?) {
        // Fold columns in one at a time, renumbering (class so far, next value) pairs densely, so keys
        // stay below rows² however many columns there are.
        var classOf = [Int32](repeating: 0, count: rows)
        var classCount = rows > 0 ? 1 : 0
        for column in codes {
            var remap: [Int: Int32] = [:]
            remap.reserveCapacity(min(rows, classCount * 4))
            let stride = rows + 1
            for r in 0..<rows {
                let key = Int(classOf[r]) * stride + Int(column[r])
                if let id = remap[key] {
                    classOf[r] = id
                } else {
                    let id = Int32(remap.count)
                    remap[key] = id
                    classOf[r] = id
                }
            }
            classCount = remap.count
        }
        classOfRow = classOf
        var sizes = [Int](repeating: 0, count: classCount)
        for c in classOf { sizes[Int(c)] += 1 }
        guard let sensitive else {
            classes = sizes.map { ClassStatistics(size: $0, distinct: 0, entropyL: 0, emd: 0) }
            return
        }
        // Rows ordered by class (counting sort), then each class's sensitive counts from a scratch array.
        var start = [Int](repeating: 0, count: classCount + 1)
        for c in 0..<classCount { start[c + 1] = start[c] + sizes[c] }
        var fill = start
        var order = [Int](repeating: 0, count: rows)
        for r in 0..<rows {
            let c = Int(classOf[r])
            order[fill[c]] = r
            fill[c] += 1
        }
        var scratch = [Int](repeating: 0, count: sensitive.values.count)
        var stats: [ClassStatistics] = []
        stats.reserveCapacity(classCount)
        for c in 0..<classCount {
            var touched: [Int] = []
            for i in start[c]..<start[c + 1] {
                let id = Int(sensitive.ids[order[i]])
                if scratch[id] == 0 { touched.append(id) }
                scratch[id] += 1
            }
            touched.sort()
            let counts = touched.map { (id: $0, count: scratch[$0]) }
            for id in touched { scratch[id] = 0 }
            stats.append(sensitive.statistics(counts: counts, size: sizes[c]))
        }
        classes = stats
    }
}
