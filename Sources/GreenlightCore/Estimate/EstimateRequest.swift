/// A planned run to estimate: which devices, how much work, where, and optional SCI inputs.
///
/// Leave an optional field `nil` to use its documented default; every default used is labelled
/// `default:…` in the report and announced in a note.
public struct EstimateRequest: Sendable, Hashable {
    /// How much work the run does.
    public enum Work: Sendable, Hashable {
        /// Wall-clock hours (> 0).
        case hours(Double)
        /// Total floating-point operations (> 0); the duration follows from the devices' peak rate and the MFU.
        case flops(Double)
        /// Training a dense transformer of `parameters` on `tokens` tokens: 6 × N × D FLOPs
        /// (forward 2·N·D plus backward 4·N·D, Kaplan et al. 2020).
        case training(parameters: Double, tokens: Double)
    }

    /// Catalogue name or alias of the device, e.g. `H100`, `A100`, `MI300X`, `EPYC 9654`.
    public var device: String
    /// Number of devices (≥ 1).
    public var count: Int
    /// The work.
    public var work: Work
    /// Mean device utilisation 0…1 for the power model; default ``Estimator/defaultUtilization``.
    public var utilization: Double?
    /// Model FLOPs utilisation, in (0, 1], for `.flops` and `.training`; default ``Estimator/defaultMFU``.
    public var mfu: Double?
    /// Precision of the peak rate for `.flops` and `.training`; default ``Estimator/defaultPrecision``.
    public var precision: Precision?
    /// Power usage effectiveness of the facility (≥ 1); default ``Estimator/defaultPUE``.
    public var pue: Double?
    /// Where the run would take its electricity from.
    public var location: LocationQuery
    /// Embodied carbon of the devices, for SCI's M.
    public var embodied: EmbodiedInput?
    /// The functional unit, to compute an SCI score.
    public var functionalUnit: FunctionalUnit?
    /// What the planned work is (stage, model, task, tags), copied into the report's `context`.
    public var context: ReportContext?

    /// Creates a request.
    public init(
        device: String, count: Int = 1, work: Work, utilization: Double? = nil, mfu: Double? = nil,
        precision: Precision? = nil, pue: Double? = nil, location: LocationQuery = .none,
        embodied: EmbodiedInput? = nil, functionalUnit: FunctionalUnit? = nil, context: ReportContext? = nil
    ) {
        self.context = context
        self.device = device
        self.count = count
        self.work = work
        self.utilization = utilization
        self.mfu = mfu
        self.precision = precision
        self.pue = pue
        self.location = location
        self.embodied = embodied
        self.functionalUnit = functionalUnit
    }
}
