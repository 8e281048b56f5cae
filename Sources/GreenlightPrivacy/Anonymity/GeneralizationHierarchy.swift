import Foundation
import GreenlightCore

/// How the values of one quasi-identifier are coarsened, level by level, up to `*`.
///
/// Level 0 is the value as it is; level ``height`` is `*` (or the root of a category tree). Every value of
/// a level maps to exactly one value of the next, so a higher level never separates rows a lower one merged.
public struct GeneralizationHierarchy: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// `YYYY-MM-DD` → `YYYY-MM` → `YYYY` → `YYY0-YYY9` → `*`.
        case date
        /// Digit strings → shorter prefixes padded with `*` → `*`.
        case zip(digits: Int)
        /// Numbers → aligned ranges `[lo, lo+w)`, one width per level → `*`.
        case numeric(widths: [Double])
        /// Values → their ancestors in a tree, leaf first (`paths[value] = [value, parent, …, root]`).
        case categories(paths: [String: [String]], height: Int)
    }

    let kind: Kind

    /// Dates `YYYY-MM-DD` generalised to month, year, decade, then `*` (height 4).
    public static let date = GeneralizationHierarchy(kind: .date)

    /// Zip codes generalised to ever shorter prefixes: with 5 digits, `47825` → `4782*` → `478**` → `47***`
    /// → `4****` → `*` (height 5).
    ///
    /// - Parameter digits: The length of the codes, the number of prefix levels.
    public static func zip(digits: Int = 5) -> GeneralizationHierarchy { .init(kind: .zip(digits: max(1, digits))) }

    /// Numbers generalised to ranges `[lo, lo + w)` with `lo` a multiple of `w`, one width per level, then `*`.
    ///
    /// - Parameter widths: Range widths, smallest first; each should be a multiple of the one before so
    ///   that the ranges nest.
    /// - Throws: ``GreenlightError`` when a width is not positive or the widths do not grow.
    public static func numeric(widths: [Double]) throws -> GeneralizationHierarchy {
        guard !widths.isEmpty, widths.allSatisfy({ $0 > 0 && $0.isFinite }),
              Swift.zip(widths, widths.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw GreenlightError.invalidInput("numeric hierarchy widths must be positive and increasing, got \(widths)")
        }
        return .init(kind: .numeric(widths: widths))
    }

    /// Numbers generalised to ranges whose widths double from a round base (1, 2 or 5 × 10ⁿ, about 1/32 of the
    /// values' span) until one range spans them all.
    public static func numeric(fitting values: [Double]) -> GeneralizationHierarchy {
        let finite = values.filter(\.isFinite)
        let span = (finite.max() ?? 1) - (finite.min() ?? 0)
        let target = max(span / 32, 1e-9)
        let decade = pow(10, (log10(target)).rounded(.down))
        let base = [1.0, 2, 5, 10].map { $0 * decade }.first { $0 >= target } ?? 10 * decade
        var widths = [base]
        while widths.count < 12, widths[widths.count - 1] < span { widths.append(widths[widths.count - 1] * 2) }
        return .init(kind: .numeric(widths: widths))
    }

    /// Categories generalised along a tree of the user's: each value climbs one level towards the root per
    /// level, staying at the root once there.
    ///
    /// - Parameter paths: For each leaf value, its ancestors from its parent up to the root.
    /// - Throws: ``GreenlightError`` when the tree is empty.
    public static func categories(ancestors paths: [String: [String]]) throws -> GeneralizationHierarchy {
        let height = paths.values.map(\.count).max() ?? 0
        guard height > 0 else { throw GreenlightError.invalidInput("a category hierarchy needs at least one level above its values") }
        return .init(kind: .categories(paths: paths, height: height))
    }

    /// Every value to `*` in one step (height 1): the default for categories without a tree.
    public static let suppressOnly = GeneralizationHierarchy(kind: .categories(paths: [:], height: 1))

    /// The number of levels above the original values.
    public var height: Int {
        switch kind {
        case .date: 4
        case .zip(let digits): digits
        case .numeric(let widths): widths.count + 1
        case .categories(_, let height): height
        }
    }

    /// A short description of a level, e.g. `year` or `3-digit prefix`.
    public func levelName(_ level: Int) -> String {
        if level == 0 { return "none" }
        switch kind {
        case .date:
            return ["none", "month", "year", "decade", "*"][min(level, 4)]
        case .zip(let digits):
            return level >= digits ? "*" : "\(digits - level)-digit prefix"
        case .numeric(let widths):
            return level > widths.count ? "*" : "ranges of width \(Self.format(widths[level - 1]))"
        case .categories(_, let height):
            return level >= height && self == .suppressOnly ? "*" : "hierarchy level \(level) of \(height)"
        }
    }

    /// Generalises one value to a level.
    ///
    /// - Throws: ``GreenlightError`` when the value does not fit the hierarchy (not a date, not a number, not
    ///   in the category tree); the caller adds where it was.
    public func generalize(_ value: String, level: Int) throws -> String {
        if level <= 0 { return value }
        switch kind {
        case .date:
            let u = Array(value.utf8)
            let digitsAt = [0, 1, 2, 3, 5, 6, 8, 9]
            guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
                  digitsAt.allSatisfy({ u[$0] >= 0x30 && u[$0] <= 0x39 }) else {
                throw GreenlightError.invalidInput("'\(value)' is not a date YYYY-MM-DD")
            }
            switch level {
            case 1: return String(value.prefix(7))
            case 2: return String(value.prefix(4))
            case 3: let d = String(value.prefix(3)); return "\(d)0-\(d)9"
            default: return "*"
            }
        case .zip(let digits):
            if level >= digits { return "*" }
            let keep = value.count - level
            return keep <= 0 ? "*" : String(value.prefix(keep)) + String(repeating: "*", count: level)
        case .numeric(let widths):
            if level > widths.count { return "*" }
            guard let x = Double(value.trimmingCharacters(in: .whitespaces)), x.isFinite else {
                throw GreenlightError.invalidInput("'\(value)' is not a number")
            }
            let w = widths[level - 1]
            let lo = (x / w).rounded(.down) * w
            return "[\(Self.format(lo)), \(Self.format(lo + w)))"
        case .categories(let paths, _):
            if paths.isEmpty { return "*" }
            guard let up = paths[value] else {
                throw GreenlightError.invalidInput("'\(value)' is not in the category hierarchy")
            }
            return up[min(level, up.count) - 1]
        }
    }

    static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}
