import GreenlightCore

/// One tensor of a GGUF file.
///
/// GGUF stores dimensions in ggml order: ``ne`` lists the innermost (contiguous) dimension first, so a
/// PyTorch weight of shape `[out, in]` has `ne == [in, out]`. ``shape`` gives the PyTorch/numpy order.
public struct GGUFTensorInfo: Sendable, Hashable {
    /// The tensor's name (llama.cpp names, e.g. `blk.0.attn_q.weight`).
    public let name: String
    /// Dimensions in ggml order: `ne[0]` is the innermost, contiguous one (a row's length).
    public let ne: [Int]
    /// The storage type.
    public let type: GGMLType
    /// Where the data starts, relative to the file's data section (``GGUFFile/dataStart``).
    public let offset: Int
    /// The product of the dimensions.
    public let elementCount: Int
    /// Bytes of data: `elementCount / type.blockSize × type.typeSize`.
    public let byteCount: Int

    /// Dimensions outermost first (PyTorch/numpy/safetensors order): ``ne`` reversed.
    public var shape: [Int] { ne.reversed() }
}

/// A GGUF v3 file mapped read-only into memory: metadata, tensor table, and zero-copy tensor data.
///
/// Opening parses the header and validates it against the file's size before allocating anything
/// a count in the file asks for, so a hostile or truncated file gives a clear error rather than a
/// crash or a huge allocation. The class is immutable and may be shared across tasks.
///
/// Only little-endian files are read (what llama.cpp and gguf-py write by default).
public final class GGUFFile: MappedTensorFile, @unchecked Sendable {
    /// The only version read and written: 3.
    public static let version: UInt32 = 3
    /// GGML_MAX_DIMS.
    public static let maxDimensions = 4
    /// Arrays nested deeper than this are refused, so a hostile file cannot exhaust the stack.
    public static let maxArrayNesting = 64

    /// The path the file was opened from.
    public let path: String
    /// The metadata, in file order.
    public let metadata: [GGUFKeyValue]
    /// The tensors, in the order of the file's tensor-info table.
    public let tensors: [GGUFTensorInfo]
    /// The data alignment: `general.alignment`, or 32 when absent.
    public let alignment: Int
    /// Where the data section starts in the file: the end of the tensor-info table rounded up to ``alignment``.
    public let dataStart: Int
    /// The file's size in bytes.
    public var fileSize: Int { mapped.count }

    private let mapped: MappedFile
    private let keyIndex: [String: Int]
    private let tensorIndex: [String: Int]

    /// Maps and validates the GGUF file at `path`.
    ///
    /// - Throws: ``GreenlightError`` (`invalidInput`) naming the path, and the key or tensor at fault,
    ///   when the file is not a valid little-endian GGUF v3 file; `notFound` or `io` when it cannot be read.
    public convenience init(path: String) throws {
        try self.init(mapped: try MappedFile(path: path))
    }

    /// Parses an already mapped file.
    init(mapped: MappedFile) throws {
        let path = mapped.path
        let parsed = try GGUFParser.parse(mapped.bytes, path: path, owner: mapped)
        self.path = path
        self.mapped = mapped
        self.metadata = parsed.metadata
        self.tensors = parsed.tensors
        self.alignment = parsed.alignment
        self.dataStart = parsed.dataStart
        var keyIndex: [String: Int] = [:]
        for (i, kv) in parsed.metadata.enumerated() { keyIndex[kv.key] = i }
        var tensorIndex: [String: Int] = [:]
        for (i, t) in parsed.tensors.enumerated() { tensorIndex[t.name] = i }
        self.keyIndex = keyIndex
        self.tensorIndex = tensorIndex
    }

    /// Maps and validates the GGUF file at `path`; the same as ``init(path:)``.
    public static func open(_ path: String) throws -> GGUFFile { try GGUFFile(path: path) }

