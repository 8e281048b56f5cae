public import Foundation

/// The Greenlight report: the one document every command produces or consumes.
///
/// Versioned by ``schemaVersion`` (semantic versioning: a minor bump adds optional fields, a major bump
/// changes or removes fields). docs/report-schema.md documents every field. Quantities are stored in SI
/// base units with the unit in the key name (`…Joules`, `…Watts`, `…Grams`, `…Seconds`, `…Bytes`).
public struct Report: Codable, Sendable, Hashable {
    /// The value of ``schema`` in every Greenlight report.
    public static let schemaName = "greenlight-report"
    /// The schema version this build writes.
    public static let currentSchemaVersion = "1.4.0"

    /// What produced the report.
    public enum Kind: String, Codable, Sendable, Hashable {
        /// A measured run of a command (`greenlight run`) or a measured closure (``EnergyMeter``).
        case run
        /// A planned run that was not executed (`greenlight estimate`).
        case estimate
        /// A model compression (`greenlight compress`), with the energy of the compression itself.
        case compress
        /// A privacy operation (`greenlight privacy ...`): encryption, detection, anonymisation, DP.
        case privacy
    }

    /// Always ``schemaName``; lets readers recognise the document.
    public var schema: String
    /// The schema version, e.g. `1.3.0`.
    public var schemaVersion: String
    /// What produced the report.
    public var kind: Kind
    /// A unique identifier (UUID) of this report.
    public var id: String
    /// When the report was produced.
    public var createdAt: Date
    /// The tool and version that wrote it.
    public var tool: ToolInfo
    /// The machine the figures refer to (measured or, for estimates, described).
    public var host: HostInfo?
    /// The command and its outcome; `nil` for estimates.
    public var run: RunInfo?
    /// Resource use of the measured process tree; `nil` for estimates.
    public var process: ProcessUsage?
    /// Energy, host and process tree, by component.
    public var energy: EnergySection?
    /// Carbon emissions and the intensity used.
    public var carbon: CarbonSection?
    /// The GSF Software Carbon Intensity score, when a functional unit was given.
    public var sci: SCIScore?
    /// The inputs of an estimate; `nil` for measured runs.
    public var estimate: EstimateInputs?
    /// What a compression did to a model; `nil` for other kinds.
    public var compression: CompressionSection?
    /// Privacy findings and guarantees; `nil` unless a privacy command produced the report.
    public var privacy: PrivacySection?
    /// What the report is about (stage, model, task, tags), as whoever ran the command stated it (schema 1.4).
    public var context: ReportContext?
    /// Warnings and notes a person should read (defaults used, counters unreadable, child killed).
    public var notes: [Note]

    /// Creates a report with the current schema version.
    public init(
        kind: Kind,
        id: String = UUID().uuidString.lowercased(),
        createdAt: Date = Date(),
        tool: ToolInfo = .current,
        host: HostInfo? = nil,
        run: RunInfo? = nil,
        process: ProcessUsage? = nil,
        energy: EnergySection? = nil,
        carbon: CarbonSection? = nil,
        sci: SCIScore? = nil,
        estimate: EstimateInputs? = nil,
        compression: CompressionSection? = nil,
        privacy: PrivacySection? = nil,
        context: ReportContext? = nil,
        notes: [Note] = []
    ) {
        self.schema = Self.schemaName
        self.schemaVersion = Self.currentSchemaVersion
        self.kind = kind
        self.id = id
        self.createdAt = createdAt
        self.tool = tool
        self.host = host
        self.run = run
        self.process = process
        self.energy = energy
        self.carbon = carbon
        self.sci = sci
        self.estimate = estimate
        self.compression = compression
        self.privacy = privacy
        self.context = context
        self.notes = notes
    }
}

/// The tool that wrote a report.
public struct ToolInfo: Codable, Sendable, Hashable {
    /// `greenlight`.
    public var name: String
    /// The Greenlight version.
    public var version: String

    /// Creates a tool description.
    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }

    /// This build.
    public static let current = ToolInfo(name: "greenlight", version: GreenlightVersion.string)
}

/// The version of this Greenlight build.
public enum GreenlightVersion {
    /// Semantic version of the package.
    public static let string = "0.1.0"
}

