import Dispatch
import GreenlightCore
public import GreenlightTensors

/// Quantization kernels: float weights to ggml tensor types and back.
///
/// Every function works on contiguous data, one block of ``GGMLType/blockSize`` elements after another,
/// in the byte layout ggml and gguf-py use, so rows of a tensor can be passed one at a time or all at
/// once. The output is:
///
/// - byte-identical to gguf-py 0.19.0's `gguf.quants.quantize` for `F32`, `F16`, `BF16`, `Q8_0`,
///   `Q4_0`, `Q4_1`, `Q5_0` and `Q5_1` (including all-zero blocks, ±0, subnormals and values near
///   `Float.greatestFiniteMagnitude`; `Tests/GreenlightCompressTests` holds the fixtures);
/// - for `Q4_K` and `Q6_K`, which gguf-py only decodes, ggml's C reference algorithm
///   (`quantize_row_q4_K_ref`, `quantize_row_q6_K_ref`) evaluated in the same order, so the bytes match
///   a build of ggml-quants.c without floating-point contraction.
///
/// ## NaN and infinity
/// For the block types (`Q8_0` … `Q6_K`) a NaN or ±inf weight makes gguf-py emit a NaN scale and
/// quants that depend on how numpy casts NaN to an integer, so Greenlight refuses such input with
/// ``GreenlightCore/GreenlightError/invalidInput(_:)`` naming the first bad element (nothing useful is
/// lost: such a model is already broken). `F32`, `F16` and `BF16` encode NaN and ±inf exactly as gguf-py
/// does: `F16` keeps the sign and the top payload bits without quieting (`0x7c01` if they are zero), `BF16`
/// keeps the top 16 bits and sets the quiet bit.
///
/// ## Threads
/// The `threads:` variants split the blocks into one contiguous, block-aligned chunk per thread; each
/// block's bytes depend only on its own elements, so the output is identical to a single-threaded run.
public enum Quantizer {
    /// Whether ``quantize(_:to:into:)`` can write `type`.
    ///
    /// - Parameter type: a ggml tensor type.
    /// - Returns: true for `F32`, `F16`, `BF16`, `Q8_0`, `Q4_0`, `Q4_1`, `Q5_0`, `Q5_1`, `Q4_K` and `Q6_K`.
    public static func isQuantizable(_ type: GGMLType) -> Bool {
        switch type {
        case .f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q6_K: true
        default: false
        }
    }

    /// Whether ``dequantize(_:type:into:)`` can read `type` (the same types ``isQuantizable(_:)`` accepts).
    ///
    /// - Parameter type: a ggml tensor type.
    /// - Returns: whether the type can be decoded to `Float`.
    public static func isDequantizable(_ type: GGMLType) -> Bool { isQuantizable(type) }

    /// Whether gguf-py 0.19.0 quantizes `type` itself, so that Greenlight's bytes are checked against it
    /// (`F32`, `F16`, `BF16`, `Q8_0`, `Q4_0`, `Q4_1`, `Q5_0`, `Q5_1`).
    ///
    /// - Parameter type: a ggml tensor type.
    /// - Returns: true where the output is byte-identical to `gguf.quants.quantize`.
    public static func matchesGGUFPy(_ type: GGMLType) -> Bool {
        switch type {
        case .f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1: true
        default: false
        }
    }

    /// The number of bytes `count` elements take as `type`.
    ///
    /// - Parameters:
    ///   - type: the target type.
    ///   - count: the number of elements, a multiple of `type.blockSize`.
    /// - Returns: `count / blockSize × typeSize`.
    /// - Throws: ``GreenlightCore/GreenlightError/invalidInput(_:)`` when `count` is negative, not a whole
    ///   number of blocks, or too large.
    public static func byteCount(of type: GGMLType, elements count: Int) throws -> Int {
        guard count >= 0, count % type.blockSize == 0 else {
            throw GreenlightError.invalidInput(
                "\(type.name) needs a whole number of \(type.blockSize)-element blocks, but got \(count) elements; "
                    + "pad the row or choose a type whose block size divides it")
        }
        guard let bytes = type.byteCount(elements: count) else {
            throw GreenlightError.invalidInput("\(count) elements of \(type.name) do not fit in memory")
        }
        return bytes
    }

