import Foundation
import GreenlightCore
import GreenlightMeter
import GreenlightTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Builds `Fixtures/nvml/fake_nvml.c` into a fake `libnvidia-ml.so.1`.
///
/// Every test gets its own copy of the library, in its own directory: `dlopen` treats distinct
/// files as distinct libraries, so each test has its own counters even when tests run in parallel.
enum FakeNVML {
    /// The C compiler, or `nil` when there is none (the tests are then skipped).
    static let compiler: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["cc", "gcc", "clang"] {
            for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        return nil
    }()

    static var available: Bool { compiler != nil }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var built: [[String]: String] = [:]

    /// A fresh copy of the fake library, built with `defines` (`FAKE_NO_ENERGY`, `FAKE_V1_PROCESSES`).
    static func library(_ defines: [String] = []) throws -> String {
        let compiled = try lock.withLock {
            if let path = built[defines] { return path }
            let source = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/nvml/fake_nvml.c").path
            let dir = try temporaryDirectory()
            let output = dir + "/libnvidia-ml.so.1"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try #require(compiler))
            process.arguments = ["-shared", "-fPIC", "-O1", "-Wall", "-o", output, source] + defines.map { "-D" + $0 }
            try process.run()
            process.waitUntilExit()
            try #require(process.terminationStatus == 0, "cc failed to build the fake NVML")
            built[defines] = output
            return output
        }
        let copy = try temporaryDirectory() + "/libnvidia-ml.so.1"
        try FileManager.default.copyItem(atPath: compiled, toPath: copy)
        return copy
    }

    private static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fake-nvml-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The fake's test hooks, reached through the same `dlopen` handle the source uses.
    struct Hooks {
        let handle: UnsafeMutableRawPointer

        init(_ path: String) throws {
            handle = try #require(dlopen(path, RTLD_NOW | RTLD_LOCAL))
        }

        private func function<F>(_ name: String, _ type: F.Type) -> F {
            unsafeBitCast(dlsym(handle, name)!, to: type)
        }

        func setPower(gpu: UInt32, milliwatts: UInt32) {
            function("fake_nvml_set_power", (@convention(c) (UInt32, UInt32) -> Void).self)(gpu, milliwatts)
        }

        func failInit(code: Int32) {
            function("fake_nvml_fail_init", (@convention(c) (Int32) -> Void).self)(code)
        }

        var initCount: Int32 { function("fake_nvml_init_count", (@convention(c) () -> Int32).self)() }
        var shutdownCount: Int32 { function("fake_nvml_shutdown_count", (@convention(c) () -> Int32).self)() }
    }
}

/// A monotonic clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var nanoseconds: UInt64 = 5_000_000_000

    var now: UInt64 { lock.withLock { nanoseconds } }

    func advance(seconds: Double) {
        lock.withLock { nanoseconds += UInt64(seconds * 1e9) }
    }
}

@Suite("NVML source")
struct NVMLSourceTests {
    static let gpu0 = "GPU-11111111-2222-3333-4444-555555555555"
    static let gpu1 = "GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"

    static func load(_ path: String, _ environment: [String: String] = [:], clock: ManualClock = ManualClock())
        -> NVMLDiscovery
    {
        NVMLSource.load(libraryPath: path, environment: environment, clock: { clock.now })
    }

    @Test func absentLibrary() {
        let discovery = NVMLSource.load(libraryPath: "/nonexistent/libnvidia-ml.so.1", environment: [:])
        #expect(discovery.source == nil)
        #expect(discovery.gpus.isEmpty)
        #expect(discovery.notes.map(\.code) == ["nvml-absent"])
        #expect(discovery.notes[0].level == .info)
        #expect(discovery.notes[0].message.contains("/nonexistent/libnvidia-ml.so.1"))
        #expect(discovery.notes[0].message.contains("No such file"))
    }

    @Test func libraryWithoutNVMLSymbols() {
        let discovery = NVMLSource.load(libraryPath: "libm.so.6", environment: [:])
        #expect(discovery.source == nil)
        #expect(discovery.notes.map(\.code) == ["nvml-symbols"])
        #expect(discovery.notes[0].message.contains("nvmlInit_v2"))
    }

