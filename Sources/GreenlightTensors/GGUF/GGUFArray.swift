/// The elements of a GGUF ARRAY value.
///
/// An array read from a file stays in the file's mapping: only its element type, count and byte range are
/// kept, and elements are decoded as they are iterated. A 20-million-element array then costs nothing
/// until it is read, and reading it costs one element at a time, so memory stays bounded by the file
/// rather than by `count × MemoryLayout<GGUFValue>`. Arrays built in code hold their elements.
public struct GGUFArray: Sendable, Equatable, Sequence, CustomStringConvertible {
    /// The type of every element.
    public let elementType: GGUFValueType
    /// The number of elements.
    public let count: Int
    private let storage: Storage

    enum Storage: Sendable {
        case values([GGUFValue])
        /// Serialized elements (no type or count prefix) in `file`, already validated by the parser.
        case mapped(MappedFile, Range<Int>)
        /// The same, in a buffer the caller keeps alive (the parser's, without a mapping to own).
        case bytes([UInt8])
    }

    /// An array of `elements`, all of type `elementType` (the writer checks that they are).
    public init(elementType: GGUFValueType, _ elements: [GGUFValue]) {
        self.elementType = elementType
        self.count = elements.count
        self.storage = .values(elements)
    }

    init(elementType: GGUFValueType, count: Int, storage: Storage) {
        self.elementType = elementType
        self.count = count
        self.storage = storage
    }

    /// Whether the array has no elements.
    public var isEmpty: Bool { count == 0 }

    /// All elements, decoded (for large arrays prefer iterating or `prefix`).
    public var elements: [GGUFValue] { Array(self) }

    /// The serialized elements, when the array was read from a file (the writer copies them as they are).
    func withSerializedElements<R>(_ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
        switch storage {
        case .values: return try body(nil)
        case .mapped(let file, let range): return try withExtendedLifetime(file) { try body(file.slice(range)) }
        case .bytes(let b): return try b.withUnsafeBytes { try body($0) }
        }
    }

    public static func == (a: GGUFArray, b: GGUFArray) -> Bool {
        a.elementType == b.elementType && a.count == b.count && a.elementsEqual(b)
    }

    /// Arrays of up to 8 elements in full, longer ones as `[count × TYPE]`.
    public var description: String {
        count <= 8 ? "[" + map(\.description).joined(separator: ", ") + "]" : "[\(count) × \(elementType)]"
    }

    public func makeIterator() -> Iterator { Iterator(array: self) }

    /// Decodes one element after another.
    public struct Iterator: IteratorProtocol {
        private let array: GGUFArray
        private var index = 0
        private var offset = 0

        init(array: GGUFArray) { self.array = array }

        public mutating func next() -> GGUFValue? {
            guard index < array.count else { return nil }
            defer { index += 1 }
            switch array.storage {
            case .values(let v):
                return v[index]
            case .mapped(let file, let range):
                return withExtendedLifetime(file) {
                    GGUFValueDecoder.decode(array.elementType, in: file.slice(range), at: &offset, owner: .mapped(file, range.lowerBound))
                }
            case .bytes(let b):
                return b.withUnsafeBytes { GGUFValueDecoder.decode(array.elementType, in: $0, at: &offset, owner: .copy) }
            }
        }
    }
}

/// Decoding of values the parser has already validated (so bounds hold and strings are UTF-8).
enum GGUFValueDecoder {
    /// Where nested arrays keep their elements: in the same mapping (at `base` + offset), or in a copy.
    enum Owner {
        case mapped(MappedFile, Int)
        case copy
    }

    /// The value of `type` at `offset` in `bytes`, advancing `offset`; nil only if `bytes` were not validated.
    static func decode(_ type: GGUFValueType, in bytes: UnsafeRawBufferPointer, at offset: inout Int, owner: Owner) -> GGUFValue? {
        func load<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard offset + MemoryLayout<T>.size <= bytes.count else { return nil }
            defer { offset += MemoryLayout<T>.size }
            return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        }
        switch type {
        case .uint8: return load(UInt8.self).map { .uint8($0) }
        case .int8: return load(Int8.self).map { .int8($0) }
        case .uint16: return load(UInt16.self).map { .uint16($0) }
        case .int16: return load(Int16.self).map { .int16($0) }
        case .uint32: return load(UInt32.self).map { .uint32($0) }
        case .int32: return load(Int32.self).map { .int32($0) }
        case .uint64: return load(UInt64.self).map { .uint64($0) }
        case .int64: return load(Int64.self).map { .int64($0) }
        case .float32: return load(UInt32.self).map { .float32(Float(bitPattern: $0)) }
        case .float64: return load(UInt64.self).map { .float64(Double(bitPattern: $0)) }
        case .bool: return load(UInt8.self).map { .bool($0 == 1) }
        case .string:
            guard let n = load(UInt64.self), n <= UInt64(bytes.count - offset) else { return nil }
            defer { offset += Int(n) }
            return .string(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + Int(n))]), as: UTF8.self))
        case .array:
            guard let rawType = load(UInt32.self), let elementType = GGUFValueType(rawValue: rawType),
                  let n = load(UInt64.self), let count = Int(exactly: n) else { return nil }
            let start = offset
            var end = offset
            for _ in 0..<count {
                guard skip(elementType, in: bytes, at: &end) else { return nil }
            }
            offset = end
            switch owner {
            case .mapped(let file, let base):
                return .array(GGUFArray(elementType: elementType, count: count, storage: .mapped(file, (base + start)..<(base + end))))
            case .copy:
                return .array(GGUFArray(elementType: elementType, count: count, storage: .bytes(Array(bytes[start..<end]))))
            }
        }
    }

    /// Steps over one value of `type`; false if it runs past the end.
    static func skip(_ type: GGUFValueType, in bytes: UnsafeRawBufferPointer, at offset: inout Int) -> Bool {
        if let size = type.fixedSize {
            guard size <= bytes.count - offset else { return false }
            offset += size
            return true
        }
        guard 8 <= bytes.count - offset else { return false }
        if type == .string {
            let n = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            guard n <= UInt64(bytes.count - offset - 8) else { return false }
            offset += 8 + Int(n)
            return true
        }
        guard 12 <= bytes.count - offset,
              let elementType = GGUFValueType(rawValue: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        else { return false }
        let n = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt64.self))
        offset += 12
        if let size = elementType.fixedSize {
            guard n <= UInt64((bytes.count - offset) / size) else { return false }
            offset += Int(n) * size
            return true
        }
        guard n <= UInt64(bytes.count - offset) else { return false }
        for _ in 0..<Int(n) where !skip(elementType, in: bytes, at: &offset) { return false }
        return true
    }
}
