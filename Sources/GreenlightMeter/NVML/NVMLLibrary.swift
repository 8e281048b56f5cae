#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `nvmlReturn_t` values this library tells apart.
enum NVMLReturn {
    static let success: Int32 = 0
    static let notSupported: Int32 = 3
    static let notFound: Int32 = 6
    static let insufficientSize: Int32 = 7
}

/// The NVML functions, looked up with `dlsym` in `libnvidia-ml.so.1` so that no NVIDIA header or
/// library is needed at build time.
///
/// The C types: `nvmlReturn_t` is an `int`-sized enum, `nvmlDevice_t` an opaque pointer.
/// Immutable after creation; NVML's functions are themselves thread-safe.
final class NVMLLibrary: @unchecked Sendable {
    typealias Initialize = @convention(c) () -> Int32
    typealias GetCount = @convention(c) (UnsafeMutablePointer<UInt32>?) -> Int32
    typealias GetHandleByIndex = @convention(c) (UInt32, UnsafeMutablePointer<OpaquePointer?>?) -> Int32
    /// `nvmlDeviceGetName`, `nvmlDeviceGetUUID`: device, buffer, buffer length.
    typealias GetString = @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>?, UInt32) -> Int32
    /// `nvmlDeviceGetTotalEnergyConsumption`: millijoules since the driver was loaded.
    typealias GetEnergy = @convention(c) (OpaquePointer?, UnsafeMutablePointer<UInt64>?) -> Int32
    /// `nvmlDeviceGetPowerUsage`: milliwatts.
    typealias GetPower = @convention(c) (OpaquePointer?, UnsafeMutablePointer<UInt32>?) -> Int32
    /// `nvmlDeviceGetComputeRunningProcesses*`: device, in/out count, array of `nvmlProcessInfo*_t`.
    typealias GetProcesses =
        @convention(c) (OpaquePointer?, UnsafeMutablePointer<UInt32>?, UnsafeMutableRawPointer?) -> Int32
    typealias ErrorString = @convention(c) (Int32) -> UnsafePointer<CChar>?
    /// `nvmlDeviceGetMaxMigDeviceCount`.
    typealias GetMaxMIGCount = @convention(c) (OpaquePointer?, UnsafeMutablePointer<UInt32>?) -> Int32
    /// `nvmlDeviceGetMigDeviceHandleByIndex`.
    typealias GetMIGHandle = @convention(c) (OpaquePointer?, UInt32, UnsafeMutablePointer<OpaquePointer?>?) -> Int32

    /// Size of `nvmlProcessInfo_t` as `nvmlDeviceGetComputeRunningProcesses_v3` and `_v2` fill it:
    /// `{ unsigned int pid; unsigned long long usedGpuMemory; unsigned int gpuInstanceId;
    /// unsigned int computeInstanceId; }`, 24 bytes with padding. The `pid` is at offset 0.
    static let processInfoStrideV2 = 24
    /// Size of `nvmlProcessInfo_v1_t` (`pid`, `usedGpuMemory`) for the unversioned function.
    static let processInfoStrideV1 = 16

    let initialize: Initialize
    let shutdown: Initialize
    let getCount: GetCount
    let getHandleByIndex: GetHandleByIndex
    let getName: GetString
    let getUUID: GetString
    let getPower: GetPower
    let errorStringFunction: ErrorString
    let getEnergy: GetEnergy?
    /// The newest process-list function found and the size of the records it fills.
    let getProcesses: (function: GetProcesses, stride: Int)?
    let getMaxMIGCount: GetMaxMIGCount?
    let getMIGHandle: GetMIGHandle?

    /// Why the library could not be used.
    enum OpenError: Error {
        /// `dlopen` failed; the `dlerror` text.
        case notLoaded(String)
        /// The library lacks functions every NVML since 2012 has.
        case missingSymbols([String])
    }

    private init(
        initialize: Initialize, shutdown: Initialize, getCount: GetCount, getHandleByIndex: GetHandleByIndex,
        getName: GetString, getUUID: GetString, getPower: GetPower, errorString: ErrorString, getEnergy: GetEnergy?,
        getProcesses: (GetProcesses, Int)?, getMaxMIGCount: GetMaxMIGCount?, getMIGHandle: GetMIGHandle?
    ) {
        self.initialize = initialize
        self.shutdown = shutdown
        self.getCount = getCount
        self.getHandleByIndex = getHandleByIndex
        self.getName = getName
        self.getUUID = getUUID
        self.getPower = getPower
        self.errorStringFunction = errorString
        self.getEnergy = getEnergy
        self.getProcesses = getProcesses.map { (function: $0.0, stride: $0.1) }
        self.getMaxMIGCount = getMaxMIGCount
        self.getMIGHandle = getMIGHandle
    }

    /// Loads the library and looks up its functions.
    ///
    /// The library is never closed: NVML may keep threads of its own, and it is loaded once per run.
    static func open(_ path: String) -> Result<NVMLLibrary, OpenError> {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let message = dlerror().map { String(cString: $0) } ?? "dlopen(\(path)) failed"
            return .failure(.notLoaded(message))
        }
        var missing: [String] = []
        func symbol<F>(_ names: String..., as type: F.Type) -> F? {
            for name in names {
                if let address = dlsym(handle, name) { return unsafeBitCast(address, to: type) }
            }
            return nil
        }
        func required<F>(_ names: String..., as type: F.Type) -> F? {
            for name in names {
                if let address = dlsym(handle, name) { return unsafeBitCast(address, to: type) }
            }
            missing.append(names[0])
            return nil
        }
        let initialize = required("nvmlInit_v2", "nvmlInit", as: Initialize.self)
        let shutdown = required("nvmlShutdown", as: Initialize.self)
        let getCount = required("nvmlDeviceGetCount_v2", "nvmlDeviceGetCount", as: GetCount.self)
        let getHandle = required(
            "nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex", as: GetHandleByIndex.self
        )
        let getName = required("nvmlDeviceGetName", as: GetString.self)
        let getUUID = required("nvmlDeviceGetUUID", as: GetString.self)
        let getPower = required("nvmlDeviceGetPowerUsage", as: GetPower.self)
        let errorString = required("nvmlErrorString", as: ErrorString.self)
        guard let initialize, let shutdown, let getCount, let getHandle, let getName, let getUUID, let getPower,
            let errorString
        else {
            return .failure(.missingSymbols(missing))
        }

        var processes: (GetProcesses, Int)?
        if let function = symbol(
            "nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetComputeRunningProcesses_v2",
            as: GetProcesses.self
        ) {
            processes = (function, processInfoStrideV2)
        } else if let function = symbol("nvmlDeviceGetComputeRunningProcesses", as: GetProcesses.self) {
            processes = (function, processInfoStrideV1)
        }
        return .success(
            NVMLLibrary(
                initialize: initialize, shutdown: shutdown, getCount: getCount, getHandleByIndex: getHandle,
                getName: getName, getUUID: getUUID, getPower: getPower, errorString: errorString,
                getEnergy: symbol("nvmlDeviceGetTotalEnergyConsumption", as: GetEnergy.self),
                getProcesses: processes,
                getMaxMIGCount: symbol("nvmlDeviceGetMaxMigDeviceCount", as: GetMaxMIGCount.self),
                getMIGHandle: symbol("nvmlDeviceGetMigDeviceHandleByIndex", as: GetMIGHandle.self)
            )
        )
    }

    /// `nvmlErrorString` with the numeric code, e.g. `Not Supported (3)`.
    func describe(_ code: Int32) -> String {
        let text = errorStringFunction(code).map { String(cString: $0) } ?? "unknown error"
        return "\(text) (\(code))"
    }

    /// A string property of a device (name, UUID), or `nil` on error.
    func string(_ function: GetString, _ device: OpaquePointer?) -> String? {
        // NVML_DEVICE_NAME_V2_BUFFER_SIZE and NVML_DEVICE_UUID_V2_BUFFER_SIZE are 96.
        var buffer = [CChar](repeating: 0, count: 256)
        let code = function(device, &buffer, UInt32(buffer.count - 1))
        guard code == NVMLReturn.success else { return nil }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The UUIDs of a GPU's MIG instances; empty when MIG is off or unsupported.
    func migUUIDs(_ device: OpaquePointer?) -> [String] {
        guard let getMaxMIGCount, let getMIGHandle else { return [] }
        var count: UInt32 = 0
        guard getMaxMIGCount(device, &count) == NVMLReturn.success else { return [] }
        var uuids: [String] = []
        for index in 0..<min(count, 64) {
            var instance: OpaquePointer?
            // Unpopulated slots answer NVML_ERROR_NOT_FOUND.
            guard getMIGHandle(device, index, &instance) == NVMLReturn.success, instance != nil else { continue }
            if let uuid = string(getUUID, instance) { uuids.append(uuid) }
        }
        return uuids
    }

    /// PIDs with a compute context on the device, or `nil` when the driver cannot tell.
    func computeProcessIDs(_ device: OpaquePointer?) -> Set<Int32>? {
        guard let (function, stride) = getProcesses else { return nil }
        var capacity: UInt32 = 0
        var code = function(device, &capacity, nil)
        if code == NVMLReturn.success { return [] }
        // Processes can start between the calls: retry a few times with room to spare.
        for _ in 0..<4 {
            guard code == NVMLReturn.insufficientSize else { return nil }
            capacity += 8
            let raw = UnsafeMutableRawPointer.allocate(byteCount: Int(capacity) * stride, alignment: 8)
            defer { raw.deallocate() }
            raw.initializeMemory(as: UInt8.self, repeating: 0, count: Int(capacity) * stride)
            var count = capacity
            code = function(device, &count, raw)
            if code == NVMLReturn.success {
                var pids: Set<Int32> = []
                for index in 0..<Int(min(count, capacity)) {
                    pids.insert(Int32(bitPattern: raw.load(fromByteOffset: index * stride, as: UInt32.self)))
                }
                return pids
            }
            capacity = max(capacity, count)
        }
        return nil
    }
}