    @Test(.enabled(if: FakeNVML.available, "needs a C compiler (cc) to build the fake NVML"))
    func channelsAndGPUs() throws {
        let path = try FakeNVML.library()
        let discovery = Self.load(path)
        let source = try #require(discovery.source)
        #expect(
            source.channels == [
                EnergyChannel(
                    id: "nvml:\(Self.gpu0)", kind: .gpu, name: "gpu-0 Fake H100 80GB HBM3",
                    method: Method(.measured, "nvml-energy", detail: "nvmlDeviceGetTotalEnergyConsumption")
                ),
                EnergyChannel(
                    id: "nvml:\(Self.gpu1)", kind: .gpu, name: "gpu-1 Fake Tesla P100",
                    method: Method(.measured, "nvml-power-integrated", detail: "nvmlDeviceGetPowerUsage sampled")
                ),
            ]
        )
        #expect(
            discovery.gpus == [
                GPUInfo(index: 0, name: "Fake H100 80GB HBM3", uuid: Self.gpu0),
                GPUInfo(index: 1, name: "Fake Tesla P100", uuid: Self.gpu1),
            ]
        )
        #expect(discovery.notes.map(\.code) == ["nvml-power-integrated"])
        #expect(discovery.notes[0].message.contains("gpu-1 Fake Tesla P100 has no energy counter"))
        #expect(source.notes.isEmpty)
    }

    @Test(.enabled(if: FakeNVML.available, "needs a C compiler (cc) to build the fake NVML"))
    func energyCounterAndPowerIntegration() throws {
        let path = try FakeNVML.library()
        let hooks = try FakeNVML.Hooks(path)
        let clock = ManualClock()
        let source = try #require(Self.load(path, clock: clock).source)

        // GPU 0's counter rises 5 J per call; GPU 1 draws 70 W.
        clock.advance(seconds: 2)
        #expect(try source.read() == [Energy(joules: 5), Energy(joules: 140)])
        // Trapezoid rule: the mean of the two readings over the interval.
        hooks.setPower(gpu: 1, milliwatts: 130_000)
        clock.advance(seconds: 1)
        #expect(try source.read() == [Energy(joules: 10), Energy(joules: 240)])
        clock.advance(seconds: 0.5)
        #expect(try source.read() == [Energy(joules: 15), Energy(joules: 305)])
        // No time passed: no energy integrated.
        #expect(try source.read()[1] == Energy(joules: 305))
    }

    @Test(.enabled(if: FakeNVML.available, "needs a C compiler (cc) to build the fake NVML"))
    func withoutEnergyFunctionEveryGPUIntegratesPower() throws {
        let path = try FakeNVML.library(["FAKE_NO_ENERGY"])
        let clock = ManualClock()
        let discovery = Self.load(path, clock: clock)
        let source = try #require(discovery.source)
        #expect(source.channels.map(\.method.source) == ["nvml-power-integrated", "nvml-power-integrated"])
        #expect(discovery.notes.map(\.code) == ["nvml-power-integrated", "nvml-power-integrated"])
        clock.advance(seconds: 10)
        #expect(try source.read() == [Energy(joules: 3000), Energy(joules: 700)])
    }

    @Test(.enabled(if: FakeNVML.available, "needs a C compiler (cc) to build the fake NVML"))
    func visibleDevicesByIndex() throws {
        let path = try FakeNVML.library()
        let discovery = Self.load(path, ["CUDA_VISIBLE_DEVICES": "1", "CUDA_DEVICE_ORDER": "PCI_BUS_ID"])
        let source = try #require(discovery.source)
        #expect(source.channels.map(\.name) == ["gpu-1 Fake Tesla P100"])
        #expect(discovery.gpus.map(\.index) == [1])
        #expect(source.computeProcessIDs() == [[4321]])
    }

    @Test(.enabled(if: FakeNVML.available, "needs a C compiler (cc) to build the fake NVML"))
    func visibleDevicesKeepCUDAOrder() throws {
        let path = try FakeNVML.library()
        let discovery = Self.load(path, ["CUDA_VISIBLE_DEVICES": "1,0"])
        #expect(discovery.source?.channels.map(\.id) == ["nvml:\(Self.gpu1)", "nvml:\(Self.gpu0)"])
        #expect(discovery.notes.map(\.code).contains("nvml-device-order"))
    }

    @Test(.enabled(if: FakeNVML.available, "needs a C compiler (cc) to build the fake NVML"))
    func visibleDevicesByUUID() throws {
        let path = try FakeNVML.library()
        let discovery = Self.load(path, ["CUDA_VISIBLE_DEVICES": "GPU-11111111"])
        let source = try #require(discovery.source)
        #expect(source.channels.map(\.id) == ["nvml:\(Self.gpu0)"])
        #expect(discovery.notes.isEmpty)
        #expect(try source.read() == [Energy(joules: 5)])
    }

    @Test(.enabled(if: FakeNVML.available, "needs a C compiler (cc) to build the fake NVML"))
    func visibleDevicesByMIGInstance() throws {
        let path = try FakeNVML.library()
        let discovery = Self.load(path, ["CUDA_VISIBLE_DEVICES": "MIG-fedcba98-7654-3210-fedc-ba9876543210"])
        #expect(discovery.source?.channels.map(\.id) == ["nvml:\(Self.gpu1)"])
        #expect(discovery.notes.map(\.code) == ["nvml-mig", "nvml-power-integrated"])
    }

    @Test(.enabled(if: FakeNVML.available, "needs a C compiler (cc) to build the fake NVML"), arguments: ["", "-1"])
    func noVisibleDevices(value: String) throws {
        let path = try FakeNVML.library()
        let hooks = try FakeNVML.Hooks(path)
        let discovery = Self.load(path, ["CUDA_VISIBLE_DEVICES": value])
        #expect(discovery.source == nil)
        #expect(discovery.gpus.isEmpty)
        #expect(discovery.notes.map(\.code) == ["nvml-visible-devices", "nvml-no-visible-gpus"])
        // NVML was shut down again.
        #expect(hooks.initCount == 1)
        #expect(hooks.shutdownCount == 1)
    }

    @Test(.enabled(if: FakeNVML.available, "needs a C compiler (cc) to build the fake NVML"))
    func computeProcesses() throws {
        let path = try FakeNVML.library()
        let source = try #require(Self.load(path).source)
        #expect(source.computeProcessIDs() == [[1234, 5678], [4321]])
    }

    @Test(.enabled(if: FakeNVML.available, "needs a C compiler (cc) to build the fake NVML"))
    func computeProcessesThroughVersion1() throws {
        let path = try FakeNVML.library(["FAKE_V1_PROCESSES"])
        let source = try #require(Self.load(path).source)
        #expect(source.computeProcessIDs() == [[1234, 5678], [4321]])
    }

    @Test(.enabled(if: FakeNVML.available, "needs a C compiler (cc) to build the fake NVML"))
    func initFailure() throws {
        let path = try FakeNVML.library()
        let hooks = try FakeNVML.Hooks(path)
        hooks.failInit(code: 9)
        let discovery = Self.load(path)
        #expect(discovery.source == nil)
        #expect(discovery.notes.map(\.code) == ["nvml-init-failed"])
        #expect(discovery.notes[0].level == .warning)
        #expect(discovery.notes[0].message.contains("Driver Not Loaded (9)"))
    }

    @Test(.enabled(if: FakeNVML.available, "needs a C compiler (cc) to build the fake NVML"))
    func shutdownWhenReleased() throws {
        let path = try FakeNVML.library()
        let hooks = try FakeNVML.Hooks(path)
        do {
            let source = try #require(Self.load(path).source)
            _ = try source.read()
            #expect(hooks.initCount == 1)
            #expect(hooks.shutdownCount == 0)
        }
        #expect(hooks.shutdownCount == 1)
    }

    @Test(.enabled(if: FakeNVML.available, "needs a C compiler (cc) to build the fake NVML"))
    func readFailureThrowsAndKeepsState() throws {
        let path = try FakeNVML.library()
        let hooks = try FakeNVML.Hooks(path)
        let source = try #require(Self.load(path).source)
        #expect(try source.read()[0] == Energy(joules: 5))
        // NVML stops answering: every call returns NVML_ERROR_UNINITIALIZED.
        let shutdown = unsafeBitCast(dlsym(hooks.handle, "nvmlShutdown")!, to: (@convention(c) () -> Int32).self)
        _ = shutdown()
        // Which GPU failed is the error's location, told only in the message.
        let error = try #require(expectCode(.io) { try source.read() })
        #expect(error.message.contains("gpu-0 Fake H100 80GB HBM3"))
        #expect(source.computeProcessIDs() == [[], []])
        // Once NVML answers again, the counter continues from the last good reading.
        hooks.failInit(code: 0)
        let initialize = unsafeBitCast(dlsym(hooks.handle, "nvmlInit_v2")!, to: (@convention(c) () -> Int32).self)
        _ = initialize()
        #expect(try source.read()[0] == Energy(joules: 10))
    }
}
