import GreenlightCore

/// A tensor to be written to a GGUF file: name, dimensions and type, but not the data.
public struct GGUFTensorSpec: Sendable, Hashable {
    /// GGML_MAX_NAME: names must be shorter, in UTF-8 bytes, to leave room for the NUL in ggml.
    public static let maxNameBytes = 64

    /// The tensor's name (llama.cpp names, e.g. `blk.0.attn_q.weight`); fewer than 64 UTF-8 bytes.
    public var name: String
    /// Dimensions in ggml order: `ne[0]` is the innermost, contiguous one; a multiple of the type's block size.
    public var ne: [Int]
    /// The storage type.
    public var type: GGMLType

    /// Declares a tensor from its ggml dimensions (`ne[0]` innermost).
    public init(name: String, ne: [Int], type: GGMLType) {
        self.name = name
        self.ne = ne
        self.type = type
    }

    /// Declares a tensor from its PyTorch/numpy/safetensors shape (outermost first), stored reversed as ``ne``.
    public init(name: String, shape: [Int], type: GGMLType) {
        self.init(name: name, ne: shape.reversed(), type: type)
    }

    /// Dimensions outermost first: ``ne`` reversed.
    public var shape: [Int] { ne.reversed() }

    /// The bytes the tensor's data takes (what ``GGUFWriter/writeTensor(_:)`` expects), or nil when
    /// a dimension is negative, `ne[0]` is not a multiple of the block size, or the size overflows.
    public var byteCount: Int? {
        var elements = 1
        for d in ne {
            guard d >= 0 else { return nil }
            let (p, o) = elements.multipliedReportingOverflow(by: d)
            guard !o else { return nil }
            elements = p
        }
        guard (ne.first ?? 1) % type.blockSize == 0 else { return nil }
        return type.byteCount(elements: elements)
    }
}

/// Writes a GGUF v3 file tensor by tensor, never holding more than the caller's current chunk.
///
/// Metadata and tensor declarations come first, so the whole header (key/values in the given order,
/// the tensor-info table with offsets each padded to the alignment) is written at once; then each
/// tensor's data follows in declaration order, zero-padded to the alignment, exactly as gguf-py's
/// `GGUFWriter` lays files out. ``finish()`` checks every byte arrived, fsyncs and renames the
/// temporary file into place; on any error, on ``cancel()``, or when the writer is dropped unfinished,
/// the temporary file is removed and the destination is left as it was.
///
/// The alignment is `general.alignment` when the metadata has it (UINT32, a power of two), else 32.
/// `general.architecture`, `general.file_type` and `general.quantization_version` are ordinary
/// entries: pass them yourself (``GGUFKeyValue/architecture(_:)`` and friends) or build them with
/// ``generalMetadata(architecture:fileType:tensors:)``, which adds the quantization version (2) when
/// any tensor is quantized, as llama.cpp expects.
///
/// ```swift
/// let specs = [GGUFTensorSpec(name: "blk.0.ffn_up.weight", shape: [1536, 384], type: .q8_0)]
/// try GGUFWriter.write(to: path, metadata: GGUFWriter.generalMetadata(architecture: "bert",
///                      fileType: .mostlyQ8_0, tensors: specs), tensors: specs) { writer in
///     for spec in specs { try writer.writeTensor(quantize(spec)) }  // one tensor in memory at a time
/// }
/// ```
public final class GGUFWriter: TensorFileWriter {
    /// The tensors as they will appear in the file, with their offsets in the data section.
    public let tensors: [GGUFTensorInfo]
    /// The data alignment in bytes.
    public let alignment: Int

    /// Validates the declarations, creates the temporary file and writes the header.
    ///
    /// - Parameters:
    ///   - path: the destination; its directory must exist.
    ///   - metadata: key/value entries, written in this order.
    ///   - tensors: the tensors, in the order their data will be supplied and stored.
    /// - Throws: ``GreenlightError`` (`invalidInput`) for a duplicate key or tensor name, a name of
    ///   64 bytes or more, more than 4 dimensions, `ne[0]` not a multiple of the block size, an array
    ///   whose elements do not match its element type, or a bad `general.alignment`; `io` when the
    ///   file cannot be created.
    /// The size in bytes of the file that ``init(path:metadata:tensors:)`` and the data would make, computed
    /// without writing anything (for dry runs).
    ///
    /// - Parameter path: the file the size is for, named in errors.
    /// - Throws: as ``init(path:metadata:tensors:)`` for invalid declarations.
    public static func fileSize(metadata: [GGUFKeyValue], tensors specs: [GGUFTensorSpec], path: String = "(GGUF size estimate)") throws -> Int {
        let (header, infos, alignment) = try layout(metadata: metadata, tensors: specs, path: path)
        guard let last = infos.last else { return header.count }
        return header.count + last.offset + last.byteCount + (alignment - last.byteCount % alignment) % alignment
    }