/// A note or warning attached to a report.
public struct Note: Codable, Sendable, Hashable {
    /// Severity.
    public enum Level: String, Codable, Sendable, Hashable {
        case info, warning
    }

    /// Severity.
    public var level: Level
    /// A stable machine-readable code, e.g. `default-intensity`, `rapl-unreadable`, `child-signaled`.
    public var code: String
    /// The sentence a person reads, with the fix where there is one.
    public var message: String
    /// The setting whose value changes this note, by the library's name (`pue`, `cpuTDP`): a CLI shows it as
    /// its flag (schema 1.3).
    public var parameter: String?

    /// Creates a note.
    public init(_ level: Level, code: String, _ message: String, parameter: String? = nil) {
        self.level = level
        self.code = code
        self.message = message
        self.parameter = parameter
    }

    /// The message, followed by the setting that changes it as `spell` names it: `… (--pue)`.
    public func text(naming spell: (String) -> String = { $0 }) -> String {
        parameter.map { "\(message) (\(spell($0)))" } ?? message
    }
}

/// The machine a report refers to.
public struct HostInfo: Codable, Sendable, Hashable {
    /// Host name.
    public var hostname: String?
    /// Operating system and kernel, e.g. `Linux 6.1.0`.
    public var os: String?
    /// CPU model name as the OS reports it.
    public var cpuModel: String?
    /// Logical CPUs (hardware threads) online.
    public var logicalCPUs: Int?
    /// Total physical memory.
    public var memoryBytes: UInt64?
    /// The CPU's thermal design power and where it came from.
    public var cpuTDP: Figure<Power>?
    /// GPUs visible to the run.
    public var gpus: [GPUInfo]

    /// Creates a host description.
    public init(
        hostname: String? = nil, os: String? = nil, cpuModel: String? = nil, logicalCPUs: Int? = nil,
        memoryBytes: UInt64? = nil, cpuTDP: Figure<Power>? = nil, gpus: [GPUInfo] = []
    ) {
        self.hostname = hostname
        self.os = os
        self.cpuModel = cpuModel
        self.logicalCPUs = logicalCPUs
        self.memoryBytes = memoryBytes
        self.cpuTDP = cpuTDP
        self.gpus = gpus
    }

    enum CodingKeys: String, CodingKey {
        case hostname, os, cpuModel, logicalCPUs, memoryBytes
        case cpuTDP = "cpuTDPWatts"
        case gpus
    }
}

/// A GPU visible to a run.
public struct GPUInfo: Codable, Sendable, Hashable {
    /// NVML index (PCI bus order).
    public var index: Int
    /// Product name, e.g. `NVIDIA H100 80GB HBM3`.
    public var name: String
    /// NVML UUID, e.g. `GPU-…`.
    public var uuid: String?

    /// Creates a GPU description.
    public init(index: Int, name: String, uuid: String? = nil) {
        self.index = index
        self.name = name
        self.uuid = uuid
    }
}

/// The command a run measured and how it ended.
public struct RunInfo: Codable, Sendable, Hashable {
    /// The command and its arguments.
    public var command: [String]
    /// When the command was started.
    public var startedAt: Date
    /// When measurement ended (the command exited or was killed).
    public var endedAt: Date
    /// Wall-clock time measured (monotonic clock).
    public var duration: Duration
    /// How the command ended.
    public var exit: ExitInfo
    /// The sampling interval asked for.
    public var interval: Duration
    /// Number of samples taken.
    public var samples: Int

    /// Creates a run description.
    public init(
        command: [String], startedAt: Date, endedAt: Date, duration: Duration, exit: ExitInfo,
        interval: Duration, samples: Int
    ) {
        self.command = command
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.duration = duration
        self.exit = exit
        self.interval = interval
        self.samples = samples
    }

    enum CodingKeys: String, CodingKey {
        case command, startedAt, endedAt
        case duration = "durationSeconds"
        case exit
        case interval = "intervalSeconds"
        case samples
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        command = try c.decode([String].self, forKey: .command)
        startedAt = try c.decode(Date.self, forKey: .startedAt)
        endedAt = try c.decode(Date.self, forKey: .endedAt)
        duration = .seconds(try c.decode(Double.self, forKey: .duration))
        exit = try c.decode(ExitInfo.self, forKey: .exit)
        interval = .seconds(try c.decode(Double.self, forKey: .interval))
        samples = try c.decode(Int.self, forKey: .samples)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(command, forKey: .command)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(endedAt, forKey: .endedAt)
        try c.encode(duration.seconds, forKey: .duration)
        try c.encode(exit, forKey: .exit)
        try c.encode(interval.seconds, forKey: .interval)
        try c.encode(samples, forKey: .samples)
    }
}

