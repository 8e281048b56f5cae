import ArgumentParser
import GreenlightCore

/// Refuses a non-finite or out-of-range number for `flag` before any conversion can trap on it.
///
/// - Throws: `ValidationError` (exit 64) naming the flag, the value and the accepted range.
func checkRange(_ flag: String, _ value: Double, _ range: ClosedRange<Double>, unit: String) throws {
    guard value.isFinite, range.contains(value) else {
        let u = unit.isEmpty ? "" : " \(unit)"
        throw ValidationError("\(flag) must be a number from \(Format.number(range.lowerBound)) to \(Format.number(range.upperBound))\(u), got \(value)")
    }
}

/// Refuses an integer outside `range` for `flag`.
func checkRange(_ flag: String, _ value: Int, _ range: ClosedRange<Int>) throws {
    guard range.contains(value) else {
        throw ValidationError("\(flag) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(value)")
    }
}
