import Foundation

/// Streams ``TimelineSample``s to a JSON-lines file.
///
/// Lines go to a temporary file beside the destination, renamed into place by ``finish()``, so that a
/// reader never sees a half-written timeline under the final name. A crash leaves only the hidden temp file.
public final class TimelineWriter {
    private let path: String
    private let tmpPath: String
    private let handle: FileHandle
    private let encoder: JSONEncoder

    /// Opens a timeline for writing.
    ///
    /// - Throws: ``GreenlightError`` when the directory does not exist or is not writable.
    public init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        self.path = path
        self.tmpPath = dir + "/." + url.lastPathComponent + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: tmpPath, contents: nil),
              let h = FileHandle(forWritingAtPath: tmpPath) else {
            throw GreenlightError.io("cannot write timeline \(path): directory \(dir) missing or not writable")
        }
        handle = h
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
    }

    /// Appends one sample as one line.
    public func append(_ sample: TimelineSample) throws {
        var line = try encoder.encode(sample)
        line.append(0x0A)
        try handle.write(contentsOf: line)
    }

    /// Closes the file and moves it into place.
    public func finish() throws {
        try handle.close()
        if rename(tmpPath, path) != 0 {
            let err = String(cString: strerror(errno))
            unlink(tmpPath)
            throw GreenlightError.io("cannot write timeline \(path): \(err)")
        }
    }

    /// Closes and removes the temporary file without publishing it.
    public func discard() {
        try? handle.close()
        unlink(tmpPath)
    }
}
