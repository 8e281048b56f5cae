public import GreenlightCore

/// Pruning: unstructured magnitude pruning (per tensor or with one global threshold) and 2:4
/// semi-structured pruning, plus a checker for the 2:4 pattern.
public enum Pruning: Sendable, Hashable {
    /// Zero the `sparsity` fraction of smallest-magnitude weights of each tensor.
    case magnitude(sparsity: Double)
    /// Zero the `sparsity` fraction of smallest-magnitude weights over all pruned tensors together.
    case globalMagnitude(sparsity: Double)
    /// In every group of 4 consecutive weights of a row, zero the 2 of smallest magnitude (NVIDIA's 2:4).
    case twoFour

    /// The sparsity asked for.
    public var targetSparsity: Double {
        switch self {
        case .magnitude(let s), .globalMagnitude(let s): s
        case .twoFour: 0.5
        }
    }

    /// The report's description.
    public var info: PruningInfo {
        switch self {
        case .magnitude(let s): PruningInfo(method: "magnitude", scope: "per-tensor", targetSparsity: s)
        case .globalMagnitude(let s): PruningInfo(method: "magnitude", scope: "global", targetSparsity: s)
        case .twoFour: PruningInfo(method: "2:4", scope: nil, targetSparsity: 0.5)
        }
    }

    /// Whether a tensor is pruned: 2-D-or-more weights that llama-quantize would quantize, except embedding
    /// tables (a lookup, not a matrix product: zeroing them removes tokens, not compute).
    public static func isPrunable(name: String, dimensions: Int) -> Bool {
        TypePolicy.isQuantizable(name: name, dimensions: dimensions) && !name.contains("embd") && !name.contains("embed")
    }
}

/// The k-th smallest magnitude of many values, found exactly in two passes over the data with 2 × 65,536
/// counters instead of a sorted copy: |x| as IEEE-754 bits orders like |x| itself, so a histogram of the high
/// 16 bits finds the bucket holding the k-th value and a histogram of the low 16 bits inside it finds the value.
public struct MagnitudeThreshold: Sendable {
    private var high = [Int](repeating: 0, count: 65_536)
    private var low = [Int](repeating: 0, count: 65_536)
    private var bucket: UInt32 = 0
    private var below = 0
    /// Values counted by pass 1.
    public private(set) var count = 0

    /// Creates an empty histogram.
    public init() {}

    /// Pass 1: count the high halves of |x|.
    public mutating func countHigh(_ values: UnsafeBufferPointer<Float>) {
        high.withUnsafeMutableBufferPointer { h in
            for v in values { h[Int((v.bitPattern & 0x7fff_ffff) >> 16)] += 1 }
        }
        count += values.count
    }

    /// Ends pass 1 for the `k`-th smallest (0-based); returns false when k is out of range.
    public mutating func selectBucket(k: Int) -> Bool {
        guard k >= 0, k < count else { return false }
        var seen = 0
        for (b, n) in high.enumerated() where n > 0 {
            if seen + n > k {
                bucket = UInt32(b)
                below = seen
                return true
            }
            seen += n
        }
        return false
    }

    /// Pass 2: count the low halves of the values in the chosen bucket.
    public mutating func countLow(_ values: UnsafeBufferPointer<Float>) {
        let b = bucket
        low.withUnsafeMutableBufferPointer { l in
            for v in values {
                let bits = v.bitPattern & 0x7fff_ffff
                if bits >> 16 == b { l[Int(bits & 0xffff)] += 1 }
            }
        }
    }

    /// The k-th smallest |x| as bits, and how many values equal to it are among the k+1 smallest (ties at the
    /// threshold are pruned in order of appearance so that exactly k+1 values go).
    public func result(k: Int) -> (bits: UInt32, tiesToPrune: Int) {
        var seen = below
        for (lo, n) in low.enumerated() where n > 0 {
            if seen + n > k { return (bucket << 16 | UInt32(lo), k - seen + 1) }
            seen += n
        }
        return (bucket << 16 | 0xffff, 0)
    }
}

