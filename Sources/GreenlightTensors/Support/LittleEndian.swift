extension Array where Element == UInt8 {
    /// Appends `value` as little-endian bytes (the byte order of safetensors and GGUF).
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
