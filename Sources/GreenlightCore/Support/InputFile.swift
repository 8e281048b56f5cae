public import Foundation

/// Input files read whole (keys, configs, ledgers, hierarchies) or opened for streaming, with the system's
/// reason kept as the error's cause: `cannot read the key file k: No such file or directory`, `…: Is a directory`.
public enum InputFile {
    /// The bytes of the file at `path`.
    ///
    /// - Parameters:
    ///   - what: Names the file in the error (`the key file`); empty for none.
    ///   - summary: Words the error instead of `cannot read <what> <path>`, when given.
    /// - Throws: ``GreenlightError`` (not found for a missing, unreadable or directory path; I/O otherwise)
    ///   with a ``SystemError`` cause.
    public static func contents(_ path: String, what: String, summary: String? = nil) throws -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, what: what, errno: errno, summary: summary) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { throw failure(path, what: what, errno: EISDIR, summary: summary) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n > 0 {
                data.append(contentsOf: buffer[..<n])
            } else if n == 0 {
                return data
            } else if errno != EINTR {
                throw failure(path, what: what, errno: errno, summary: summary)
            }
        }
    }

    /// A read-only handle on the file at `path`, for streaming; refuses a directory.
    ///
    /// - Throws: ``GreenlightError`` as ``contents(_:what:summary:)`` does.
    public static func handle(_ path: String, what: String) throws -> FileHandle {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, what: what, errno: errno) }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw failure(path, what: what, errno: EISDIR)
        }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    /// The error for a file that could not be read: a missing or inaccessible file is "not found", the rest I/O.
    public static func failure(_ path: String, what: String, errno code: Int32, summary: String? = nil) -> GreenlightError {
        let text = summary ?? "cannot read \(what.isEmpty ? "" : what + " ")\(TerminalText.escaped(path))"
        let cause = SystemError(errno: code)
        let location = GreenlightError.Location(path: path)
        return code == ENOENT || code == EACCES || code == EISDIR || code == ENOTDIR
            ? .notFound(text, cause: cause, location: location) : .io(text, cause: cause, location: location)
    }
}
