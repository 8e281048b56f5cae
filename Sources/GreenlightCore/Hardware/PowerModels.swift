/// The linear CPU power model `tdp-linear-v1`, used when no energy counter can be read.
///
/// P(u) = TDP × (0.1 + 0.9 × u), with u the CPU utilisation clamped to 0…1.
///
/// - At u = 0 the model gives the idle floor, 10 % of TDP (CodeCarbon's floor for its TDP-based CPU model).
/// - At u = 1 it gives the TDP, the power the vendor rates the package to dissipate under sustained load.
/// - In between, power rises linearly with utilisation.
///
/// TDP is a thermal rating, not a measurement: real packages can exceed it for short boosts and draw less
/// under light vector load, so the model gives an estimate labelled `estimated:tdp-linear-v1`. Greenlight's
/// estimates (`greenlight estimate`) apply the same model to GPUs and other devices with their board power.
public enum CPUPowerModel {
    /// The method identifier, `tdp-linear-v1`.
    public static let methodID = "tdp-linear-v1"
    /// The fraction of TDP drawn at zero utilisation.
    public static let idleFraction = 0.1
    /// The TDPs a user may give, in watts: a milliwatt to 10 kW.
    public static let tdpRange: ClosedRange<Double> = 0.001...10_000

    /// Power at a utilisation: TDP × (0.1 + 0.9 × u), u clamped to 0…1 (NaN counts as 0).
    ///
    /// - Parameters:
    ///   - tdp: The thermal design power of the package (or board power of a device).
    ///   - utilization: Mean utilisation over the interval, 0…1.
    /// - Returns: The estimated mean power.
    public static func power(tdp: Power, utilization: Double) -> Power {
        let u = utilization.isNaN ? 0 : min(max(utilization, 0), 1)
        return tdp * (idleFraction + (1 - idleFraction) * u)
    }

    /// The idle floor, 0.1 × TDP: the model's power at zero utilisation.
    public static func idlePower(tdp: Power) -> Power {
        tdp * idleFraction
    }

    /// `Method(.estimated, "tdp-linear-v1", detail: …)` naming the TDP and its origin.
    public static func method(tdp: Power, tdpSource: String) -> Method {
        Method(.estimated, methodID, detail: "TDP \(tdp) (\(tdpSource)) × (0.1 + 0.9 × utilisation)")
    }
}

/// The memory power model `ram-0.375w-per-gb`, used when DRAM energy cannot be read.
///
/// P = 0.375 W per GiB of memory: 3 W per 8 GB of DDR3/DDR4, the rule CodeCarbon used up to version 2
/// (citing Crucial's "How much power does memory use?"). As in CodeCarbon, a "GB" here is 2^30 bytes.
/// The power does not depend on how much memory is in use: DRAM is refreshed whether or not it holds data.
/// CodeCarbon 3 replaced the rule with a per-DIMM estimate that needs the module count, which Linux does not
/// expose to unprivileged users.
public enum RAMPowerModel {
    /// The method identifier, `ram-0.375w-per-gb`.
    public static let methodID = "ram-0.375w-per-gb"
    /// Watts per GiB.
    public static let wattsPerGiB = 0.375

    /// Power of `memoryBytes` of DRAM: 0.375 W × bytes / 2^30.
    public static func power(memoryBytes: UInt64) -> Power {
        Power(watts: wattsPerGiB * Double(memoryBytes) / 1_073_741_824)
    }

    /// `Method(.estimated, "ram-0.375w-per-gb", detail: …)`.
    public static let method = Method(.estimated, methodID, detail: "3 W per 8 GB of memory (CodeCarbon v2 rule, after Crucial)")
}
