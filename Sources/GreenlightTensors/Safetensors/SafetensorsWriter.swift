import GreenlightCore

/// A tensor to be written to a safetensors file: name, element type and shape, but not the data.
public struct SafetensorsTensorSpec: Sendable, Hashable {
    /// The tensor's name (any string except `__metadata__`).
    public var name: String
    /// The element type.
    public var dtype: SafetensorsDType
    /// Dimensions, outermost first (PyTorch/numpy order).
    public var shape: [Int]

    /// Declares a tensor.
    public init(name: String, dtype: SafetensorsDType, shape: [Int]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
    }
}

/// Writes a safetensors file tensor by tensor, never holding more than the caller's current chunk.
///
/// The tensors are declared up front, so the header (compact JSON: `__metadata__` first, then the
/// tensors in data order, padded with spaces to a multiple of 8 bytes like the reference writer) is
/// written at once; then the data follows in the declared order, through ``writeTensor(_:)`` (one whole
/// tensor per call) or ``write(_:)`` (chunks of any size). ``finish()`` checks every byte arrived,
/// fsyncs and renames the temporary file into place. Until then the destination is untouched; on any
/// error, on ``cancel()``, or when the writer is dropped unfinished, the temporary file is removed.
///
/// ```swift
/// try SafetensorsWriter.write(to: path, tensors: specs, metadata: ["format": "pt"]) { writer in
///     for spec in specs { try weights(spec.name).withUnsafeBytes { try writer.writeTensor($0) } }
/// }
/// ```
///
/// Data is written as given: pass little-endian element bytes.
public final class SafetensorsWriter: TensorFileWriter {
    /// The tensors as they will appear in the file, with their data offsets.
    public let tensors: [SafetensorsTensorInfo]

    /// Validates the declarations, creates the temporary file and writes the header.
    ///
    /// - Parameters:
    ///   - path: the destination; its directory must exist.
    ///   - tensors: the tensors, in the order their data will be supplied and stored.
    ///   - metadata: the `__metadata__` map, or nil to leave it out.
    /// - Throws: ``GreenlightError`` (`invalidInput`) for a duplicate or reserved name, a negative
    ///   dimension or a byte size that overflows; `io` when the file cannot be created.
    /// The size in bytes of the file that ``init(path:tensors:metadata:)`` and the data would make, computed
    /// without writing anything (for dry runs).
    ///
    /// - Throws: as ``init(path:tensors:metadata:)`` for invalid declarations.
    ///
    /// - Parameter path: the file the size is for, named in errors.
    public static func fileSize(
        tensors specs: [SafetensorsTensorSpec], metadata: [String: String]? = nil, path: String = "(safetensors size estimate)"
    ) throws -> Int {
        let (header, infos) = try layout(specs, metadata: metadata, path: path)
        return 8 + header.count + (infos.last?.dataOffsets.upperBound ?? 0)
    }

    static func layout(
        _ specs: [SafetensorsTensorSpec], metadata: [String: String]?, path: String
    ) throws -> (header: [UInt8], infos: [SafetensorsTensorInfo]) {
        func bad(_ what: String) -> GreenlightError { .invalidInput("cannot write \(path): \(what)") }
        var infos: [SafetensorsTensorInfo] = []
        infos.reserveCapacity(specs.count)
        var seen: Set<String> = []
        var offset = 0
        for spec in specs {
            guard spec.name != "__metadata__" else { throw bad("\"__metadata__\" is reserved and cannot name a tensor") }
            guard seen.insert(spec.name).inserted else { throw bad("duplicate tensor name \"\(TerminalText.escaped(spec.name))\"") }
            var elements = 1
            for d in spec.shape {
                guard d >= 0 else { throw bad("tensor \"\(TerminalText.escaped(spec.name))\": negative dimension in shape \(spec.shape)") }
                let (p, o) = elements.multipliedReportingOverflow(by: d)
                guard !o else { throw bad("tensor \"\(TerminalText.escaped(spec.name))\": the product of shape \(spec.shape) overflows") }
                elements = p
            }
            let (size, o1) = elements.multipliedReportingOverflow(by: spec.dtype.size)
            let (end, o2) = offset.addingReportingOverflow(size)
            guard !o1, !o2 else { throw bad("tensor \"\(TerminalText.escaped(spec.name))\": byte size overflows") }
            infos.append(SafetensorsTensorInfo(
                name: spec.name, dtype: spec.dtype, shape: spec.shape, dataOffsets: offset..<end, elementCount: elements))
            offset = end
        }
        let header = SafetensorsWriter.header(infos, metadata: metadata)
        guard header.count <= SafetensorsFile.maxHeaderLength else {
            throw bad("the header would be \(header.count) bytes, over the \(SafetensorsFile.maxHeaderLength)-byte limit readers enforce")
        }
        return (header, infos)
    }

    public init(path: String, tensors specs: [SafetensorsTensorSpec], metadata: [String: String]? = nil) throws {
        let (header, infos) = try SafetensorsWriter.layout(specs, metadata: metadata, path: path)
        let file = try AtomicFileWriter(path: path)
        do {
            var prefix: [UInt8] = []
            prefix.appendLittleEndian(UInt64(header.count))
            try file.write(prefix)
            try file.write(header)
        } catch {
            file.discard()
            throw error
        }
        self.tensors = infos
        super.init(stream: TensorDataStream(file: file, names: infos.map(\.name), sizes: infos.map(\.byteCount), alignment: 1))
    }

    /// The tensor the next bytes belong to, or nil when all data has been supplied.
    public var nextTensor: SafetensorsTensorInfo? { stream.nextTensorIndex.map { tensors[$0] } }

    /// Writes a whole file: creates a writer, lets `body` supply the data, then finishes.
    ///
    /// When `body` throws, the file is abandoned and the error rethrown.
    public static func write(
        to path: String, tensors: [SafetensorsTensorSpec], metadata: [String: String]? = nil,
        _ body: (SafetensorsWriter) throws -> Void
    ) throws {
        let writer = try SafetensorsWriter(path: path, tensors: tensors, metadata: metadata)
        try writer.complete { try body(writer) }
    }

    /// The JSON header: `__metadata__` (keys sorted) first, then each tensor in data order, padded to 8 bytes.
    static func header(_ infos: [SafetensorsTensorInfo], metadata: [String: String]?) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        var first = true
        func comma() {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
        }
        if let metadata {
            comma()
            JSONWriter.appendString("__metadata__", to: &out)
            out.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: "{")])
            for (i, key) in metadata.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                JSONWriter.appendString(metadata[key]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        for t in infos {
            comma()
            JSONWriter.appendString(t.name, to: &out)
            out.append(contentsOf: Array(#":{"dtype":"#.utf8))
            JSONWriter.appendString(t.dtype.rawValue, to: &out)
            out.append(contentsOf: Array(#","shape":["#.utf8))
            for (i, d) in t.shape.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.appendInt(d, to: &out)
            }
            out.append(contentsOf: Array(#"],"data_offsets":["#.utf8))
            JSONWriter.appendInt(t.dataOffsets.lowerBound, to: &out)
            out.append(UInt8(ascii: ","))
            JSONWriter.appendInt(t.dataOffsets.upperBound, to: &out)
            out.append(contentsOf: Array("]}".utf8))
        }
        out.append(UInt8(ascii: "}"))
        // Space padding keeps the data section 8-byte aligned, as the reference writer does.
        out.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - out.count % 8) % 8))
        return out
    }
}
