import CLibFuzzer
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The fuzz input as an array (libFuzzer passes a pointer and a length; a nil pointer with length 0 is allowed).
public func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// One anonymous file that parsers taking a path read as `/proc/self/fd/N`: a regular file on tmpfs (`/dev/shm`)
/// unlinked at once, so `mmap`, `fstat` and `read` behave as on disk and nothing is left behind. (The effect of
/// `memfd_create`, which Glibc's Swift overlay does not export.)
public final class MemoryFile {
    public let fd: Int32
    /// The path that opens this file.
    public let path: String

    public init(name: String) {
        let dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        var template = Array("\(dir)/greenlight-fuzz-\(name)-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        precondition(fd >= 0, "mkstemp failed: errno \(errno)")
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
        path = "/proc/self/fd/\(fd)"
    }

    /// Replaces the file's contents with `bytes`.
    public func set(_ bytes: [UInt8]) {
        precondition(ftruncate(fd, 0) == 0)
        var offset = 0
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = pwrite(fd, raw.baseAddress! + offset, raw.count - offset, off_t(offset))
                precondition(n > 0, "pwrite to memfd failed: errno \(errno)")
                offset += n
            }
        }
    }
}

/// Seeds a target generates with the library itself (valid files that no fixture holds).
///
/// When `GREENLIGHT_FUZZ_SEEDS` names a directory, writes each seed there as a file and exits: Scripts/fuzz.sh
/// runs every target once so before fuzzing. Call it from `LLVMFuzzerInitialize`.
public func writeSeedsIfRequested(_ make: () throws -> [(name: String, bytes: [UInt8])]) {
    guard let dir = getenv("GREENLIGHT_FUZZ_SEEDS").map({ String(cString: $0) }) else { return }
    do {
        for seed in try make() {
            let path = dir + "/gen-" + seed.name
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            precondition(fd >= 0, "cannot create \(path): errno \(errno)")
            seed.bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                    precondition(n > 0, "cannot write \(path): errno \(errno)")
                    offset += n
                }
            }
            close(fd)
        }
    } catch {
        print("seed generation failed: \(error)")
        exit(1)
    }
    exit(0)
}

/// Little-endian byte builders for seeds.
public extension Array where Element == UInt8 {
    mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

/// Runs libFuzzer on `body` with the process's arguments (libFuzzer flags, corpus directories) and exits with its
/// status. A target's main.swift ends with `runLibFuzzer(testOneInput)`: SwiftPM links executables with their own
/// `main` (renamed, then aliased), so libFuzzer's `main` is not used and its driver is called from here.
public func runLibFuzzer(_ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, body))
}