/// How a measured command ended.
public struct ExitInfo: Codable, Sendable, Hashable {
    /// The way the command ended.
    public enum Status: String, Codable, Sendable, Hashable {
        /// It exited by itself with ``code``.
        case exited
        /// It was terminated by ``signal``.
        case signaled
    }

    /// The way the command ended.
    public var status: Status
    /// The exit code when ``status`` is `exited`.
    public var code: Int32?
    /// The signal number when ``status`` is `signaled`.
    public var signal: Int32?
    /// Whether the process dumped core.
    public var coreDumped: Bool

    /// Creates an exit description.
    public init(status: Status, code: Int32? = nil, signal: Int32? = nil, coreDumped: Bool = false) {
        self.status = status
        self.code = code
        self.signal = signal
        self.coreDumped = coreDumped
    }

    /// The exit code a shell would report: the code, or 128 + the signal number.
    public var shellExitCode: Int32 {
        switch status {
        case .exited: return code ?? 0
        case .signaled: return 128 + (signal ?? 0)
        }
    }
}

/// Resource use of the measured process tree, read from /proc and wait4.
public struct ProcessUsage: Codable, Sendable, Hashable {
    /// User-mode CPU time of the tree, reaped children included.
    public var userCPU: Duration
    /// Kernel-mode CPU time of the tree, reaped children included.
    public var systemCPU: Duration
    /// Highest sum of resident set sizes of the tree's live processes at a sample.
    public var peakRSSBytes: UInt64
    /// Mean over samples of that sum.
    public var meanRSSBytes: UInt64
    /// Highest number of threads in the tree at a sample.
    public var peakThreads: Int
    /// Distinct processes seen in the tree (sampled; short-lived ones are counted in CPU time but may not be seen).
    public var processesSeen: Int
    /// How these figures were obtained.
    public var method: Method

    /// Creates usage figures.
    public init(
        userCPU: Duration, systemCPU: Duration, peakRSSBytes: UInt64, meanRSSBytes: UInt64,
        peakThreads: Int, processesSeen: Int, method: Method
    ) {
        self.userCPU = userCPU
        self.systemCPU = systemCPU
        self.peakRSSBytes = peakRSSBytes
        self.meanRSSBytes = meanRSSBytes
        self.peakThreads = peakThreads
        self.processesSeen = processesSeen
        self.method = method
    }

    /// User plus system CPU time.
    public var cpuTime: Duration { userCPU + systemCPU }

    enum CodingKeys: String, CodingKey {
        case userCPU = "userCPUSeconds", systemCPU = "systemCPUSeconds", cpuTime = "cpuSeconds"
        case peakRSSBytes, meanRSSBytes, peakThreads, processesSeen, method
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        userCPU = .seconds(try c.decode(Double.self, forKey: .userCPU))
        systemCPU = .seconds(try c.decode(Double.self, forKey: .systemCPU))
        peakRSSBytes = try c.decode(UInt64.self, forKey: .peakRSSBytes)
        meanRSSBytes = try c.decode(UInt64.self, forKey: .meanRSSBytes)
        peakThreads = try c.decode(Int.self, forKey: .peakThreads)
        processesSeen = try c.decode(Int.self, forKey: .processesSeen)
        method = try c.decode(Method.self, forKey: .method)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(userCPU.seconds, forKey: .userCPU)
        try c.encode(systemCPU.seconds, forKey: .systemCPU)
        try c.encode(cpuTime.seconds, forKey: .cpuTime)
        try c.encode(peakRSSBytes, forKey: .peakRSSBytes)
        try c.encode(meanRSSBytes, forKey: .meanRSSBytes)
        try c.encode(peakThreads, forKey: .peakThreads)
        try c.encode(processesSeen, forKey: .processesSeen)
        try c.encode(method, forKey: .method)
    }
}
