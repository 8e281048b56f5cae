import GreenlightCore

/// What ``GGUFFile`` and ``SafetensorsFile`` share: tensors looked up by name, whose bytes point into the file's
/// mapping.
public protocol MappedTensorFile: AnyObject {
    associatedtype TensorInfo
    /// Where the file was opened from.
    var path: String { get }
    /// The tensor called `name`, or `nil`.
    func tensor(named name: String) -> TensorInfo?
    /// The bytes of `tensor`, pointing into the mapping: valid while the file is alive.
    func data(for tensor: TensorInfo) -> UnsafeRawBufferPointer
}

extension MappedTensorFile {
    /// The bytes of the tensor called `name`, pointing into the mapping; see ``data(for:)``.
    ///
    /// - Throws: ``GreenlightError`` (`notFound`) when the file has no such tensor.
    public func data(named name: String) throws -> UnsafeRawBufferPointer {
        guard let info = tensor(named: name) else {
            throw GreenlightError.notFound("\(path): no tensor named \"\(TerminalText.escaped(name))\"")
        }
        return data(for: info)
    }

    /// Calls `body` with the bytes of the tensor called `name`, keeping the file alive meanwhile.
    ///
    /// - Throws: ``GreenlightError`` (`notFound`) when the file has no such tensor, or what `body` throws.
    public func withData<R>(named name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        try withExtendedLifetime(self) { try body(data(named: name)) }
    }
}
