#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one file front to back through a temporary file in the same directory, then renames it into place.
///
/// ``AtomicFile`` for data held in memory; this for data streamed: it is never held in memory as a whole. Small writes are gathered in a fixed buffer; large ones go straight to the file. Until
/// ``commit()`` succeeds, ``discard()`` (or deinit) removes the temporary file, so a failed or abandoned
/// write leaves nothing behind and the destination keeps its old contents.
public final class AtomicFileWriter {
    /// The destination.
    public let path: String
    private let tempPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let bufferCapacity = 1 << 20
    /// Bytes accepted so far (buffered or written).
    public private(set) var position: Int = 0
    private var done = false

    /// Creates the temporary file beside `path`.
    ///
    /// - Parameters:
    ///   - path: The destination; its directory must exist.
    ///   - mode: Permissions of the new file, less the umask (0600 for secrets such as decrypted data or keys).
    /// - Throws: ``GreenlightError`` naming the path when the directory is missing or not writable.
    public init(path: String, mode: mode_t = 0o666) throws {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !base.isEmpty else { throw GreenlightError.invalidInput("cannot write \(path): not a file name") }
        var st = stat()
        guard stat(dir.isEmpty ? "/" : dir, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw GreenlightError.io("cannot write \(path): directory \(dir.isEmpty ? "/" : dir) does not exist")
        }
        // Hidden and unique, in the same directory so rename(2) is atomic.
        tempPath = (dir.isEmpty ? "" : dir + "/") + "." + base + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw GreenlightError.io("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        buffer.reserveCapacity(bufferCapacity)
    }

    deinit { discard() }

    /// Appends `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !done else { throw GreenlightError.io("cannot write \(path): the writer is already closed") }
        guard bytes.count > 0 else { return }
        if buffer.count + bytes.count <= bufferCapacity {
            buffer.append(contentsOf: bytes)
        } else {
            try flush()
            if bytes.count >= bufferCapacity {
                try writeAll(bytes)
            } else {
                buffer.append(contentsOf: bytes)
            }
        }
        position += bytes.count
    }

    /// Appends `bytes`.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends `count` zero bytes (alignment padding).
    public func writeZeros(_ count: Int) throws {
        guard count > 0 else { return }
        try write([UInt8](repeating: 0, count: count))
    }

    /// Flushes, fsyncs and moves the file into place. The writer is closed afterwards.
    ///
    /// - Parameter replacing: Replace an existing destination (rename); with false, an existing file is never
    ///   touched (link, failing when it exists).
    /// - Throws: ``GreenlightError``; the temporary file is then removed and the destination left as it was.
    public func commit(replacing: Bool = true) throws {
        guard !done else { throw GreenlightError.io("cannot write \(path): the writer is already closed") }
        do {
            try flush()
            guard fsync(fd) == 0 else { throw ioError() }
            guard close(fd) == 0 else { fd = -1; throw ioError() }
            fd = -1
            if replacing {
                guard rename(tempPath, path) == 0 else { throw ioError() }
            } else {
                guard link(tempPath, path) == 0 else {
                    if errno == EEXIST {
                        throw GreenlightError.io("cannot write \(path): the file exists; remove it first or choose another path")
                    }
                    throw ioError()
                }
                unlink(tempPath)
            }
            done = true
            syncDirectory()
        } catch {
            discard()
            throw error
        }
    }

    /// Closes and removes the temporary file; does nothing once committed or discarded.
    public func discard() {
        guard !done else { return }
        done = true
        if fd >= 0 { close(fd); fd = -1 }
        unlink(tempPath)
        buffer = []
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = posixWrite(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError()
            }
            p += n
            left -= n
        }
    }

    /// Makes the rename itself durable; best effort, as the data is already safe in the file.
    private func syncDirectory() {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let dfd = open(dir.isEmpty ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }

    private func ioError() -> GreenlightError {
        GreenlightError.io("cannot write \(path): \(String(cString: strerror(errno)))")
    }
}

/// write(2), named apart from ``AtomicFileWriter/write(_:)-(UnsafeRawBufferPointer)``.
private func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, p, n)
    #elseif canImport(Musl)
    Musl.write(fd, p, n)
    #else
    Darwin.write(fd, p, n)
    #endif
}