/// The pruning kernels.
public enum Pruner {
    /// Zeroes every value whose magnitude is below the threshold, and the first `ties` values equal to it.
    ///
    /// - Returns: how many ties were used (pass the rest on to the next tensor for a global threshold).
    @discardableResult
    public static func apply(threshold bits: UInt32, ties: Int, to values: UnsafeMutableBufferPointer<Float>) -> Int {
        var left = ties
        for i in values.indices {
            let m = values[i].bitPattern & 0x7fff_ffff
            if m < bits {
                values[i] = 0
            } else if m == bits, left > 0 {
                values[i] = 0
                left -= 1
            }
        }
        return ties - left
    }

    /// Magnitude pruning of one tensor: exactly ⌊sparsity × n⌋ values become zero (ties broken by position).
    public static func magnitude(_ values: UnsafeMutableBufferPointer<Float>, sparsity: Double) {
        let k = Int((sparsity * Double(values.count)).rounded(.down))
        guard k > 0 else { return }
        var t = MagnitudeThreshold()
        t.countHigh(UnsafeBufferPointer(values))
        guard t.selectBucket(k: k - 1) else { return }
        t.countLow(UnsafeBufferPointer(values))
        let (bits, ties) = t.result(k: k - 1)
        apply(threshold: bits, ties: ties, to: values)
    }

    /// 2:4 pruning: in each group of four consecutive values of a row, the two smallest in magnitude become
    /// zero (on ties the earlier one is kept).
    ///
    /// - Throws: ``GreenlightError`` when `rowLength` is not a multiple of 4 or does not divide the count.
    public static func twoFour(_ values: UnsafeMutableBufferPointer<Float>, rowLength: Int) throws {
        guard rowLength > 0, rowLength % 4 == 0, values.count % rowLength == 0 else {
            throw GreenlightError.invalidInput("2:4 pruning needs rows whose length is a multiple of 4, not \(rowLength)")
        }
        var g = 0
        while g < values.count {
            let m0 = values[g].magnitude, m1 = values[g + 1].magnitude
            let m2 = values[g + 2].magnitude, m3 = values[g + 3].magnitude
            // Rank within the group: i outranks j when larger, or equal and earlier (so earlier ties are kept).
            let r0 = (m0 >= m1 ? 1 : 0) + (m0 >= m2 ? 1 : 0) + (m0 >= m3 ? 1 : 0)
            let r1 = (m1 > m0 ? 1 : 0) + (m1 >= m2 ? 1 : 0) + (m1 >= m3 ? 1 : 0)
            let r2 = (m2 > m0 ? 1 : 0) + (m2 > m1 ? 1 : 0) + (m2 >= m3 ? 1 : 0)
            let r3 = (m3 > m0 ? 1 : 0) + (m3 > m1 ? 1 : 0) + (m3 > m2 ? 1 : 0)
            if r0 < 2 { values[g] = 0 }
            if r1 < 2 { values[g + 1] = 0 }
            if r2 < 2 { values[g + 2] = 0 }
            if r3 < 2 { values[g + 3] = 0 }
            g += 4
        }
    }

    /// Checks the 2:4 pattern: every group of four consecutive values in a row has at least two zeros.
    ///
    /// - Returns: the number of groups and of groups that break the pattern; `nil` when the row length is
    ///   not a multiple of 4.
    public static func checkTwoFour(_ values: UnsafeBufferPointer<Float>, rowLength: Int) -> (groups: Int, violations: Int)? {
        guard rowLength > 0, rowLength % 4 == 0, values.count % rowLength == 0 else { return nil }
        var violations = 0
        var g = 0
        while g < values.count {
            var zeros = 0
            for i in g..<(g + 4) where values[i] == 0 { zeros += 1 }
            if zeros < 2 { violations += 1 }
            g += 4
        }
        return (values.count / 4, violations)
    }

    /// The fraction of exact zeros.
    public static func sparsity(_ values: UnsafeBufferPointer<Float>) -> Double {
        guard !values.isEmpty else { return 0 }
        var zeros = 0
        for v in values where v == 0 { zeros += 1 }
        return Double(zeros) / Double(values.count)
    }
}
