#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import GreenlightCore

/// A whole file mapped read-only into memory, unmapped when the last reference goes away.
///
/// Immutable after `init`: the mapping is `PROT_READ`/`MAP_PRIVATE`, so sharing it across threads is safe.
/// Like every mmap reader (the Rust safetensors crate, gguf-py's `np.memmap`), a file truncated by someone
/// else while mapped makes later reads fault (SIGBUS); Greenlight's own writers never rewrite in place.
final class MappedFile: @unchecked Sendable {
    let path: String
    /// The mapped bytes; empty (with a nil base) for an empty file.
    let bytes: UnsafeRawBufferPointer

    /// Maps `path`. Empty files map to an empty buffer (mmap refuses length 0).
    init(path: String) throws {
        self.path = path
        // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it. No effect on regular files.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let err = errno
            if err == ENOENT { throw GreenlightError.notFound("\(path): no such file") }
            throw GreenlightError.io("\(path): cannot open", cause: SystemError(errno: err))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw GreenlightError.io("\(path): cannot stat", cause: SystemError(errno: errno))
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            let kind = switch st.st_mode & S_IFMT {
            case S_IFDIR: "a directory"
            case S_IFIFO: "a FIFO (named pipe)"
            case S_IFCHR: "a character device"
            case S_IFBLK: "a block device"
            case S_IFSOCK: "a socket"
            default: "not a regular file"
            }
            throw GreenlightError.invalidInput("\(path): is \(kind), not a regular file; model files are read by mapping them, so give the path of the file itself")
        }
        let size = Int(st.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else {
            throw GreenlightError.io("\(path): cannot map \(size) bytes", cause: SystemError(errno: errno))
        }
        bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(p), count: size)
    }

    deinit {
        if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }

    var count: Int { bytes.count }

    /// The bytes in `range`, which the caller has already checked to lie inside the file.
    func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        guard let base = bytes.baseAddress else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// Drops the whole pages inside `range` from this process's resident set (the page cache keeps them, so a
    /// later read faults them back in). Streaming readers call it after each tensor so that RSS stays bounded
    /// by what is in flight, not by the file size.
    func release(_ range: Range<Int>) {
        guard let base = bytes.baseAddress, !range.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: base) + range.lowerBound + page - 1) / page * page
        let end = (Int(bitPattern: base) + range.upperBound) / page * page
        guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(p, end - start, Int32(MADV_DONTNEED))
    }
}
