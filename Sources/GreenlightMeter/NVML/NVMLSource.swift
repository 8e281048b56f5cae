public import Foundation
public import GreenlightCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What ``NVMLSource/load(libraryPath:environment:)`` found.
public struct NVMLDiscovery: Sendable {
    /// The source over the visible GPUs, or `nil` when NVML is absent, fails, or no GPU is visible.
    public var source: NVMLSource?
    /// The GPUs visible to the run (after `CUDA_VISIBLE_DEVICES`), in CUDA's order.
    public var gpus: [GPUInfo]
    /// Why there is no source, which GPUs integrate power, how `CUDA_VISIBLE_DEVICES` was read.
    public var notes: [Note]
}

/// GPU energy from NVIDIA's management library, loaded at run time.
///
/// `libnvidia-ml.so.1` ships with the driver, not with CUDA, so it is opened with `dlopen` and
/// nothing NVIDIA is needed to build. Each visible GPU is one channel (kind `gpu`, named
/// `gpu-<NVML index> <product name>`), measured in one of two ways:
/// - `measured:nvml-energy`: the total energy counter (`nvmlDeviceGetTotalEnergyConsumption`,
///   millijoules, Volta and later);
/// - `measured:nvml-power-integrated`: where that counter is not supported, power readings
///   (`nvmlDeviceGetPowerUsage`) taken at every ``read()`` and integrated with the trapezoid rule
///   on a monotonic clock, so accuracy depends on the sampling interval.
///
/// All methods may be called from any thread; the mutable state is guarded by a lock.
/// `nvmlShutdown` is called when the source is released.
public final class NVMLSource: EnergySource, @unchecked Sendable {
    /// Nanoseconds on a monotonic clock; tests pass a fake one.
    package typealias Clock = @Sendable () -> UInt64

    private enum Mode {
        case energyCounter
        case powerIntegrated
    }

    private struct GPU {
        var info: GPUInfo
        var handle: OpaquePointer?
        var mode: Mode
    }

    private struct State {
        /// Last raw counter value (millijoules) or power reading (milliwatts).
        var last: UInt64
        /// When the last power reading was taken.
        var lastTime: UInt64
        /// Energy since the source was created, in joules.
        var total: Double = 0
    }

    /// The channels, in the order ``read()`` returns them.
    public let channels: [EnergyChannel]

    private let library: NVMLLibrary
    private let gpus: [GPU]
    private let clock: Clock

    // Guarded by `lock`.
    private let lock = NSLock()
    private var states: [State]
    private var resets = 0

    private init(library: NVMLLibrary, gpus: [GPU], baselines: [State], clock: @escaping Clock) {
        self.library = library
        self.gpus = gpus
        self.states = baselines
        self.clock = clock
        self.channels = gpus.map { gpu in
            let method =
                switch gpu.mode {
                case .energyCounter:
                    Method(.measured, "nvml-energy", detail: "nvmlDeviceGetTotalEnergyConsumption")
                case .powerIntegrated:
                    Method(.measured, "nvml-power-integrated", detail: "nvmlDeviceGetPowerUsage sampled")
                }
            return EnergyChannel(
                id: "nvml:\(gpu.info.uuid ?? "gpu-\(gpu.info.index)")", kind: .gpu,
                name: "gpu-\(gpu.info.index) \(gpu.info.name)", method: method
            )
        }
    }

    deinit {
        _ = library.shutdown()
    }

