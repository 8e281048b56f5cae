public import GreenlightCore

/// One energy channel of a source: a RAPL domain, a GPU.
public struct EnergyChannel: Sendable, Hashable {
    /// Stable identifier, e.g. `rapl:intel-rapl:0`, `nvml:GPU-8c3…`.
    public var id: String
    /// The hardware kind.
    public var kind: ComponentKind
    /// A name a person recognises, e.g. `package-0`, `dram-0`, `gpu-0 NVIDIA H100 80GB HBM3`.
    public var name: String
    /// How the channel's energy is obtained, e.g. `measured:rapl` with the sysfs path as detail.
    public var method: Method

    /// Creates a channel description.
    public init(id: String, kind: ComponentKind, name: String, method: Method) {
        self.id = id
        self.kind = kind
        self.name = name
        self.method = method
    }
}

/// A source of cumulative energy readings (RAPL, NVML).
///
/// The sampler calls ``read()`` from a single thread at every sample; implementations need not be
/// thread-safe beyond that, but must be `Sendable` so that the sampler thread can own them.
public protocol EnergySource: AnyObject, Sendable {
    /// The channels, in the order ``read()`` returns them.
    var channels: [EnergyChannel] { get }
    /// Cumulative energy of every channel since the source was created (counter wraps already handled).
    ///
    /// - Throws: when a counter that was readable at discovery can no longer be read.
    func read() throws -> [Energy]
    /// Notes gathered while reading (wraps counted, channels that failed), for the report.
    var notes: [Note] { get }
}
