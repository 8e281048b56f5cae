import Foundation
import GreenlightCore

/// Where encryption and decryption read their input: a file descriptor or bytes in memory.
protocol AgeByteSource {
    /// Reads up to `buffer.count` bytes into `buffer`; 0 only at the end of the input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Where encryption and decryption write their output.
protocol AgeByteSink {
    /// Writes all of `bytes`.
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws
}

extension AgeByteSink {
    mutating func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

/// Reads a file descriptor with read(2), retrying on EINTR. The descriptor is not closed.
struct FileDescriptorSource: AgeByteSource {
    let fd: Int32
    let name: String

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            #if canImport(Glibc)
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            #else
            let n = Darwin.read(fd, buffer.baseAddress, buffer.count)
            #endif
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw GreenlightError.io("cannot read \(name)", cause: SystemError(errno: errno))
        }
    }
}

/// Writes a file descriptor with write(2), retrying on EINTR and short writes. The descriptor is not closed.
struct FileDescriptorSink: AgeByteSink {
    let fd: Int32
    let name: String

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            #else
            let n = Darwin.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            #endif
            if n >= 0 {
                offset += n
            } else if errno != EINTR {
                let cause = SystemError.current()
                let message = "cannot write \(fd == STDOUT_FILENO ? "to " : "")\(name)"
                throw fd == STDOUT_FILENO ? GreenlightError.undeliveredOutput(message, cause: cause) : GreenlightError.io(message, cause: cause)
            }
        }
    }
}

/// Reads bytes held in memory.
struct DataSource: AgeByteSource {
    let data: Data
    var offset: Int

    init(_ data: Data) {
        self.data = data
        offset = data.startIndex
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, data.endIndex - offset)
        guard n > 0 else { return 0 }
        data.copyBytes(to: buffer.bindMemory(to: UInt8.self), from: offset ..< offset + n)
        offset += n
        return n
    }
}

/// Collects bytes in memory.
struct DataSink: AgeByteSink {
    var data = Data()

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        data.append(contentsOf: bytes)
    }
}

/// A read buffer over a source with look-ahead: the STREAM loops need to know whether a chunk is the last one,
/// so they ask for one byte more than a chunk. Memory is one fixed allocation.
final class AgeBufferedReader<Source: AgeByteSource> {
    var source: Source
    private let storage: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private(set) var reachedEnd = false

    init(_ source: Source, capacity: Int) {
        self.source = source
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    /// The bytes read and not yet consumed.
    var available: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: storage[start..<end])
    }

    var count: Int { end - start }

    /// Reads until at least `n` bytes are available or the input ends; returns how many are available.
    @discardableResult
    func fill(atLeast n: Int) throws -> Int {
        precondition(n <= storage.count, "read-ahead larger than the buffer")
        if count >= n || reachedEnd { return count }
        if storage.count - start < n {
            // Move what is left to the front so `n` bytes fit.
            if count > 0 {
                storage.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: count)
            }
            end = count
            start = 0
        }
        while count < n {
            let got = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: storage[end...]))
            if got == 0 {
                reachedEnd = true
                break
            }
            end += got
        }
        return count
    }

    func consume(_ n: Int) {
        precondition(n <= count)
        start += n
        if start == end {
            start = 0
            end = 0
        }
    }

    /// Reads one line ending in LF and returns it without the LF; nil when the input ends first or the line
    /// is longer than `maxLength` bytes.
    func readLine(maxLength: Int) throws -> [UInt8]? {
        var line: [UInt8] = []
        while true {
            if count == 0 {
                try fill(atLeast: 1)
                if count == 0 { return nil }
            }
            let bytes = available
            if let lf = bytes.firstIndex(of: 0x0A) {
                guard line.count + lf <= maxLength else { return nil }
                line.append(contentsOf: bytes[..<lf])
                consume(lf + 1)
                return line
            }
            guard line.count + bytes.count <= maxLength else { return nil }
            line.append(contentsOf: bytes)
            consume(bytes.count)
        }
    }
}

/// A descriptor as messages name it: the standard stream, or the file it is open on (from /proc on Linux).
func ageStreamName(_ fd: Int32) -> String {
    switch fd {
    case 0: return "standard input"
    case 1: return "standard output"
    default:
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"), path.hasPrefix("/") { return path }
        return "file descriptor \(fd)"
    }
}