    /// Quantizes `src` to `type`, writing exactly ``byteCount(of:elements:)`` bytes to `dst`.
    ///
    /// - Parameters:
    ///   - src: the weights, `src.count` a multiple of `type.blockSize`.
    ///   - type: a type for which ``isQuantizable(_:)`` is true.
    ///   - dst: the output; its count must equal `byteCount(of: type, elements: src.count)`.
    /// - Throws: ``GreenlightCore/GreenlightError/unsupported(_:)`` for a type Greenlight cannot write;
    ///   ``GreenlightCore/GreenlightError/invalidInput(_:)`` for a partial block, a wrongly sized `dst`, or
    ///   a NaN or infinite weight with a block type (then `dst` is left partly written).
    public static func quantize(
        _ src: UnsafeBufferPointer<Float>, to type: GGMLType, into dst: UnsafeMutableRawBufferPointer
    ) throws {
        try quantize(src, to: type, into: dst, threads: 1)
    }

    /// Quantizes `src` to `type` on up to `threads` threads; the bytes are the same as with one thread.
    ///
    /// - Parameters:
    ///   - src: the weights, `src.count` a multiple of `type.blockSize`.
    ///   - type: a type for which ``isQuantizable(_:)`` is true.
    ///   - dst: the output; its count must equal `byteCount(of: type, elements: src.count)`.
    ///   - threads: how many chunks to run in parallel (values below 1 mean 1). Small inputs use fewer.
    /// - Throws: as ``quantize(_:to:into:)``; with several bad chunks, the error names the first bad element.
    public static func quantize(
        _ src: UnsafeBufferPointer<Float>, to type: GGMLType, into dst: UnsafeMutableRawBufferPointer,
        threads: Int
    ) throws {
        guard let kernel = QuantKernel(type) else {
            throw GreenlightError.unsupported("Greenlight cannot quantize to \(type.name); supported: \(supportedNames)")
        }
        let bytes = try byteCount(of: type, elements: src.count)
        guard dst.count == bytes else {
            throw GreenlightError.invalidInput(
                "output buffer for \(src.count) elements of \(type.name) must be \(bytes) bytes, not \(dst.count)")
        }
        guard src.count > 0, let x = src.baseAddress, let y = dst.baseAddress else { return }
        let blocks = src.count / type.blockSize
        // Chunks read and write disjoint block ranges, and the caller's buffers outlive the call.
        let buffers = UncheckedSendable((x, y))
        let bad = forEachChunk(blocks: blocks, blockSize: type.blockSize, threads: threads) { first, count in
            let (x, y) = buffers.value
            return kernel.quantize(x + first * type.blockSize, y + first * type.typeSize, count)
        }
        if let bad {
            let value = src[bad]
            throw GreenlightError.invalidInput(
                "cannot quantize to \(type.name): element \(bad) is \(value); gguf-py's output for NaN or infinite "
                    + "weights is undefined, so Greenlight rejects them (fix the model, or keep the tensor as F32, F16 or BF16)")
        }
    }

    /// Quantizes an array (a convenience over ``quantize(_:to:into:threads:)``).
    ///
    /// - Parameters:
    ///   - src: the weights, `src.count` a multiple of `type.blockSize`.
    ///   - type: a type for which ``isQuantizable(_:)`` is true.
    ///   - threads: how many threads to use.
    /// - Returns: the quantized bytes.
    /// - Throws: as ``quantize(_:to:into:threads:)``.
    public static func quantize(_ src: [Float], to type: GGMLType, threads: Int = 1) throws -> [UInt8] {
        let bytes = try byteCount(of: type, elements: src.count)
        var out = [UInt8](repeating: 0, count: bytes)
        try src.withUnsafeBufferPointer { s in
            try out.withUnsafeMutableBytes { d in try quantize(s, to: type, into: d, threads: threads) }
        }
        return out
    }

    /// Decodes `src`, a whole number of `type` blocks, into `dst`.
    ///
    /// The arithmetic is gguf-py's `dequantize` (e.g. `d * q - dm` for `Q4_K`, in `Float`), so the results
    /// are bit-identical to it. `src` need not be aligned.
    ///
    /// - Parameters:
    ///   - src: the encoded bytes, `src.count` a multiple of `type.typeSize`.
    ///   - type: a type for which ``isDequantizable(_:)`` is true.
    ///   - dst: the output; its count must be `src.count / typeSize × blockSize`.
    /// - Throws: ``GreenlightCore/GreenlightError/unsupported(_:)`` for a type Greenlight cannot read;
    ///   ``GreenlightCore/GreenlightError/invalidInput(_:)`` for a partial block or a wrongly sized `dst`.
    public static func dequantize(
        _ src: UnsafeRawBufferPointer, type: GGMLType, into dst: UnsafeMutableBufferPointer<Float>
    ) throws {
        guard let kernel = QuantKernel(type) else {
            throw GreenlightError.unsupported("Greenlight cannot decode \(type.name); supported: \(supportedNames)")
        }
        guard src.count % type.typeSize == 0 else {
            throw GreenlightError.invalidInput(
                "\(src.count) bytes is not a whole number of \(type.typeSize)-byte \(type.name) blocks")
        }
        let blocks = src.count / type.typeSize
        guard dst.count == blocks * type.blockSize else {
            throw GreenlightError.invalidInput(
                "output for \(blocks) blocks of \(type.name) must hold \(blocks * type.blockSize) floats, not \(dst.count)")
        }
        guard blocks > 0, let x = src.baseAddress, let y = dst.baseAddress else { return }
        kernel.dequantize(x, y, blocks)
    }

