import Foundation

/// Writes whole files atomically: a temporary file in the same directory, then rename(2).
///
/// A reader sees the old file or the new one, never a half-written one, and a failed write leaves nothing behind.
public enum AtomicFile {
    /// Writes `data` to `path` atomically.
    ///
    /// - Throws: ``GreenlightError`` naming the path when the directory is missing or not writable.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw GreenlightError.io("cannot write \(path): directory \(dir) does not exist")
        }
        let tmp = dir + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard FileManager.default.createFile(atPath: tmp, contents: data) else {
            throw GreenlightError.io("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        if rename(tmp, path) != 0 {
            let err = String(cString: strerror(errno))
            unlink(tmp)
            throw GreenlightError.io("cannot write \(path): \(err)")
        }
    }
}