    /// The value of metadata key `key`, or nil.
    public subscript(key: String) -> GGUFValue? { keyIndex[key].map { metadata[$0].value } }

    /// `general.architecture`, when present and a string.
    public var architecture: String? { self[GGUFKey.architecture]?.stringValue }

    /// `general.file_type`, when present and a number llama.cpp defines.
    public var fileType: LlamaFileType? {
        self[GGUFKey.fileType]?.intValue.flatMap { UInt32(exactly: $0) }.flatMap(LlamaFileType.init(rawValue:))
    }

    /// `general.quantization_version`, when present.
    public var quantizationVersion: Int? { self[GGUFKey.quantizationVersion]?.intValue }

    /// The tensor called `name`, or nil.
    public func tensor(named name: String) -> GGUFTensorInfo? { tensorIndex[name].map { tensors[$0] } }

    /// The bytes of `tensor`, pointing into the mapping (no copy).
    ///
    /// Valid as long as this file object is alive; keep a reference (or use `withExtendedLifetime`)
    /// while reading it. The start is aligned to ``alignment`` within the file, and mappings are
    /// page-aligned, so F32 and F16 data can be bound to `Float`/`Float16` directly.
    ///
    /// - Parameter tensor: one of ``tensors`` (from this file).
    public func data(for tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        precondition(tensorIndex[tensor.name].map { tensors[$0] } == tensor, "\(tensor.name) is not a tensor of \(path)")
        let start = dataStart + tensor.offset
        return mapped.slice(start..<(start + tensor.byteCount))
    }

    /// Lets the kernel drop the resident pages of `tensor`'s data (after it has been read); its bytes stay
    /// readable. Streaming conversions call this so that peak memory does not grow with the file.
    public func releaseData(for tensor: GGUFTensorInfo) {
        mapped.release((dataStart + tensor.offset)..<(dataStart + tensor.offset + tensor.byteCount))
    }
}

/// Parses and validates a whole GGUF file held in memory.
struct GGUFParser {
    struct Result {
        var metadata: [GGUFKeyValue]
        var tensors: [GGUFTensorInfo]
        var alignment: Int
        var dataStart: Int
    }

    let bytes: UnsafeRawBufferPointer
    let path: String
    /// The mapping `bytes` lie in: arrays then stay in it. Without one they are copied (as bytes).
    let owner: MappedFile?
    private var pos = 0

    private init(bytes: UnsafeRawBufferPointer, path: String, owner: MappedFile?) {
        self.bytes = bytes
        self.path = path
        self.owner = owner
    }

