import Foundation
import GreenlightCore

/// Writes a file through a temporary file in the same directory, published only when the writer succeeds.
///
/// The temporary file is created exclusively (`O_EXCL`) with the given mode (less the umask), synced, and then
/// renamed over the destination — or, with `overwrite` false, hard-linked to it so an existing file is never
/// replaced. On any error the temporary file is removed and the destination is untouched.
enum AgeAtomicOutput {
    static func write(toPath path: String, mode: mode_t, overwrite: Bool = true, _ body: (inout FileDescriptorSink) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw GreenlightError.io("cannot write \(path): directory \(dir) does not exist")
        }
        if !overwrite, FileManager.default.fileExists(atPath: path) {
            throw GreenlightError.io("cannot write \(path): the file exists; remove it first or choose another path")
        }
        let tmp = dir + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw GreenlightError.io("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        var closed = false
        do {
            var sink = FileDescriptorSink(fd: fd, name: path)
            try body(&sink)
            guard fsync(fd) == 0 else { throw GreenlightError.io("cannot write \(path): \(String(cString: strerror(errno)))") }
            closed = true
            guard close(fd) == 0 else { throw GreenlightError.io("cannot write \(path): \(String(cString: strerror(errno)))") }
            if overwrite {
                guard rename(tmp, path) == 0 else { throw GreenlightError.io("cannot write \(path): \(String(cString: strerror(errno)))") }
            } else {
                guard link(tmp, path) == 0 else {
                    let reason = errno == EEXIST ? "the file exists; remove it first or choose another path" : String(cString: strerror(errno))
                    throw GreenlightError.io("cannot write \(path): \(reason)")
                }
                unlink(tmp)
            }
        } catch {
            if !closed { close(fd) }
            unlink(tmp)
            throw error
        }
    }
}
