import Foundation

/// Noise samplers for differential privacy, generic over the random number generator.
///
/// Releases use `SystemRandomNumberGenerator` (getrandom(2) on Linux, a cryptographically secure
/// source); tests pass a seeded generator to check the distributions. Samples are IEEE doubles: like most
/// libraries this does not defend against floating-point attacks on the low bits (Mironov 2012).
public enum DPNoise {
    /// A uniform double in [0, 1) from the top 53 bits of one 64-bit draw: every multiple of 2⁻⁵³ equally likely.
    public static func uniform<R: RandomNumberGenerator>(using rng: inout R) -> Double {
        Double(rng.next() >> 11) * 0x1p-53
    }

    /// A Laplace(0, b) sample by the inverse CDF: with u uniform in (−½, ½), x = −b · sgn(u) · ln(1 − 2|u|).
    ///
    /// - Parameter scale: b > 0; the mean absolute deviation is b and the variance 2b².
    public static func laplace<R: RandomNumberGenerator>(scale b: Double, using rng: inout R) -> Double {
        while true {
            let u = uniform(using: &rng) - 0.5
            // u = −½ would give ln 0.
            guard u > -0.5 else { continue }
            let magnitude = -b * log1p(-2 * abs(u))
            return u < 0 ? -magnitude : magnitude
        }
    }

    /// A normal N(0, σ²) sample by Marsaglia's polar method.
    ///
    /// - Parameter sigma: The standard deviation σ > 0.
    public static func gaussian<R: RandomNumberGenerator>(sigma: Double, using rng: inout R) -> Double {
        while true {
            let u = 2 * uniform(using: &rng) - 1, v = 2 * uniform(using: &rng) - 1
            let s = u * u + v * v
            guard s > 0, s < 1 else { continue }
            return sigma * u * (-2 * log(s) / s).squareRoot()
        }
    }
}
