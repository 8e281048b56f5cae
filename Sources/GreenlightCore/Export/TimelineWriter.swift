import Foundation

/// Streams ``TimelineSample``s to a JSON-lines file.
///
/// Lines go to a temporary file beside the destination, renamed into place by ``finish()``, so that a
/// reader never sees a half-written timeline under the final name. A crash leaves only the hidden temp file.
public final class TimelineWriter {
    private let file: AtomicFileWriter
    private let encoder: JSONEncoder

    /// Opens a timeline for writing.
    ///
    /// - Throws: ``GreenlightError`` when the directory does not exist or is not writable.
    public init(path: String) throws {
        file = try AtomicFileWriter(path: path)
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
    }

    /// Appends one sample as one line.
    public func append(_ sample: TimelineSample) throws {
        var line = try encoder.encode(sample)
        line.append(0x0A)
        try line.withUnsafeBytes { try file.write($0) }
    }

    /// Closes the file and moves it into place.
    public func finish() throws { try file.commit() }

    /// Closes and removes the temporary file without publishing it.
    public func discard() { file.discard() }
}
