import GreenlightCore

/// One tensor of a safetensors file: name, element type, shape and where its bytes are.
public struct SafetensorsTensorInfo: Sendable, Hashable {
    /// The tensor's name, the key in the header.
    public let name: String
    /// The element type.
    public let dtype: SafetensorsDType
    /// Dimensions, outermost first (PyTorch/numpy order): a `[rows, columns]` matrix stores each row contiguously.
    public let shape: [Int]
    /// The header's `data_offsets`: the byte range inside the data section (which starts after the header).
    public let dataOffsets: Range<Int>
    /// The product of ``shape`` (1 for a scalar, 0 when any dimension is 0).
    public let elementCount: Int

    /// Bytes of data: `elementCount × dtype.size`.
    public var byteCount: Int { dataOffsets.count }
}

/// A safetensors file mapped read-only into memory, validated as the reference implementation does.
///
/// Opening reads only the header; tensor data is reached through ``data(for:)`` as pointers into the
/// mapping, without copying, so a multi-gigabyte model costs address space rather than memory.
/// The class is immutable and may be shared across tasks.
///
/// ```swift
/// let file = try SafetensorsFile(path: "model.safetensors")
/// for info in file.tensors where info.dtype == .f32 {
///     let floats = file.data(for: info).assumingMemoryBound(to: Float.self)  // little-endian host
/// }
/// ```
public final class SafetensorsFile: MappedTensorFile, @unchecked Sendable {
    /// The reference implementation's limit on the JSON header (100 MB).
    public static let maxHeaderLength = 100_000_000

    /// The path the file was opened from.
    public let path: String
    /// The tensors in the order of their data in the file (by ``SafetensorsTensorInfo/dataOffsets``).
    public let tensors: [SafetensorsTensorInfo]
    /// The header's `__metadata__` map, or nil when the header has none.
    public let metadata: [String: String]?
    /// The length of the JSON header in bytes (the `N` of the 8-byte prefix, padding included).
    public let headerLength: Int
    /// Where the data section starts in the file: `8 + headerLength`.
    public var dataStart: Int { 8 + headerLength }
    /// The file's size in bytes.
    public var fileSize: Int { mapped.count }

    private let mapped: MappedFile
    private let index: [String: Int]

    /// Maps and validates the safetensors file at `path`.
    ///
    /// - Parameter path: a file path.
    /// - Throws: ``GreenlightError`` (`invalidInput`) naming the path, and the tensor where one is at
    ///   fault, when the file breaks any rule of the format; `notFound` or `io` when it cannot be read.
    public convenience init(path: String) throws {
        try self.init(mapped: try MappedFile(path: path))
    }

    /// Parses an already mapped file.
    init(mapped: MappedFile) throws {
        let path = mapped.path
        let header = try SafetensorsHeader.parse(mapped.bytes, path: path)
        self.path = path
        self.mapped = mapped
        self.tensors = header.tensors
        self.metadata = header.metadata
        self.headerLength = header.headerLength
        var index: [String: Int] = [:]
        index.reserveCapacity(header.tensors.count)
        for (i, t) in header.tensors.enumerated() { index[t.name] = i }
        self.index = index
    }

    /// Maps and validates the safetensors file at `path`; the same as ``init(path:)``.
    public static func open(_ path: String) throws -> SafetensorsFile {
        try SafetensorsFile(path: path)
    }

    /// The tensor called `name`, or nil.
    public func tensor(named name: String) -> SafetensorsTensorInfo? {
        index[name].map { tensors[$0] }
    }

    /// The names of all tensors, in file order.
    public var tensorNames: [String] { tensors.map(\.name) }

