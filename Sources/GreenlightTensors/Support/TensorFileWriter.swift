import GreenlightCore

/// The streaming half shared by ``GGUFWriter`` and ``SafetensorsWriter``: tensor data supplied in declaration
/// order (whole tensors or chunks), padding inserted as the format wants, and an atomic finish.
public class TensorFileWriter {
    let stream: TensorDataStream

    init(stream: TensorDataStream) { self.stream = stream }

    deinit { stream.cancel() }

    /// Writes the whole data of the next tensor (then its padding, in GGUF).
    ///
    /// - Throws: ``GreenlightError`` when `bytes` is not exactly that tensor's size, when a previous
    ///   ``write(_:)`` left a tensor partly written, or on an I/O error; the file is then abandoned.
    public func writeTensor(_ bytes: UnsafeRawBufferPointer) throws { try stream.writeTensor(bytes) }

    /// Writes the whole data of the next tensor from an array (e.g. `[Float]`, `[Float16]`, `[UInt8]` blocks).
    public func writeTensor<T: BitwiseCopyable>(_ elements: [T]) throws {
        try elements.withUnsafeBytes { try stream.writeTensor($0) }
    }

    /// Appends a chunk of tensor data; chunks may end anywhere, and padding is inserted between tensors.
    ///
    /// - Throws: ``GreenlightError`` when the chunk goes past the last declared byte, or on an I/O
    ///   error; the file is then abandoned.
    public func write(_ chunk: UnsafeRawBufferPointer) throws { try stream.write(chunk) }

    /// Checks all data was supplied, then fsyncs and atomically renames the file into place.
    ///
    /// - Throws: ``GreenlightError`` naming the first incomplete tensor, or on an I/O error; the
    ///   temporary file is removed and the destination left as it was.
    public func finish() throws { try stream.finish() }

    /// Abandons the file: removes the temporary file; the destination is left as it was.
    public func cancel() { stream.cancel() }

    /// Runs `body`, which supplies the data, then finishes; abandons the file and rethrows when either throws.
    func complete(_ body: () throws -> Void) throws {
        do {
            try body()
            try finish()
        } catch {
            cancel()
            throw error
        }
    }
}
