import GreenlightCore

/// What a released table must satisfy, and how many rows may be dropped to get there.
public struct AnonymityRequirements: Sendable, Hashable {
    /// Every equivalence class has at least `k` rows.
    public var k: Int
    /// Distinct l-diversity: every class has at least `l` distinct sensitive values.
    public var l: Int?
    /// Entropy l-diversity: every class's sensitive values have entropy at least ln(`entropyL`).
    public var entropyL: Double?
    /// t-closeness: every class's sensitive distribution is within earth mover's distance `t` of the table's.
    public var t: Double?
    /// The largest fraction of rows that may be suppressed (not released), in [0, 1].
    public var suppressionLimit: Double

    /// Creates requirements.
    ///
    /// - Throws: ``GreenlightError`` when `k` or `l` is below 1, `entropyL` below 1, `t` outside [0, 1] or
    ///   `suppressionLimit` outside [0, 1].
    public init(k: Int, l: Int? = nil, entropyL: Double? = nil, t: Double? = nil, suppressionLimit: Double = 0) throws {
        guard k >= 1 else { throw GreenlightError.invalidInput("k must be at least 1, got \(k)") }
        if let l, l < 1 { throw GreenlightError.invalidInput("l must be at least 1, got \(l)") }
        if let entropyL, !(entropyL >= 1) { throw GreenlightError.invalidInput("entropy l must be at least 1, got \(entropyL)") }
        if let t, !(0...1).contains(t) { throw GreenlightError.invalidInput("t must be in [0, 1], got \(t)") }
        guard (0...1).contains(suppressionLimit) else {
            throw GreenlightError.invalidInput("the suppression limit must be a fraction in [0, 1], got \(suppressionLimit)")
        }
        self.k = k
        self.l = l
        self.entropyL = entropyL
        self.t = t
        self.suppressionLimit = suppressionLimit
    }

    /// Whether an l or t requirement needs a sensitive column.
    var needsSensitive: Bool { l != nil || entropyL != nil || t != nil }
}
