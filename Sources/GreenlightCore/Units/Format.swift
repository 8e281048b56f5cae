import Foundation

/// Human-readable formatting of quantities with sensible prefixes.
public enum Format {
    /// A number with about four significant digits, without exponent notation for everyday values.
    public static func number(_ x: Double, significant: Int = 4) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        if x == 0 { return "0" }
        let magnitude = abs(x)
        if magnitude >= 1e9 || magnitude < 1e-4 {
            return String(format: "%.\(max(significant - 1, 0))e", x)
        }
        let digitsBefore = Int((magnitude).log10Floor) + 1
        let decimals = max(0, significant - digitsBefore)
        var s = String(format: "%.\(decimals)f", x)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// Energy in J, kJ, Wh or kWh, whichever reads best, e.g. `12.3 J`, `1.25 Wh`, `3.4 kWh`.
    public static func energy(_ e: Energy) -> String {
        let j = abs(e.joules)
        if j < 3600 { return "\(number(e.joules)) J" }
        if j < 3.6e6 { return "\(number(e.wattHours)) Wh" }
        if j < 3.6e9 { return "\(number(e.kilowattHours)) kWh" }
        return "\(number(e.kilowattHours / 1000)) MWh"
    }

    /// Power in mW, W or kW.
    public static func power(_ p: Power) -> String {
        let w = abs(p.watts)
        if w < 1 && w > 0 { return "\(number(p.watts * 1000)) mW" }
        if w < 10_000 { return "\(number(p.watts)) W" }
        return "\(number(p.kilowatts)) kW"
    }

    /// Carbon in mg, g, kg or t CO2e.
    public static func carbon(_ m: CarbonMass) -> String {
        let g = abs(m.grams)
        if g < 1 && g > 0 { return "\(number(m.grams * 1000)) mgCO2e" }
        if g < 1000 { return "\(number(m.grams)) gCO2e" }
        if g < 1e6 { return "\(number(m.kilograms)) kgCO2e" }
        return "\(number(m.grams / 1e6)) tCO2e"
    }

    /// A duration as `1.23 s`, `12 min 3 s` or `5 h 2 min`; beyond a million hours (or not finite, from a
    /// hand-edited report) as a plain number of hours or seconds, since whole minutes would overflow `Int`.
    public static func duration(_ d: Duration) -> String {
        let s = d.seconds
        guard s.isFinite else { return "\(number(s)) s" }
        if s < 60 { return "\(number(s)) s" }
        if s < 3600 { return "\(Int(s) / 60) min \(Int(s) % 60) s" }
        if s >= 3.6e9 { return "\(number(s / 3600)) h" }
        return "\(Int(s) / 3600) h \((Int(s) % 3600) / 60) min"
    }

    /// Bytes as B, KiB, MiB or GiB.
    public static func bytes(_ b: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = b
        var i = 0
        while abs(v) >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
        return "\(number(v)) \(units[i])"
    }
}

extension Double {
    fileprivate var log10Floor: Double { Foundation.log10(self).rounded(.down) }
}