    /// The header bytes (padded to the alignment), the tensor table and the alignment.
    static func layout(
        metadata: [GGUFKeyValue], tensors specs: [GGUFTensorSpec], path: String
    ) throws -> (header: [UInt8], infos: [GGUFTensorInfo], alignment: Int) {
        func bad(_ what: String) -> GreenlightError { .invalidInput("cannot write \(path): \(what)") }

        var header: [UInt8] = Array("GGUF".utf8)
        header.appendLittleEndian(GGUFFile.version)
        header.appendLittleEndian(UInt64(specs.count))
        header.appendLittleEndian(UInt64(metadata.count))

        var alignment = GGUFKey.defaultAlignment
        var keys: Set<String> = []
        for kv in metadata {
            guard keys.insert(kv.key).inserted else { throw bad("duplicate metadata key \"\(TerminalText.escaped(kv.key))\"") }
            if kv.key == GGUFKey.alignment {
                guard case .uint32(let a) = kv.value else {
                    throw bad("general.alignment must be UINT32, not \(kv.value.type)")
                }
                guard a != 0, a & (a - 1) == 0 else { throw bad("general.alignment \(a) is not a non-zero power of two") }
                alignment = Int(a)
            }
            GGUFWriter.appendString(kv.key, to: &header)
            header.appendLittleEndian(kv.value.type.rawValue)
            try GGUFWriter.appendValue(kv.value, to: &header, depth: 0) { bad("metadata \"\(TerminalText.escaped(kv.key))\": \($0)") }
        }

        var infos: [GGUFTensorInfo] = []
        infos.reserveCapacity(specs.count)
        var names: Set<String> = []
        var offset = 0
        for spec in specs {
            let name = spec.name
            guard name.utf8.count < GGUFTensorSpec.maxNameBytes else {
                throw bad("tensor name \"\(TerminalText.escaped(name))\" is \(name.utf8.count) bytes; GGUF (GGML_MAX_NAME) allows at most \(GGUFTensorSpec.maxNameBytes - 1)")
            }
            guard names.insert(name).inserted else { throw bad("duplicate tensor name \"\(TerminalText.escaped(name))\"") }
            guard spec.ne.count <= GGUFFile.maxDimensions else {
                throw bad("tensor \"\(TerminalText.escaped(name))\" has \(spec.ne.count) dimensions; GGUF allows at most \(GGUFFile.maxDimensions)")
            }
            guard spec.ne.allSatisfy({ $0 >= 0 }) else { throw bad("tensor \"\(TerminalText.escaped(name))\" has a negative dimension in ne \(spec.ne)") }
            let ne0 = spec.ne.first ?? 1
            guard ne0 % spec.type.blockSize == 0 else {
                throw bad("tensor \"\(TerminalText.escaped(name))\" of type \(spec.type.name) has \(ne0) elements per row (ne[0]), not a multiple of the block size \(spec.type.blockSize)")
            }
            guard let size = spec.byteCount else { throw bad("tensor \"\(TerminalText.escaped(name))\" byte size overflows") }
            let elements = spec.ne.reduce(1, *)  // cannot overflow: byteCount checked it
            infos.append(GGUFTensorInfo(name: name, ne: spec.ne, type: spec.type, offset: offset, elementCount: elements, byteCount: size))

            GGUFWriter.appendString(name, to: &header)
            header.appendLittleEndian(UInt32(spec.ne.count))
            for d in spec.ne { header.appendLittleEndian(UInt64(d)) }
            header.appendLittleEndian(spec.type.rawValue)
            header.appendLittleEndian(UInt64(offset))

            let (padded, o1) = size.addingReportingOverflow((alignment - size % alignment) % alignment)
            let (next, o2) = offset.addingReportingOverflow(padded)
            guard !o1, !o2 else { throw bad("tensor \"\(TerminalText.escaped(name))\": data offsets overflow") }
            offset = next
        }
        header.append(contentsOf: repeatElement(0, count: (alignment - header.count % alignment) % alignment))
        return (header, infos, alignment)
    }

