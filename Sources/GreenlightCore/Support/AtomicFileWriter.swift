#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import CGreenlightShims

/// Writes one file front to back through a temporary file in the same directory, then renames it into place.
///
/// ``AtomicFile`` for data held in memory; this for data streamed: it is never held in memory as a whole. Small
/// writes are gathered in a fixed buffer; large ones go straight to the file.
///
/// Where the filesystem has `O_TMPFILE` the data goes to an unnamed file that the kernel removes if the process
/// dies at any point, `SIGKILL` included; it gets a name only in ``commit(replacing:)``. Elsewhere a hidden
/// `.NAME.tmp-PID-RANDOM` file is used. Either way every named temporary file is registered with
/// ``TemporaryFiles``, whose signal handler unlinks it on `SIGINT`, `SIGTERM`, `SIGHUP`, `SIGQUIT` and `SIGPIPE`.
/// Until ``commit(replacing:)`` succeeds, ``discard()`` (or deinit) removes the temporary file, so a failed or
/// abandoned write leaves nothing behind and the destination keeps its old contents.
public final class AtomicFileWriter {
    /// The destination.
    public let path: String
    private let directory: String
    private let hiddenBase: String
    /// The named temporary file, when `O_TMPFILE` was not available.
    private var namedTemp: String?
    private var registration: Int32 = -1
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
    /// - Throws: ``GreenlightError`` naming the path when the directory is missing or not writable, or the path
    ///   is a directory or not a regular file.
    public init(path: String, mode: mode_t = 0o666) throws {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !base.isEmpty, base != ".", base != ".." else {
            throw GreenlightError.invalidInput("cannot write \(TerminalText.escaped(path)): not a file name; give a path to a file")
        }
        directory = dir.isEmpty ? "/" : dir
        hiddenBase = "." + base + ".tmp-\(getpid())-"
        try OutputTarget.checkDestination(path, directory: directory)
        fd = greenlight_open_tmpfile(directory, mode)
        if fd < 0 {
            // No O_TMPFILE here (old kernel, or a filesystem such as some FUSE or network ones): a hidden file.
            let name = Self.uniqueName(directory: directory, hiddenBase: hiddenBase)
            let slot = greenlight_temp_register(name)
            fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            guard fd >= 0 else {
                let error = errno
                greenlight_temp_unregister(slot)
                throw Self.writeError(path: path, errno: error)
            }
            namedTemp = name
            registration = slot
        }
        buffer.reserveCapacity(bufferCapacity)
    }

    deinit { discard() }

    /// Appends `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !done else { throw GreenlightError.io("cannot write \(TerminalText.escaped(path)): the writer is already closed") }
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
        guard !done else { throw GreenlightError.io("cannot write \(TerminalText.escaped(path)): the writer is already closed") }
        do {
            try flush()
            guard fsync(fd) == 0 else { throw ioError() }
            if namedTemp == nil {
                try linkUnnamed(replacing: replacing)
            }
            guard close(fd) == 0 else { fd = -1; throw ioError() }
            fd = -1
            if let namedTemp {
                if replacing {
                    guard rename(namedTemp, path) == 0 else { throw ioError() }
                } else {
                    guard link(namedTemp, path) == 0 else { throw linkError() }
                    unlink(namedTemp)
                }
                greenlight_temp_unregister(registration)
                registration = -1
                self.namedTemp = nil
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
        if let namedTemp { unlink(namedTemp) }
        greenlight_temp_unregister(registration)
        registration = -1
        namedTemp = nil
        buffer = []
    }

    /// Names the unnamed file: straight at the destination when nothing may be replaced (linkat fails when it
    /// exists), else at a registered hidden name renamed over the destination, so readers never see a partial file.
    private func linkUnnamed(replacing: Bool) throws {
        guard replacing else {
            guard greenlight_link_fd(fd, path) == 0 else { throw linkError() }
            return
        }
        for _ in 0..<8 {
            let name = Self.uniqueName(directory: directory, hiddenBase: hiddenBase)
            let slot = greenlight_temp_register(name)
            if greenlight_link_fd(fd, name) == 0 {
                namedTemp = name
                registration = slot
                return
            }
            let error = errno
            greenlight_temp_unregister(slot)
            if error != EEXIST { throw Self.writeError(path: path, errno: error) }
        }
        throw GreenlightError.io("cannot write \(TerminalText.escaped(path)): no free temporary name in \(TerminalText.escaped(directory))")
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
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }

    private static func uniqueName(directory: String, hiddenBase: String) -> String {
        (directory == "/" ? "/" : directory + "/") + hiddenBase + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    private func linkError() -> GreenlightError {
        if errno == EEXIST {
            return GreenlightError.io("cannot write \(TerminalText.escaped(path)): the file exists; remove it first or choose another path")
        }
        return ioError()
    }

    private func ioError() -> GreenlightError {
        Self.writeError(path: path, errno: errno)
    }

    /// `cannot write PATH` with the errno as its cause and, for the usual causes, what to do.
    static func writeError(_ code: GreenlightError.Code = .io, path: String, errno error: Int32) -> GreenlightError {
        let remedy: String? = switch error {
        case ENOSPC, EDQUOT: "free some space or write elsewhere"
        case EACCES, EPERM: "check the permissions of the directory or write elsewhere"
        case EROFS: "the filesystem is read-only, write elsewhere"
        default: nil
        }
        return GreenlightError(code, "cannot write \(TerminalText.escaped(path))", cause: SystemError(errno: error),
                               location: .init(path: path), remedy: remedy)
    }
}

/// write(2), named apart from ``AtomicFileWriter/write(_:)-(UnsafeRawBufferPointer)``.
func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, p, n)
    #elseif canImport(Musl)
    Musl.write(fd, p, n)
    #else
    Darwin.write(fd, p, n)
    #endif
}
