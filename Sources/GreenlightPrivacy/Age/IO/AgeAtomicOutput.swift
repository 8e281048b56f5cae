import Foundation
import GreenlightCore

/// age output files through GreenlightCore's ``AtomicFileWriter``: published only when the whole file was
/// written (and, when decrypting, authenticated); on any error the destination is untouched.
enum AgeAtomicOutput {
    /// Runs `body` with a sink into a new file at `path`, created with `mode` (less the umask).
    ///
    /// - Parameter overwrite: With false an existing file is never replaced (identity files).
    static func write(toPath path: String, mode: mode_t, overwrite: Bool = true, _ body: (inout AtomicWriterSink) throws -> Void) throws {
        if !overwrite, FileManager.default.fileExists(atPath: path) {
            throw GreenlightError.io("cannot write \(path): the file exists; remove it first or choose another path")
        }
        let writer = try AtomicFileWriter(path: path, mode: mode)
        do {
            var sink = AtomicWriterSink(writer: writer)
            try body(&sink)
            try writer.commit(replacing: overwrite)
        } catch {
            writer.discard()
            throw error
        }
    }
}

/// An ``AgeByteSink`` into an ``AtomicFileWriter``.
struct AtomicWriterSink: AgeByteSink {
    let writer: AtomicFileWriter

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws { try writer.write(bytes) }
}
