import Foundation
import GreenlightCore

/// Small files read whole (keys, configs, ledgers), with the system's reason when they cannot be:
/// `cannot read the key file k: No such file or directory`, `…: Is a directory`.
enum FileRead {
    /// The bytes of the file at `path`; `what` names it in the error (`the key file`).
    /// `message`, given the system's reason, words the error instead.
    static func contents(_ path: String, what: String, message: ((_ reason: String) -> String)? = nil) throws -> Data {
        func failure(_ path: String, what: String, errno code: Int32) -> GreenlightError {
            guard let message else { return FileRead.failure(path, what: what, errno: code) }
            let text = message(String(cString: strerror(code)))
            return code == ENOENT || code == EACCES || code == EISDIR || code == ENOTDIR ? .notFound(text) : .io(text)
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, what: what, errno: errno) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { throw failure(path, what: what, errno: EISDIR) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n > 0 {
                data.append(contentsOf: buffer[..<n])
            } else if n == 0 {
                return data
            } else if errno != EINTR {
                throw failure(path, what: what, errno: errno)
            }
        }
    }

    /// A read-only handle on the file at `path`, for streaming.
    static func handle(_ path: String, what: String) throws -> FileHandle {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, what: what, errno: errno) }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw failure(path, what: what, errno: EISDIR)
        }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    static func failure(_ path: String, what: String, errno code: Int32) -> GreenlightError {
        let message = "cannot read \(what.isEmpty ? "" : what + " ")\(path): \(String(cString: strerror(code)))"
        return code == ENOENT || code == EACCES || code == EISDIR || code == ENOTDIR ? .notFound(message) : .io(message)
    }
}