    /// Parses and validates `bytes`, a whole GGUF file read from `path` (named in errors); `owner` is the
    /// mapping holding `bytes`, if any.
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String, owner: MappedFile? = nil) throws -> Result {
        var parser = GGUFParser(bytes: bytes, path: path, owner: owner)
        return try parser.parse()
    }

    private func bad(_ what: String) -> GreenlightError { .invalidInput("\(path): \(what)") }

    private var remaining: Int { bytes.count - pos }

    private mutating func need(_ n: Int, _ what: @autoclosure () -> String) throws {
        guard n <= remaining else {
            throw bad("truncated: \(what()) needs \(n) bytes at offset \(pos) but the file ends at \(bytes.count)")
        }
    }

    private mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        try need(MemoryLayout<T>.size, what())
        let v = T(littleEndian: bytes.loadUnaligned(fromByteOffset: pos, as: T.self))
        pos += MemoryLayout<T>.size
        return v
    }

    private mutating func readString(_ what: @autoclosure () -> String) throws -> String {
        let at = pos
        let n = try read(UInt64.self, "the length of \(what())")
        guard n <= UInt64(remaining) else {
            throw bad("\(what()) at offset \(at) claims \(n) bytes but only \(remaining) remain in the file")
        }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[pos..<(pos + Int(n))])
        guard let s = String(validating: raw, as: UTF8.self) else {
            throw bad("\(what()) at offset \(at) is not valid UTF-8")
        }
        pos += Int(n)
        return s
    }

    private mutating func parse() throws -> Result {
        try readHeader()
        let tensorCount = try read(UInt64.self, "the tensor count")
        let kvCount = try read(UInt64.self, "the metadata count")
        let metadata = try readMetadata(count: kvCount)
        let alignment = try self.alignment(in: metadata)

        guard tensorCount <= UInt64(remaining / 24) else {
            throw bad("tensor count \(tensorCount) cannot fit in the \(remaining) bytes left in the file")
        }
        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(Int(tensorCount))
        var names: Set<String> = []
        for i in 0..<Int(tensorCount) {
            tensors.append(try readTensorInfo(index: i, alignment: alignment, names: &names))
        }

        // The data section starts at the next multiple of the alignment.
        let (padded, overflow) = pos.addingReportingOverflow((alignment - pos % alignment) % alignment)
        guard !overflow else { throw bad("data section start overflows") }
        let dataStart = padded
        try checkTensorsFit(tensors, dataStart: dataStart)
        return Result(metadata: metadata, tensors: tensors, alignment: alignment, dataStart: dataStart)
    }

    /// Checks the magic and the version (3, little-endian), leaving `pos` after the version.
    private mutating func readHeader() throws {
        guard bytes.count >= 4 else {
            throw bad("not a GGUF file: \(bytes.count) bytes, too small to hold the magic \"GGUF\"")
        }
        let magic = Array(bytes[0..<4])
        guard magic == Array("GGUF".utf8) else {
            let hex = magic.map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
            throw bad("not a GGUF file: bad magic \(hex) (expected 47 47 55 46, \"GGUF\")")
        }
        pos = 4
        let version = try read(UInt32.self, "the version")
        if version != GGUFFile.version {
            // Only a byte-swapped 1, 2 or 3 is a big-endian file; 0 and other values are just wrong.
            if version != 0, version & 0xFFFF == 0, (1...3).contains(version.byteSwapped) {
                throw bad("this GGUF file is big-endian (version field \(version.byteSwapped) byte-swapped); only little-endian GGUF is supported")
            }
            if version == 1 || version == 2 {
                throw bad("GGUF version \(version) is not supported, only version 3; re-convert the model with a current llama.cpp or gguf-py")
            }
            throw bad("unsupported GGUF version \(version) (expected 3) in the version field at offset 4; the file is corrupt or not from llama.cpp or gguf-py")
        }
    }

    /// Reads `count` metadata entries (keys unique).
    private mutating func readMetadata(count kvCount: UInt64) throws -> [GGUFKeyValue] {
        // Bound the counts by what the rest of the file could hold before trusting them.
        guard kvCount <= UInt64(remaining / 13) else {
            throw bad("metadata count \(kvCount) cannot fit in the \(remaining) bytes left in the file")
        }

        var metadata: [GGUFKeyValue] = []
        metadata.reserveCapacity(Int(kvCount))
        var keys: Set<String> = []
        for i in 0..<Int(kvCount) {
            let key = try readString("the key of metadata entry \(i)")
            guard keys.insert(key).inserted else { throw bad("duplicate metadata key \"\(TerminalText.escaped(key))\"") }
            let rawType = try read(UInt32.self, "the type of \"\(TerminalText.escaped(key))\"")
            guard let type = GGUFValueType(rawValue: rawType) else {
                throw bad("metadata \"\(TerminalText.escaped(key))\" has unknown value type \(rawType)")
            }
            let value = try readValue(type, key: key, depth: 0)
            metadata.append(GGUFKeyValue(key, value))
        }
        return metadata
    }

    /// `general.alignment` when present (a UINT32 power of two), else the default.
    private func alignment(in metadata: [GGUFKeyValue]) throws -> Int {
        var alignment = GGUFKey.defaultAlignment
        if let kv = metadata.first(where: { $0.key == GGUFKey.alignment }) {
            guard case .uint32(let a) = kv.value else {
                throw bad("general.alignment must be UINT32, not \(kv.value.type)")
            }
            guard a != 0, a & (a - 1) == 0 else {
                throw bad("general.alignment \(a) is not a non-zero power of two")
            }
            alignment = Int(a)
        }
        return alignment
    }

    /// Checks that every tensor's data lies inside the file and that no two overlap.
    private func checkTensorsFit(_ tensors: [GGUFTensorInfo], dataStart: Int) throws {
        for t in tensors {
            let (a, o1) = dataStart.addingReportingOverflow(t.offset)
            let (b, o2) = a.addingReportingOverflow(t.byteCount)
            guard !o1, !o2, b <= bytes.count else {
                throw bad("tensor \"\(TerminalText.escaped(t.name))\" (\(t.byteCount) bytes at data offset \(t.offset)) lies outside the file: it would end at byte \(o1 || o2 ? "past Int.max" : String(b)) of \(bytes.count); the file is truncated or corrupt")
            }
        }
        let byOffset = tensors.sorted { ($0.offset, $0.byteCount) < ($1.offset, $1.byteCount) }
        var end = 0
        var previous: String?
        for t in byOffset where t.byteCount > 0 {
            if t.offset < end, let previous {
                throw bad("tensor \"\(TerminalText.escaped(t.name))\" at data offset \(t.offset) overlaps tensor \"\(TerminalText.escaped(previous))\", which ends at \(end)")
            }
            end = t.offset + t.byteCount
            previous = t.name
        }
    }

    private mutating func readValue(_ type: GGUFValueType, key: String, depth: Int) throws -> GGUFValue {
        let what = "the value of \"\(TerminalText.escaped(key))\""
        switch type {
        case .uint8: return .uint8(try read(UInt8.self, what))
        case .int8: return .int8(try read(Int8.self, what))
        case .uint16: return .uint16(try read(UInt16.self, what))
        case .int16: return .int16(try read(Int16.self, what))
        case .uint32: return .uint32(try read(UInt32.self, what))
        case .int32: return .int32(try read(Int32.self, what))
        case .uint64: return .uint64(try read(UInt64.self, what))
        case .int64: return .int64(try read(Int64.self, what))
        case .float32: return .float32(Float(bitPattern: try read(UInt32.self, what)))
        case .float64: return .float64(Double(bitPattern: try read(UInt64.self, what)))
        case .bool:
            let at = pos
            let b = try read(UInt8.self, what)
            guard b <= 1 else { throw bad("\(what) at offset \(at) is a BOOL of \(b); only 0 and 1 are valid") }
            return .bool(b == 1)
        case .string:
            return .string(try readString(what))
        case .array:
            guard depth < GGUFFile.maxArrayNesting else {
                throw bad("\(what) nests arrays deeper than \(GGUFFile.maxArrayNesting) levels")
            }
            let rawElement = try read(UInt32.self, "the element type of \(what)")
            guard let elementType = GGUFValueType(rawValue: rawElement) else {
                throw bad("\(what) is an array of unknown value type \(rawElement)")
            }
            let at = pos
            let count = try read(UInt64.self, "the element count of \(what)")
            guard count <= UInt64(remaining / elementType.minimumSize) else {
                throw bad("\(what) at offset \(at) claims \(count) elements of \(elementType), which cannot fit in the \(remaining) bytes left in the file")
            }
            // Validated in place and kept in the mapping: decoding millions of elements up front would
            // cost far more memory than the file (issue: a 20 MB array took 510 MB).
            let start = pos
            try validateElements(elementType, count: Int(count), key: key, depth: depth + 1)
            let storage: GGUFArray.Storage = owner.map { .mapped($0, start..<pos) } ?? .bytes(Array(bytes[start..<pos]))
            return .array(GGUFArray(elementType: elementType, count: Int(count), storage: storage))
        }
    }

    /// Checks `count` elements of `type` as ``readValue(_:key:depth:)`` would, without keeping them.
    private mutating func validateElements(_ type: GGUFValueType, count: Int, key: String, depth: Int) throws {
        let what = "the elements of \"\(TerminalText.escaped(key))\""
        switch type {
        case .bool:
            try need(count, what)
            for i in 0..<count where bytes[pos + i] > 1 {
                throw bad("\(what): element \(i) at offset \(pos + i) is a BOOL of \(bytes[pos + i]); only 0 and 1 are valid")
            }
            pos += count
        case .string:
            for i in 0..<count { _ = try readString("element \(i) of \"\(TerminalText.escaped(key))\"") }
        case .array:
            for _ in 0..<count { _ = try readValue(.array, key: key, depth: depth) }
        default:
            // Fixed-size numbers: any bit pattern is valid; count was bounded by the bytes left.
            let size = type.fixedSize ?? 1
            try need(count * size, what)
            pos += count * size
        }
    }

    private mutating func readTensorInfo(index: Int, alignment: Int, names: inout Set<String>) throws -> GGUFTensorInfo {
        let name = try readString("the name of tensor \(index)")
        guard names.insert(name).inserted else { throw bad("duplicate tensor name \"\(TerminalText.escaped(name))\"") }
        let nDims = try read(UInt32.self, "the dimension count of tensor \"\(TerminalText.escaped(name))\"")
        guard nDims <= UInt32(GGUFFile.maxDimensions) else {
            throw bad("tensor \"\(TerminalText.escaped(name))\" has \(nDims) dimensions; GGUF allows at most \(GGUFFile.maxDimensions)")
        }
        var ne: [Int] = []
        var elements = 1
        for _ in 0..<Int(nDims) {
            let d = try read(UInt64.self, "the dimensions of tensor \"\(TerminalText.escaped(name))\"")
            guard d <= UInt64(Int64.max) else { throw bad("tensor \"\(TerminalText.escaped(name))\" has dimension \(d), which is negative as int64") }
            ne.append(Int(d))
        }
        for d in ne {
            let (p, o) = elements.multipliedReportingOverflow(by: d)
            guard !o else { throw bad("tensor \"\(TerminalText.escaped(name))\" has dimensions \(ne) whose product overflows") }
            elements = p
        }
        let rawType = try read(UInt32.self, "the type of tensor \"\(TerminalText.escaped(name))\"")
        guard let type = GGMLType(rawValue: rawType) else {
            if let other = GGMLType.otherName(rawType) {
                throw bad("tensor \"\(TerminalText.escaped(name))\" has ggml type \(rawType) (\(other)), which Greenlight does not support")
            }
            throw bad("tensor \"\(TerminalText.escaped(name))\" has unknown ggml type \(rawType)")
        }
        let ne0 = ne.first ?? 1
        guard ne0 % type.blockSize == 0 else {
            throw bad("tensor \"\(TerminalText.escaped(name))\" of type \(type.name) has \(ne0) elements per row (ne[0]), not a multiple of the block size \(type.blockSize)")
        }
        let (byteCount, o) = (elements / type.blockSize).multipliedReportingOverflow(by: type.typeSize)
        guard !o else { throw bad("tensor \"\(TerminalText.escaped(name))\" byte size overflows") }
        let offset = try read(UInt64.self, "the offset of tensor \"\(TerminalText.escaped(name))\"")
        guard offset <= UInt64(Int.max) else {
            throw bad("tensor \"\(TerminalText.escaped(name))\" has offset \(offset), beyond any file")
        }
        guard Int(offset) % alignment == 0 else {
            throw bad("tensor \"\(TerminalText.escaped(name))\" has offset \(offset), not a multiple of the alignment \(alignment)")
        }
        return GGUFTensorInfo(name: name, ne: ne, type: type, offset: Int(offset), elementCount: elements, byteCount: byteCount)
    }
}