    /// Decodes bytes of `type` into a new array (a convenience over ``dequantize(_:type:into:)``).
    ///
    /// - Parameters:
    ///   - src: the encoded bytes.
    ///   - type: a type for which ``isDequantizable(_:)`` is true.
    /// - Returns: the decoded values.
    /// - Throws: as ``dequantize(_:type:into:)``.
    public static func dequantize(_ src: UnsafeRawBufferPointer, type: GGMLType) throws -> [Float] {
        guard src.count % type.typeSize == 0 else {
            throw GreenlightError.invalidInput(
                "\(src.count) bytes is not a whole number of \(type.typeSize)-byte \(type.name) blocks")
        }
        let count = src.count / type.typeSize * type.blockSize
        return try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            try dequantize(src, type: type, into: buffer)
            initialized = count
        }
    }

    /// Converts a source tensor stored as `F32`, `F16` or `BF16` (what safetensors and GGUF files hold
    /// before quantization) to `Float`, exactly.
    ///
    /// - Parameters:
    ///   - src: the tensor's little-endian bytes, any alignment.
    ///   - type: `.f32`, `.f16` or `.bf16`.
    ///   - dst: the output; its count must be `src.count / type.typeSize`.
    /// - Throws: ``GreenlightCore/GreenlightError/unsupported(_:)`` for another type;
    ///   ``GreenlightCore/GreenlightError/invalidInput(_:)`` for a size mismatch.
    public static func convertToFloat(
        _ src: UnsafeRawBufferPointer, from type: GGMLType, into dst: UnsafeMutableBufferPointer<Float>
    ) throws {
        guard type == .f32 || type == .f16 || type == .bf16 else {
            throw GreenlightError.unsupported(
                "source tensors must be F32, F16 or BF16 to quantize, not \(type.name); dequantize it first")
        }
        try dequantize(src, type: type, into: dst)
    }

    /// Converts an `F32`, `F16` or `BF16` source tensor to a new `Float` array.
    ///
    /// - Parameters:
    ///   - src: the tensor's little-endian bytes, any alignment.
    ///   - type: `.f32`, `.f16` or `.bf16`.
    /// - Returns: the values.
    /// - Throws: as ``convertToFloat(_:from:into:)``.
    public static func convertToFloat(_ src: UnsafeRawBufferPointer, from type: GGMLType) throws -> [Float] {
        guard type == .f32 || type == .f16 || type == .bf16 else {
            throw GreenlightError.unsupported(
                "source tensors must be F32, F16 or BF16 to quantize, not \(type.name); dequantize it first")
        }
        return try dequantize(src, type: type)
    }

    /// The largest |x| below which every weight of a tensor is known to encode to finite values in `type`:
    /// 65504 (the largest half) scaled by the block's divisor for the types whose scale is max / q. Larger
    /// weights may still fit; ``firstNonFiniteBlock(_:type:)`` on the encoded bytes tells for sure.
    ///
    /// - Parameter type: a type for which ``isQuantizable(_:)`` is true.
    /// - Returns: the bound, `.infinity` for F32.
    public static func safeMagnitude(_ type: GGMLType) -> Float {
        let half: Float = 65504
        return switch type {
        case .f32: .infinity
        case .bf16: Float(bitPattern: 0x7F7F_0000)  // the largest finite bfloat16
        case .q8_0: half * 127
        case .q4_0: half * 8
        case .q5_0: half * 16
        default: half  // F16 itself; Q4_1/Q5_1 store the minimum as a half; K-quant scales are smaller still
        }
    }

    /// The index of the first block of `encoded` whose 16-bit float field is infinite or NaN: the value itself
    /// for F16 and BF16, the scale (and minimum) for the block types. A finite source that gives one has
    /// overflowed the type. `nil` when all are finite, and for F32 and types without such fields.
    ///
    /// - Parameters:
    ///   - encoded: whole blocks of `type`, as ``quantize(_:to:into:)`` writes them.
    ///   - type: the encoded type.
    public static func firstNonFiniteBlock(_ encoded: UnsafeRawBufferPointer, type: GGMLType) -> Int? {
        let (fields, exponent): ([Int], UInt16) = switch type {
        case .f16: ([0], 0x7C00)
        case .bf16: ([0], 0x7F80)
        case .q8_0, .q4_0, .q5_0: ([0], 0x7C00)
        case .q4_1, .q5_1, .q4_K: ([0, 2], 0x7C00)
        case .q6_K: ([208], 0x7C00)
        default: ([], 0)
        }
        guard !fields.isEmpty else { return nil }
        let blocks = encoded.count / type.typeSize
        for b in 0..<blocks {
            for f in fields {
                let bits = UInt16(littleEndian: encoded.loadUnaligned(fromByteOffset: b * type.typeSize + f, as: UInt16.self))
                if bits & exponent == exponent { return b }
            }
        }
        return nil
    }

    static var supportedNames: String {
        GGMLType.allCases.filter(isQuantizable).map(\.name).joined(separator: ", ")
    }

    /// Runs `body(firstBlock, blockCount)` over `blocks` split into `threads` contiguous chunks and returns
    /// the smallest element index any chunk reported as bad (`body` returns -1 for none).
    static func forEachChunk(
        blocks: Int, blockSize: Int, threads: Int, _ body: @Sendable (Int, Int) -> Int
    ) -> Int? {
        // Below ~64 KiB of input per thread, starting threads costs more than it saves.
        let minimumBlocks = max(1, 16_384 / blockSize)
        let chunks = max(1, min(threads, blocks / minimumBlocks))
        if chunks == 1 {
            let bad = body(0, blocks)
            return bad < 0 ? nil : bad
        }
        let results = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunks)
        defer { results.deallocate() }
        results.initialize(repeating: -1)
        // Each iteration writes only its own slot.
        let slots = UncheckedSendable(results)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let first = blocks * chunk / chunks
            let end = blocks * (chunk + 1) / chunks
            let bad = body(first, end - first)
            slots.value[chunk] = bad < 0 ? -1 : bad + first * blockSize
        }
        return results.first { $0 >= 0 }
    }
}

