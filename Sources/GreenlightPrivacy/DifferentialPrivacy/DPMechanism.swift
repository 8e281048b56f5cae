import Foundation
import GreenlightCore

/// A noise-adding mechanism and its privacy parameters.
///
/// - Laplace: ε-DP with noise Laplace(0, b), b = Δ₁ / ε.
/// - Gaussian: (ε, δ)-DP with noise N(0, σ²), σ = Δ₂ · √(2 ln(1.25 / δ)) / ε, the classic bound of Dwork and
///   Roth (2014, Theorem A.1), valid for 0 < ε < 1.
public struct DPMechanism: Sendable, Hashable {
    /// `laplace` or `gaussian`.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case laplace
        case gaussian
    }

    /// The mechanism.
    public let kind: Kind
    /// ε > 0.
    public let epsilon: Double
    /// δ: 0 for Laplace, in (0, 1) for Gaussian.
    public let delta: Double

    /// The Laplace mechanism.
    ///
    /// - Throws: ``GreenlightError`` unless ε is positive and finite.
    public static func laplace(epsilon: Double) throws -> DPMechanism {
        guard epsilon > 0, epsilon.isFinite else { throw GreenlightError.invalidInput("ε must be a positive number, got \(epsilon)") }
        return DPMechanism(kind: .laplace, epsilon: epsilon, delta: 0)
    }

    /// The Gaussian mechanism.
    ///
    /// - Throws: ``GreenlightError`` unless 0 < ε < 1 (where the classic bound holds) and 0 < δ < 1.
    public static func gaussian(epsilon: Double, delta: Double) throws -> DPMechanism {
        guard epsilon > 0, epsilon < 1 else {
            throw GreenlightError.invalidInput("the Gaussian mechanism's classic bound needs 0 < ε < 1, got ε = \(epsilon)")
        }
        guard delta > 0, delta < 1 else { throw GreenlightError.invalidInput("the Gaussian mechanism needs 0 < δ < 1, got δ = \(delta)") }
        return DPMechanism(kind: .gaussian, epsilon: epsilon, delta: delta)
    }

    /// The same mechanism with ε and δ multiplied by `fraction`, for splitting a budget.
    func scaled(by fraction: Double) -> DPMechanism {
        DPMechanism(kind: kind, epsilon: epsilon * fraction, delta: delta * fraction)
    }

    /// The noise scale for a sensitivity: b = Δ / ε for Laplace, σ = Δ · √(2 ln(1.25/δ)) / ε for Gaussian.
    ///
    /// - Parameter sensitivity: Δ₁ for Laplace, Δ₂ for Gaussian.
    public func noiseScale(sensitivity: Double) -> Double {
        switch kind {
        case .laplace: sensitivity / epsilon
        case .gaussian: sensitivity * (2 * log(1.25 / delta)).squareRoot() / epsilon
        }
    }

    /// One noise sample for a sensitivity.
    public func noise<R: RandomNumberGenerator>(sensitivity: Double, using rng: inout R) -> Double {
        let scale = noiseScale(sensitivity: sensitivity)
        guard scale > 0 else { return 0 }
        switch kind {
        case .laplace: return DPNoise.laplace(scale: scale, using: &rng)
        case .gaussian: return DPNoise.gaussian(sigma: scale, using: &rng)
        }
    }
}
