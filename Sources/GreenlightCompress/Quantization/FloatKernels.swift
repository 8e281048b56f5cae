/// `F32`, `F16` and `BF16` encoding and decoding, element by element (their block size is 1).
///
/// Bytes are little-endian; the raw side may be unaligned (safetensors and GGUF data offsets need not be).
enum FloatKernels {
    static func encodeF32(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ count: Int) -> Int {
        // A byte copy keeps NaN payloads, like numpy's astype(np.float32, copy=False).
        y.copyMemory(from: x, byteCount: count * 4)
        return -1
    }

    static func decodeF32(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        UnsafeMutableRawPointer(y).copyMemory(from: x, byteCount: count * 4)
    }

    static func encodeF16(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ count: Int) -> Int {
        for i in 0..<count {
            y.storeBytes(of: HalfBits.half(x[i]), toByteOffset: 2 * i, as: UInt16.self)
        }
        return -1
    }

    static func decodeF16(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        for i in 0..<count {
            y[i] = HalfBits.float(fromHalf: x.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
        }
    }

    static func encodeBF16(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ count: Int) -> Int {
        for i in 0..<count {
            y.storeBytes(of: HalfBits.bfloat16(fromFloatBits: x[i].bitPattern), toByteOffset: 2 * i, as: UInt16.self)
        }
        return -1
    }

    static func decodeBF16(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        for i in 0..<count {
            y[i] = Float(bitPattern: UInt32(x.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16)
        }
    }
}
