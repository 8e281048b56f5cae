import Foundation
public import GreenlightCore

/// Everything a measurement needs to know besides the workload itself.
///
/// Defaults are the documented ones (`greenlight run --help`); each default that changes a figure
/// (PUE, location) is also recorded as a note in the report.
public struct MeterConfiguration: Sendable {
    /// Time between samples. Default 0.1 s; at least 0.01 s.
    public var interval: Duration = .milliseconds(100)
    /// Which RAPL domains to read.
    public var rapl: RAPLSelection = .packages
    /// Whether to try RAPL at all.
    public var enableRAPL = true
    /// Whether to try NVML at all.
    public var enableNVML = true
    /// A CPU TDP that overrides the bundled table (`--cpu-tdp`).
    public var cpuTDP: Power?
    /// Power usage effectiveness of the facility; `nil` means the default 1.0, stated in the report.
    public var pue: Double?
    /// Where the electricity was consumed.
    public var location: LocationQuery = .none
    /// Embodied carbon of the hardware, for SCI's `M`.
    public var embodied: EmbodiedInput?
    /// The functional unit, for SCI's `R`.
    public var functionalUnit: FunctionalUnit?
    /// What the measured work is (stage, model, task, tags), copied into the report's `context`.
    public var context: ReportContext?
    /// The powercap sysfs root (tests point it at fixtures).
    public var powercapRoot = "/sys/class/powercap"
    /// The procfs root.
    public var procRoot = "/proc"
    /// The NVML library to dlopen.
    public var nvmlLibrary = "libnvidia-ml.so.1"
    /// The environment consulted for `CUDA_VISIBLE_DEVICES`.
    public var environment: [String: String] = ProcessInfo.processInfo.environment

    /// The accepted sampling intervals in seconds: 0.01 s to one hour.
    public static let intervalRange: ClosedRange<Double> = 0.01...3600

    /// Creates the default configuration.
    public init() {}

    /// Checks the values a user can set.
    ///
    /// - Throws: ``GreenlightError/Code/invalidArgument`` with the ``GreenlightError/parameter`` (`interval`,
    ///   `pue`, `cpuTDP`) and the accepted range.
    public func validate() throws {
        guard interval >= .milliseconds(10), interval <= .seconds(3600) else {
            throw GreenlightError.invalidArgument(
                "the sampling interval must be from 0.01 s to 3600 s (got \(interval.seconds) s)", parameter: "interval")
        }
        if let pue, !(pue >= 1.0 && pue.isFinite) {
            throw GreenlightError.invalidArgument("the PUE must be a number ≥ 1.0 (got \(pue))", parameter: "pue")
        }
        if let cpuTDP, !(cpuTDP.watts > 0 && cpuTDP.watts.isFinite) {
            throw GreenlightError.invalidArgument(
                "the CPU TDP must be a positive number of watts (got \(cpuTDP.watts))", parameter: "cpuTDP")
        }
        if let embodied { _ = try SCI.embodied(embodied, timeReserved: .zero) }
        if let functionalUnit {
            _ = try SCI.score(unit: functionalUnit, energy: .zero, intensity: CarbonIntensity(gramsPerKilowattHour: 0), embodied: nil)
        }
    }
}