    /// The bytes of `tensor`, pointing into the mapping (no copy).
    ///
    /// The buffer is valid as long as this file object is alive; keep a reference (or use
    /// `withExtendedLifetime(file)`) while reading it. Elements are little-endian, as on every host
    /// Greenlight supports. The start is not necessarily aligned to the element size when the header
    /// length or an earlier tensor makes it odd; use `loadUnaligned` or copy when that matters.
    ///
    /// - Parameter tensor: one of ``tensors`` (from this file).
    public func data(for tensor: SafetensorsTensorInfo) -> UnsafeRawBufferPointer {
        let start = dataStart + tensor.dataOffsets.lowerBound
        let end = dataStart + tensor.dataOffsets.upperBound
        precondition(index[tensor.name].map { tensors[$0] } == tensor, "\(tensor.name) is not a tensor of \(path)")
        return mapped.slice(start..<end)
    }

    /// Lets the kernel drop the resident pages of `tensor`'s data (after it has been read); its bytes stay
    /// readable. Streaming conversions call this so that peak memory does not grow with the file.
    public func releaseData(for tensor: SafetensorsTensorInfo) {
        mapped.release((dataStart + tensor.dataOffsets.lowerBound)..<(dataStart + tensor.dataOffsets.upperBound))
    }
}

/// The validated header of a safetensors file.
struct SafetensorsHeader {
    var headerLength: Int
    var tensors: [SafetensorsTensorInfo]
    var metadata: [String: String]?