    /// Opens NVML and creates a source over the GPUs that `CUDA_VISIBLE_DEVICES` leaves visible.
    ///
    /// `CUDA_VISIBLE_DEVICES` entries may be indices (taken in NVML order, which matches CUDA's only
    /// with `CUDA_DEVICE_ORDER=PCI_BUS_ID`; a note says so otherwise), GPU UUIDs or unique prefixes of
    /// them, or MIG instance UUIDs, which select their whole parent GPU. The first entry that names
    /// no GPU ends the list, as in CUDA; an empty value or `-1` hides every GPU.
    ///
    /// - Parameters:
    ///   - libraryPath: What to `dlopen`; tests pass a fake library's path.
    ///   - environment: Where to read `CUDA_VISIBLE_DEVICES` and `CUDA_DEVICE_ORDER`.
    /// - Returns: The source (or `nil`, with a note `nvml-absent`, `nvml-init-failed`, …), the visible
    ///   GPUs and notes.
    public static func load(
        libraryPath: String = "libnvidia-ml.so.1",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> NVMLDiscovery {
        load(libraryPath: libraryPath, environment: environment, clock: monotonicNanoseconds)
    }

    /// ``load(libraryPath:environment:)`` with the clock used to integrate power.
    package static func load(libraryPath: String, environment: [String: String], clock: @escaping Clock)
        -> NVMLDiscovery
    {
        var discovery = NVMLDiscovery(source: nil, gpus: [], notes: [])
        guard let library = openLibrary(libraryPath, notes: &discovery.notes),
            let count = start(library, notes: &discovery.notes)
        else { return discovery }
        // From here on, every early return must balance nvmlInit.
        let all = listGPUs(library, count: count, notes: &discovery.notes)
        let visible = CUDAVisibleDevices.select(
            environment["CUDA_VISIBLE_DEVICES"],
            devices: all.map { CUDAVisibleDevices.Device(uuid: $0.info.uuid, migUUIDs: $0.migUUIDs) },
            deviceOrder: environment["CUDA_DEVICE_ORDER"]
        )
        discovery.notes += visible.notes
        discovery.gpus = visible.indices.map { all[$0].info }

        let (gpus, baselines) = measurableGPUs(
            visible.indices, of: all, library: library, clock: clock, notes: &discovery.notes)
        guard !gpus.isEmpty else {
            noteNoGPU(count: count, noneVisible: visible.indices.isEmpty, environment: environment,
                notes: &discovery.notes)
            _ = library.shutdown()
            return discovery
        }
        discovery.source = NVMLSource(library: library, gpus: gpus, baselines: baselines, clock: clock)
        return discovery
    }

    /// A GPU as NVML lists it: what the report shows, its handle (`nil` when it cannot be opened), its MIG devices.
    private typealias ListedGPU = (info: GPUInfo, handle: OpaquePointer?, migUUIDs: [String])

    /// The library at `libraryPath` with every symbol needed; `nil`, with a note, otherwise.
    private static func openLibrary(_ libraryPath: String, notes: inout [Note]) -> NVMLLibrary? {
        let library: NVMLLibrary
        switch NVMLLibrary.open(libraryPath) {
        case .success(let opened):
            library = opened
        case .failure(.notLoaded(let message)):
            notes.append(
                Note(.info, code: "nvml-absent", "No NVIDIA GPU measurement: NVML could not be loaded (\(message)).")
            )
            return nil
        case .failure(.missingSymbols(let names)):
            notes.append(
                Note(
                    .warning, code: "nvml-symbols",
                    "\(libraryPath) lacks \(names.joined(separator: ", ")); the NVIDIA driver may be too old or broken."
                )
            )
            return nil
        }

        return library
    }

    /// Starts NVML and counts the GPUs; `nil`, with a note and NVML shut down again, when either fails.
    private static func start(_ library: NVMLLibrary, notes: inout [Note]) -> UInt32? {
        let initCode = library.initialize()
        guard initCode == NVMLReturn.success else {
            notes.append(
                Note(
                    .warning, code: "nvml-init-failed",
                    "NVML could not start: \(library.describe(initCode)). Check that the NVIDIA driver is loaded "
                        + "(`nvidia-smi` should list the GPUs)."
                )
            )
            return nil
        }
        var count: UInt32 = 0
        let countCode = library.getCount(&count)
        guard countCode == NVMLReturn.success else {
            notes.append(
                Note(.warning, code: "nvml-failed", "NVML could not count the GPUs: \(library.describe(countCode)).")
            )
            _ = library.shutdown()
            return nil
        }
        return count
    }

    /// Every GPU NVML counts, in its order (CUDA_VISIBLE_DEVICES counts every GPU, usable or not).
    private static func listGPUs(_ library: NVMLLibrary, count: UInt32, notes: inout [Note]) -> [ListedGPU] {
        var all: [ListedGPU] = []
        for index in 0..<Int(count) {
            var handle: OpaquePointer?
            let code = library.getHandleByIndex(UInt32(index), &handle)
            guard code == NVMLReturn.success else {
                // Keep the index: CUDA_VISIBLE_DEVICES counts every GPU, usable or not.
                notes.append(
                    Note(.warning, code: "nvml-gpu-failed", "NVML cannot open GPU \(index): \(library.describe(code)).")
                )
                all.append((GPUInfo(index: index, name: "unknown GPU"), nil, []))
                continue
            }
            let name = library.string(library.getName, handle) ?? "unknown GPU"
            let info = GPUInfo(index: index, name: name, uuid: library.string(library.getUUID, handle))
            all.append((info, handle, library.migUUIDs(handle)))
        }
        return all
    }

    /// The visible GPUs whose energy can be measured (by counter, or integrated from power), with their first
    /// readings; a note for each GPU measured less well or not at all.
    private static func measurableGPUs(
        _ visible: [Int], of all: [ListedGPU], library: NVMLLibrary, clock: Clock, notes: inout [Note]
    ) -> (gpus: [GPU], baselines: [State]) {
        var gpus: [GPU] = []
        var baselines: [State] = []
        for index in visible where all[index].handle != nil {
            let (info, handle, _) = all[index]
            let label = "gpu-\(info.index) \(info.name)"
            var energy: UInt64 = 0
            let energyCode = library.getEnergy?(handle, &energy) ?? NVMLReturn.notSupported
            if energyCode == NVMLReturn.success {
                gpus.append(GPU(info: info, handle: handle, mode: .energyCounter))
                baselines.append(State(last: energy, lastTime: 0))
                continue
            }
            var power: UInt32 = 0
            let powerCode = library.getPower(handle, &power)
            let now = clock()
            guard powerCode == NVMLReturn.success else {
                notes.append(
                    Note(
                        .warning, code: "nvml-gpu-unsupported",
                        "\(label) reports neither energy (\(library.describe(energyCode))) nor power "
                            + "(\(library.describe(powerCode))); its energy is not measured."
                    )
                )
                continue
            }
            gpus.append(GPU(info: info, handle: handle, mode: .powerIntegrated))
            baselines.append(State(last: UInt64(power), lastTime: now))
            let why =
                energyCode == NVMLReturn.notSupported
                ? "has no energy counter (GPUs before Volta)"
                : "cannot read its energy counter (\(library.describe(energyCode)))"
            notes.append(
                Note(
                    .info, code: "nvml-power-integrated",
                    "\(label) \(why); its energy is integrated from power readings at each sample, "
                        + "so it is less accurate at long sampling intervals."
                )
            )
        }
        return (gpus, baselines)
    }

    /// Why no GPU is measured, when that is because there is none or none is visible.
    private static func noteNoGPU(count: UInt32, noneVisible: Bool, environment: [String: String], notes: inout [Note]) {
        if count == 0 {
            notes.append(Note(.info, code: "nvml-no-gpus", "NVML found no NVIDIA GPU."))
        } else if noneVisible {
            notes.append(
                Note(
                    .info, code: "nvml-no-visible-gpus",
                    "CUDA_VISIBLE_DEVICES=\"\(environment["CUDA_VISIBLE_DEVICES"] ?? "")\" hides every GPU; "
                        + "no GPU is measured."
                )
            )
        }
    }

    /// Notes gathered while reading: energy counters that went backwards (a driver reload).
    ///
    /// Notes from loading are in ``NVMLDiscovery/notes`` only, not repeated here.
    public var notes: [Note] {
        let resets = lock.withLock { self.resets }
        guard resets > 0 else { return [] }
        return [
            Note(
                .warning, code: "nvml-counter-reset",
                "A GPU energy counter went backwards \(resets) time\(resets == 1 ? "" : "s") (driver reloaded?); "
                    + "energy from before each reset up to the previous sample was kept."
            )
        ]
    }

    /// Energy of every GPU since the source was created.
    ///
    /// - Returns: One cumulative energy per entry of ``channels``.
    /// - Throws: ``GreenlightError`` (I/O) when NVML cannot read a GPU it could read at load; no
    ///   state changes in that case.
    public func read() throws -> [Energy] {
        try lock.withLock {
            // Read everything first, so that a failure leaves the state as it was.
            var readings: [UInt64] = []
            var now: UInt64 = 0
            for gpu in gpus {
                switch gpu.mode {
                case .energyCounter:
                    var energy: UInt64 = 0
                    let code = library.getEnergy?(gpu.handle, &energy) ?? NVMLReturn.notSupported
                    try check(code, "the energy counter", gpu)
                    readings.append(energy)
                case .powerIntegrated:
                    var power: UInt32 = 0
                    try check(library.getPower(gpu.handle, &power), "the power", gpu)
                    readings.append(UInt64(power))
                    now = clock()
                }
            }
            for index in gpus.indices {
                let reading = readings[index]
                switch gpus[index].mode {
                case .energyCounter:
                    let last = states[index].last
                    if reading >= last {
                        states[index].total += Double(reading - last) / 1e3
                    } else {
                        // The counter restarts at zero when the driver is reloaded.
                        resets += 1
                        states[index].total += Double(reading) / 1e3
                    }
                case .powerIntegrated:
                    let seconds = Double(now &- states[index].lastTime) / 1e9
                    let meanWatts = (Double(states[index].last) + Double(reading)) / 2 / 1e3
                    if now > states[index].lastTime { states[index].total += meanWatts * seconds }
                    states[index].lastTime = now
                }
                states[index].last = reading
            }
            return states.map { Energy(joules: $0.total) }
        }
    }

    /// The PIDs with a compute context on each channel's GPU, for attributing GPU energy to processes.
    ///
    /// Uses `nvmlDeviceGetComputeRunningProcesses_v3` (or `_v2`, or the unversioned function). The
    /// PIDs are in the PID namespace NVML sees, which inside a container is usually the host's.
    ///
    /// - Returns: One set per entry of ``channels``; empty where the driver cannot tell.
    public func computeProcessIDs() -> [Set<Int32>] {
        gpus.map { library.computeProcessIDs($0.handle) ?? [] }
    }

    private func check(_ code: Int32, _ what: String, _ gpu: GPU) throws {
        guard code == NVMLReturn.success else {
            throw GreenlightError.io(
                "NVML cannot read \(what) of gpu-\(gpu.info.index) \(gpu.info.name): \(library.describe(code))."
            )
        }
    }

    /// `CLOCK_MONOTONIC` in nanoseconds.
    private static let monotonicNanoseconds: Clock = {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