/// A value handed to other threads where the code guarantees there is no data race (disjoint ranges).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The per-type block loops, chosen once per call.
struct QuantKernel: Sendable {
    /// Quantizes `count` blocks; returns the index (from the first block) of the first non-finite element, or -1.
    let quantize: @Sendable (UnsafePointer<Float>, UnsafeMutableRawPointer, Int) -> Int
    /// Decodes `count` blocks.
    let dequantize: @Sendable (UnsafeRawPointer, UnsafeMutablePointer<Float>, Int) -> Void

    init?(_ type: GGMLType) {
        switch type {
        case .f32: (quantize, dequantize) = (FloatKernels.encodeF32, FloatKernels.decodeF32)
        case .f16: (quantize, dequantize) = (FloatKernels.encodeF16, FloatKernels.decodeF16)
        case .bf16: (quantize, dequantize) = (FloatKernels.encodeBF16, FloatKernels.decodeBF16)
        case .q8_0: (quantize, dequantize) = (LegacyKernels.quantizeQ8_0, LegacyKernels.dequantizeQ8_0)
        case .q4_0: (quantize, dequantize) = (LegacyKernels.quantizeQ4_0, LegacyKernels.dequantizeQ4_0)
        case .q4_1: (quantize, dequantize) = (LegacyKernels.quantizeQ4_1, LegacyKernels.dequantizeQ4_1)
        case .q5_0: (quantize, dequantize) = (LegacyKernels.quantizeQ5_0, LegacyKernels.dequantizeQ5_0)
        case .q5_1: (quantize, dequantize) = (LegacyKernels.quantizeQ5_1, LegacyKernels.dequantizeQ5_1)
        case .q4_K: (quantize, dequantize) = (KQuantKernels.quantizeQ4_K, KQuantKernels.dequantizeQ4_K)
        case .q6_K: (quantize, dequantize) = (KQuantKernels.quantizeQ6_K, KQuantKernels.dequantizeQ6_K)
        default: return nil
        }
    }
}