    /// Parses and validates a whole safetensors file held in `bytes`, in the reference implementation's order:
    /// length prefix, header bounds, UTF-8, JSON, entries, contiguous offsets and sizes, file coverage.
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws -> SafetensorsHeader {
        func bad(_ what: String) -> GreenlightError { .invalidInput("\(path): \(what)") }

        guard bytes.count >= 8 else {
            throw bad("file is too small for a safetensors header (\(bytes.count) bytes; the 8-byte header length alone needs 8)")
        }
        let n64 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        guard n64 <= UInt64(SafetensorsFile.maxHeaderLength) else {
            throw bad("header length \(n64) exceeds the \(SafetensorsFile.maxHeaderLength)-byte limit; this is not a safetensors file or it is corrupt")
        }
        let n = Int(n64)
        guard 8 + n <= bytes.count else {
            throw bad("header length \(n) runs past the end of the file (\(bytes.count) bytes); the file is truncated or not safetensors")
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + n)])
        guard String(validating: headerBytes, as: UTF8.self) != nil else {
            throw bad("header is not valid UTF-8")
        }
        let json: JSONValue
        do {
            json = try JSONScanner.parse(headerBytes)
        } catch {
            throw bad("header is not valid JSON: \(error.message) at byte \(error.offset) of the header")
        }
        guard case .object(let members) = json else {
            throw bad("header is not a JSON object (it is \(json.kind))")
        }

        var metadata: [String: String]?
        var entries: [SafetensorsTensorInfo] = []
        entries.reserveCapacity(members.count)
        for member in members {
            let key = member.key, value = member.value
            if key == "__metadata__" {
                metadata = try parseMetadata(value, bad)
            } else {
                entries.append(try parseEntry(name: key, value, bad))
            }
        }

        // Sorted by offsets like the reference reader; stable, so equal (empty) ranges keep header order.
        let sorted = entries.enumerated().sorted { a, b in
            let l = a.element.dataOffsets, r = b.element.dataOffsets
            if l.lowerBound != r.lowerBound { return l.lowerBound < r.lowerBound }
            if l.upperBound != r.upperBound { return l.upperBound < r.upperBound }
            return a.offset < b.offset
        }.map(\.element)

        var end = 0
        for t in sorted {
            let o = t.dataOffsets
            if o.lowerBound > end {
                throw bad("tensor \"\(TerminalText.escaped(t.name))\": data_offsets [\(o.lowerBound), \(o.upperBound)] leave a gap of \(o.lowerBound - end) bytes after the previous tensor, which ends at \(end)")
            }
            if o.lowerBound < end {
                throw bad("tensor \"\(TerminalText.escaped(t.name))\": data_offsets [\(o.lowerBound), \(o.upperBound)] overlap the previous tensor, which ends at \(end)")
            }
            let (bytesNeeded, overflow) = t.elementCount.multipliedReportingOverflow(by: t.dtype.size)
            if overflow {
                throw bad("tensor \"\(TerminalText.escaped(t.name))\": shape \(t.shape) of \(t.dtype.name) overflows when computing its byte size")
            }
            if bytesNeeded != o.count {
                throw bad("tensor \"\(TerminalText.escaped(t.name))\": data_offsets [\(o.lowerBound), \(o.upperBound)] span \(o.count) bytes but shape \(t.shape) of \(t.dtype.name) needs \(bytesNeeded) bytes")
            }
            end = o.upperBound
        }
        let dataBytes = bytes.count - 8 - n
        if end != dataBytes {
            throw bad("the tensors cover \(end) bytes of data but the file's data section has \(dataBytes) bytes (file of \(bytes.count) bytes, header of \(n)); the data section must match exactly")
        }
        return SafetensorsHeader(headerLength: n, tensors: sorted, metadata: metadata)
    }

    private static func parseMetadata(
        _ value: JSONValue, _ bad: (String) -> GreenlightError
    ) throws -> [String: String]? {
        switch value {
        case .null:
            return nil
        case .object(let pairs):
            var map: [String: String] = [:]
            for member in pairs {
                let k = member.key, v = member.value
                guard case .string(let s) = v else {
                    throw bad("__metadata__ must map strings to strings, but \"\(TerminalText.escaped(k))\" is \(v.kind)")
                }
                map[k] = s
            }
            return map
        default:
            throw bad("__metadata__ must be an object of strings, not \(value.kind)")
        }
    }

    private static func parseEntry(
        name: String, _ value: JSONValue, _ bad: (String) -> GreenlightError
    ) throws -> SafetensorsTensorInfo {
        func badTensor(_ what: String) -> GreenlightError { bad("tensor \"\(TerminalText.escaped(name))\": \(what)") }
        guard case .object(let fields) = value else {
            throw badTensor("entry must be an object with dtype, shape and data_offsets, not \(value.kind)")
        }
        var dtypeValue: JSONValue?, shapeValue: JSONValue?, offsetsValue: JSONValue?
        for member in fields {
            let k = member.key, v = member.value
            switch k {
            case "dtype": dtypeValue = v
            case "shape": shapeValue = v
            case "data_offsets": offsetsValue = v
            default: break  // unknown fields are ignored, as serde does by default
            }
        }
        guard let dtypeValue else { throw badTensor("missing field dtype") }
        guard let shapeValue else { throw badTensor("missing field shape") }
        guard let offsetsValue else { throw badTensor("missing field data_offsets") }

        guard case .string(let dtypeName) = dtypeValue else { throw badTensor("dtype must be a string, not \(dtypeValue.kind)") }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw badTensor("unknown dtype \"\(TerminalText.escaped(dtypeName))\" (known: \(SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }

        guard case .array(let dims) = shapeValue else { throw badTensor("shape must be an array of non-negative integers, not \(shapeValue.kind)") }
        var shape: [Int] = []
        shape.reserveCapacity(dims.count)
        var elements = 1
        var elementsOverflow = false
        for d in dims {
            guard case .number(let u?) = d, u <= UInt64(Int.max) else {
                throw badTensor("shape must be an array of non-negative integers; found \(d.kind) that is not one")
            }
            shape.append(Int(u))
            let (p, o) = elements.multipliedReportingOverflow(by: Int(u))
            elementsOverflow = elementsOverflow || o
            elements = p
        }
        if elementsOverflow {
            throw badTensor("the product of shape \(shape) overflows")
        }

        guard case .array(let offs) = offsetsValue, offs.count == 2 else {
            throw badTensor("data_offsets must be an array of two non-negative integers [begin, end]")
        }
        guard case .number(let b?) = offs[0], case .number(let e?) = offs[1],
            b <= UInt64(Int.max), e <= UInt64(Int.max)
        else {
            throw badTensor("data_offsets must be two non-negative integers [begin, end]")
        }
        guard b <= e else {
            throw badTensor("data_offsets [\(b), \(e)] end before they begin")
        }
        return SafetensorsTensorInfo(
            name: name, dtype: dtype, shape: shape, dataOffsets: Int(b)..<Int(e), elementCount: elements)
    }
}
