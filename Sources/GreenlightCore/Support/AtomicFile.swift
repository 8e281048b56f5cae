public import Foundation

/// Writes whole files atomically: a temporary file in the same directory, then rename(2).
///
/// A reader sees the old file or the new one, never a half-written one, and a failed write leaves nothing behind.
public enum AtomicFile {
    /// Writes `data` to `path` atomically.
    ///
    /// - Throws: ``GreenlightError`` naming the path when the directory is missing or not writable.
    public static func write(_ data: Data, to path: String) throws {
        let writer = try AtomicFileWriter(path: path)
        try data.withUnsafeBytes { try writer.write($0) }
        try writer.commit()
    }
}