    public init(path: String, metadata: [GGUFKeyValue], tensors specs: [GGUFTensorSpec]) throws {
        let (header, infos, alignment) = try GGUFWriter.layout(metadata: metadata, tensors: specs, path: path)
        let file = try AtomicFileWriter(path: path)
        do {
            try file.write(header)
        } catch {
            file.discard()
            throw error
        }
        self.tensors = infos
        self.alignment = alignment
        super.init(stream: TensorDataStream(file: file, names: infos.map(\.name), sizes: infos.map(\.byteCount), alignment: alignment))
    }

    /// The tensor the next bytes belong to, or nil when all data has been supplied.
    public var nextTensor: GGUFTensorInfo? { stream.nextTensorIndex.map { tensors[$0] } }

    /// Writes a whole file: creates a writer, lets `body` supply the data, then finishes.
    ///
    /// When `body` throws, the file is abandoned and the error rethrown.
    public static func write(
        to path: String, metadata: [GGUFKeyValue], tensors: [GGUFTensorSpec], _ body: (GGUFWriter) throws -> Void
    ) throws {
        let writer = try GGUFWriter(path: path, metadata: metadata, tensors: tensors)
        try writer.complete { try body(writer) }
    }

    /// The `general.*` entries llama.cpp looks for: architecture, file type, and — when any tensor is
    /// quantized — `general.quantization_version` = 2.
    ///
    /// - Parameters:
    ///   - architecture: `general.architecture`, e.g. "llama".
    ///   - fileType: `general.file_type`, or nil to leave it out.
    ///   - tensors: the tensors the file will hold.
    public static func generalMetadata(
        architecture: String, fileType: LlamaFileType?, tensors: [GGUFTensorSpec]
    ) -> [GGUFKeyValue] {
        var kvs: [GGUFKeyValue] = [.architecture(architecture)]
        if tensors.contains(where: { $0.type.isQuantized }) { kvs.append(.quantizationVersion()) }
        if let fileType { kvs.append(.fileType(fileType)) }
        return kvs
    }

    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.appendLittleEndian(UInt64(s.utf8.count))
        out.append(contentsOf: s.utf8)
    }

    /// Appends a value's payload (its type tag is the caller's to write).
    static func appendValue(
        _ value: GGUFValue, to out: inout [UInt8], depth: Int, _ bad: (String) -> GreenlightError
    ) throws {
        switch value {
        case .uint8(let v): out.appendLittleEndian(v)
        case .int8(let v): out.appendLittleEndian(v)
        case .uint16(let v): out.appendLittleEndian(v)
        case .int16(let v): out.appendLittleEndian(v)
        case .uint32(let v): out.appendLittleEndian(v)
        case .int32(let v): out.appendLittleEndian(v)
        case .uint64(let v): out.appendLittleEndian(v)
        case .int64(let v): out.appendLittleEndian(v)
        case .float32(let v): out.appendLittleEndian(v.bitPattern)
        case .float64(let v): out.appendLittleEndian(v.bitPattern)
        case .bool(let v): out.append(v ? 1 : 0)
        case .string(let s): appendString(s, to: &out)
        case .array(let a):
            guard depth < GGUFFile.maxArrayNesting else {
                throw bad("arrays nested deeper than \(GGUFFile.maxArrayNesting) levels cannot be read back")
            }
            out.appendLittleEndian(a.elementType.rawValue)
            out.appendLittleEndian(UInt64(a.count))
            // An array read from a file is copied as it is (the parser validated it); others element by element.
            let copied = a.withSerializedElements { raw -> Bool in
                guard let raw else { return false }
                out.append(contentsOf: raw)
                return true
            }
            guard !copied else { return }
            for (i, e) in a.enumerated() {
                guard e.type == a.elementType else {
                    throw bad("array of \(a.elementType) has an element \(i) of type \(e.type)")
                }
                try appendValue(e, to: &out, depth: depth + 1, bad)
            }
        }
    }
}
