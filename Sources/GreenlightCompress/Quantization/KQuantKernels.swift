/// The 256-element "k-quant" super-blocks `Q4_K` and `Q6_K`.
///
/// gguf-py 0.19.0 only decodes these, so quantization follows ggml's C reference (`quantize_row_q4_K_ref`
/// with `make_qkx2_quants`, `quantize_row_q6_K_ref` with `make_qx_quants`, in ggml-quants.c): the same
/// search over candidate scales, the same `Float` operations in the same order and the same
/// `nearest_int` bit trick, so the bytes match a build of the C code without floating-point contraction.
/// Decoding follows gguf-py's numpy expressions exactly (`d * q - dm` for Q4_K, `(d * scale) * q` for Q6_K).
///
/// Layouts: Q4_K is `d, dmin` (binary16), 12 bytes of packed 6-bit scales and mins for the eight 32-element
/// sub-blocks, then 128 bytes of nibbles (byte `l` of each 32-byte group holds elements `l` and `l + 32` of
/// a 64-element span). Q6_K is 128 bytes of low nibbles, 64 bytes of 2-bit high parts, 16 `Int8` scales
/// for the 16-element sub-blocks, and `d`.
enum KQuantKernels {
    /// ggml's `GROUP_MAX_EPS`: a group whose largest magnitude is below this is all zero.
    private static let groupMaxEpsilon: Float = 1e-15

    /// ggml's `nearest_int`: round to nearest even through the mantissa of `x + 1.5 × 2^23`. Exact for
    /// |x| ≤ 4194303; larger values wrap the same way the C code does.
    @inline(__always)
    static func nearestInt(_ x: Float) -> Int32 {
        let v = x + 12_582_912
        return Int32(bitPattern: v.bitPattern & 0x007f_ffff) &- 0x0040_0000
    }

    @inline(__always)
    private static func clamp(_ v: Int32, _ low: Int32, _ high: Int32) -> Int32 {
        v < low ? low : (v > high ? high : v)
    }

    @inline(__always)
    private static func loadHalf(_ x: UnsafeRawPointer, _ offset: Int) -> Float {
        HalfBits.float(fromHalf: UInt16(littleEndian: x.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }

    // MARK: Q4_K

    /// ggml's `make_qkx2_quants` with `use_mad = false`: fits `x ≈ scale × L - theMin` with `L` in 0…nmax,
    /// minimising the weighted squared error over `nstep + 1` candidate scales.
    ///
    /// - Returns: the scale and the (non-negative) offset to subtract.
    private static func makeQKX2Quants(
        _ n: Int, _ nmax: Int32, _ x: UnsafePointer<Float>, _ weights: UnsafePointer<Float>,
        _ levels: UnsafeMutablePointer<UInt8>, _ candidate: UnsafeMutablePointer<UInt8>,
        rmin: Float, rdelta: Float, nstep: Int
    ) -> (scale: Float, min: Float) {
        var min = x[0]
        var max = x[0]
        var sumW = weights[0]
        var sumX = sumW * x[0]
        for i in 1..<n {
            if x[i] < min { min = x[i] }
            if x[i] > max { max = x[i] }
            let w = weights[i]
            sumW += w
            sumX += w * x[i]
        }
        if min > 0 { min = 0 }
        if max == min {
            levels.update(repeating: 0, count: n)
            return (0, -min)
        }
        let top = Float(nmax)
        var iscale = top / (max - min)
        var scale = 1 / iscale
        var bestError: Float = 0
        for i in 0..<n {
            let l = clamp(nearestInt(iscale * (x[i] - min)), 0, nmax)
            levels[i] = UInt8(truncatingIfNeeded: l)
            var diff = scale * Float(l) + min - x[i]
            diff = diff * diff
            bestError += weights[i] * diff
        }
        guard nstep >= 1 else { return (scale, -min) }
        for step in 0...nstep {
            iscale = (rmin + rdelta * Float(step) + top) / (max - min)
            var sumL: Float = 0
            var sumL2: Float = 0
            var sumXL: Float = 0
            for i in 0..<n {
                let l = clamp(nearestInt(iscale * (x[i] - min)), 0, nmax)
                candidate[i] = UInt8(truncatingIfNeeded: l)
                let w = weights[i]
                let lf = Float(l)
                sumL += w * lf
                sumL2 += w * lf * lf
                sumXL += w * lf * x[i]
            }
            let det = sumW * sumL2 - sumL * sumL
            if det > 0 {
                var thisScale = (sumW * sumXL - sumX * sumL) / det
                var thisMin = (sumL2 * sumX - sumL * sumXL) / det
                if thisMin > 0 {
                    thisMin = 0
                    thisScale = sumXL / sumL2
                }
                var error: Float = 0
                for i in 0..<n {
                    var diff = thisScale * Float(candidate[i]) + thisMin - x[i]
                    diff = diff * diff
                    error += weights[i] * diff
                }
                if error < bestError {
                    levels.update(from: candidate, count: n)
                    bestError = error
                    scale = thisScale
                    min = thisMin
                }
            }
        }
        return (scale, -min)
    }

    /// The 6-bit scale and min of sub-block `j` from Q4_K's 12 packed bytes (ggml's `get_scale_min_k4`).
    @inline(__always)
    private static func scaleMin(_ j: Int, _ q: UnsafePointer<UInt8>) -> (scale: UInt8, min: UInt8) {
        if j < 4 {
            return (q[j] & 63, q[j + 4] & 63)
        }
        return ((q[j + 4] & 0x0f) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4))
    }

    static func quantizeQ4_K(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ blocks: Int) -> Int {
        // Scratch: levels[256], candidate[32], packed scales[12]; weights[32], scales[8], mins[8].
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256 + 32 + 12) { bytes in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 32 + 8 + 8) { floats in
                let levels = bytes.baseAddress!
                let candidate = levels + 256
                let packed = levels + 288
                let weights = floats.baseAddress!
                let scales = weights + 32
                let mins = weights + 40
                for block in 0..<blocks {
                    let xb = x + 256 * block
                    let yb = y + 144 * block
                    let bad = LegacyKernels.firstNonFinite(xb, 256)
                    if bad >= 0 { return 256 * block + bad }

                    var maxScale: Float = 0
                    var maxMin: Float = 0
                    for j in 0..<8 {
                        let xs = xb + 32 * j
                        var sumX2: Float = 0
                        for l in 0..<32 { sumX2 += xs[l] * xs[l] }
                        let average = (sumX2 / 32).squareRoot()
                        for l in 0..<32 { weights[l] = average + abs(xs[l]) }
                        (scales[j], mins[j]) = makeQKX2Quants(
                            32, 15, xs, weights, levels + 32 * j, candidate, rmin: -1, rdelta: 0.1, nstep: 20)
                        if scales[j] > maxScale { maxScale = scales[j] }
                        if mins[j] > maxMin { maxMin = mins[j] }
                    }

                    let inverseScale: Float = maxScale > 0 ? 63 / maxScale : 0
                    let inverseMin: Float = maxMin > 0 ? 63 / maxMin : 0
                    for j in 0..<8 {
                        // The C code stores nearest_int's int in a uint8_t before clipping to 63.
                        let ls = Swift.min(63, UInt8(truncatingIfNeeded: nearestInt(inverseScale * scales[j])))
                        let lm = Swift.min(63, UInt8(truncatingIfNeeded: nearestInt(inverseMin * mins[j])))
                        if j < 4 {
                            packed[j] = ls
                            packed[j + 4] = lm
                        } else {
                            packed[j + 4] = (ls & 0x0f) | ((lm & 0x0f) << 4)
                            packed[j - 4] |= (ls >> 4) << 6
                            packed[j] |= (lm >> 4) << 6
                        }
                    }
                    let dBits = HalfBits.half(maxScale / 63)
                    let dminBits = HalfBits.half(maxMin / 63)
                    let d = HalfBits.float(fromHalf: dBits)
                    let dmin = HalfBits.float(fromHalf: dminBits)
                    for j in 0..<8 {
                        let (sc, m) = scaleMin(j, packed)
                        let dj = d * Float(sc)
                        // A zero scale keeps the levels make_qkx2_quants chose, as the C code does.
                        if dj == 0 { continue }
                        let dmj = dmin * Float(m)
                        let xs = xb + 32 * j
                        for l in 0..<32 {
                            levels[32 * j + l] = UInt8(truncatingIfNeeded: clamp(nearestInt((xs[l] + dmj) / dj), 0, 15))
                        }
                    }

                    yb.storeBytes(of: dBits.littleEndian, toByteOffset: 0, as: UInt16.self)
                    yb.storeBytes(of: dminBits.littleEndian, toByteOffset: 2, as: UInt16.self)
                    (yb + 4).copyMemory(from: packed, byteCount: 12)
                    for span in 0..<4 {
                        let l0 = levels + 64 * span
                        for l in 0..<32 {
                            yb.storeBytes(of: l0[l] | l0[l + 32] << 4, toByteOffset: 16 + 32 * span + l, as: UInt8.self)
                        }
                    }
                }
                return -1
            }
        }
    }

    static func dequantizeQ4_K(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, _ blocks: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 12) { packedBuffer in
            let packed = packedBuffer.baseAddress!
            for block in 0..<blocks {
                let xb = x + 144 * block
                let yb = y + 256 * block
                let d = loadHalf(xb, 0)
                let dmin = loadHalf(xb, 2)
                UnsafeMutableRawPointer(packed).copyMemory(from: xb + 4, byteCount: 12)
                for span in 0..<4 {
                    let (sc0, m0) = scaleMin(2 * span, packed)
                    let (sc1, m1) = scaleMin(2 * span + 1, packed)
                    let d0 = d * Float(sc0)
                    let dm0 = dmin * Float(m0)
                    let d1 = d * Float(sc1)
                    let dm1 = dmin * Float(m1)
                    let out = yb + 64 * span
                    for l in 0..<32 {
                        let q = xb.load(fromByteOffset: 16 + 32 * span + l, as: UInt8.self)
                        out[l] = d0 * Float(q & 0x0f) - dm0
                        out[l + 32] = d1 * Float(q >> 4) - dm1
                    }
                }
            }
        }
    }

    // MARK: Q6_K

    /// ggml's `make_qx_quants` with `rmse_type = 1` and no importance weights (weights `x²`): levels
    /// `L` in 0…2·nmax-1 (offset by nmax), trying 18 scales around `-nmax / max`.
    ///
    /// - Returns: the scale (negative when the largest magnitude is positive).
    private static func makeQXQuants(
        _ n: Int, _ nmax: Int32, _ x: UnsafePointer<Float>, _ levels: UnsafeMutablePointer<Int8>
    ) -> Float {
        var max: Float = 0
        var amax: Float = 0
        for i in 0..<n {
            let ax = abs(x[i])
            if ax > amax {
                amax = ax
                max = x[i]
            }
        }
        if amax < groupMaxEpsilon {
            levels.update(repeating: 0, count: n)
            return 0
        }
        let top = Float(nmax)
        var iscale = Float(-nmax) / max
        var sumLX: Float = 0
        var sumL2: Float = 0
        for i in 0..<n {
            let l = clamp(nearestInt(iscale * x[i]), -nmax, nmax - 1)
            levels[i] = Int8(truncatingIfNeeded: l + nmax)
            let w = x[i] * x[i]
            let lf = Float(l)
            sumLX += w * x[i] * lf
            sumL2 += w * lf * lf
        }
        var scale: Float = sumL2 != 0 ? sumLX / sumL2 : 0
        var best = scale * sumLX
        for step in -9...9 where step != 0 {
            iscale = -(top + 0.1 * Float(step)) / max
            sumLX = 0
            sumL2 = 0
            for i in 0..<n {
                let lf = Float(clamp(nearestInt(iscale * x[i]), -nmax, nmax - 1))
                let w = x[i] * x[i]
                sumLX += w * x[i] * lf
                sumL2 += w * lf * lf
            }
            if sumL2 > 0 && sumLX * sumLX > best * sumL2 {
                for i in 0..<n {
                    levels[i] = Int8(truncatingIfNeeded: nmax + clamp(nearestInt(iscale * x[i]), -nmax, nmax - 1))
                }
                scale = sumLX / sumL2
                best = scale * sumLX
            }
        }
        return scale
    }

    static func quantizeQ6_K(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ blocks: Int) -> Int {
        withUnsafeTemporaryAllocation(of: Int8.self, capacity: 256 + 16) { bytes in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 16) { floats in
                let levels = bytes.baseAddress!
                let quantScales = levels + 256
                let scales = floats.baseAddress!
                for block in 0..<blocks {
                    let xb = x + 256 * block
                    let yb = y + 210 * block
                    let bad = LegacyKernels.firstNonFinite(xb, 256)
                    if bad >= 0 { return 256 * block + bad }

                    var maxScale: Float = 0
                    var maxAbsScale: Float = 0
                    for ib in 0..<16 {
                        let scale = makeQXQuants(16, 32, xb + 16 * ib, levels + 16 * ib)
                        scales[ib] = scale
                        let absScale = abs(scale)
                        if absScale > maxAbsScale {
                            maxAbsScale = absScale
                            maxScale = scale
                        }
                    }
                    if maxAbsScale < groupMaxEpsilon {
                        yb.initializeMemory(as: UInt8.self, repeating: 0, count: 210)
                        continue
                    }

                    let iscale = -128 / maxScale
                    let dBits = HalfBits.half(1 / iscale)
                    for ib in 0..<16 {
                        quantScales[ib] = Int8(truncatingIfNeeded: Swift.min(127, nearestInt(iscale * scales[ib])))
                    }
                    let d = HalfBits.float(fromHalf: dBits)
                    for j in 0..<16 {
                        let dj = d * Float(quantScales[j])
                        if dj == 0 { continue }
                        let xs = xb + 16 * j
                        for l in 0..<16 {
                            levels[16 * j + l] = Int8(truncatingIfNeeded: clamp(nearestInt(xs[l] / dj), -32, 31) + 32)
                        }
                    }

                    for half in 0..<2 {
                        let l0 = UnsafeRawPointer(levels + 128 * half).assumingMemoryBound(to: UInt8.self)
                        let ql = 64 * half
                        let qh = 128 + 32 * half
                        for l in 0..<32 {
                            let q1 = l0[l], q2 = l0[l + 32], q3 = l0[l + 64], q4 = l0[l + 96]
                            yb.storeBytes(of: (q1 & 0x0f) | (q3 & 0x0f) << 4, toByteOffset: ql + l, as: UInt8.self)
                            yb.storeBytes(of: (q2 & 0x0f) | (q4 & 0x0f) << 4, toByteOffset: ql + l + 32, as: UInt8.self)
                            let high = (q1 >> 4) | (q2 >> 4) << 2 | (q3 >> 4) << 4 | (q4 >> 4) << 6
                            yb.storeBytes(of: high, toByteOffset: qh + l, as: UInt8.self)
                        }
                    }
                    (yb + 192).copyMemory(from: quantScales, byteCount: 16)
                    yb.storeBytes(of: dBits.littleEndian, toByteOffset: 208, as: UInt16.self)
                }
                return -1
            }
        }
    }

    static func dequantizeQ6_K(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, _ blocks: Int) {
        for block in 0..<blocks {
            let xb = x + 210 * block
            let yb = y + 256 * block
            let d = loadHalf(xb, 208)
            for half in 0..<2 {
                let ql = 64 * half
                let qh = 128 + 32 * half
                let out = yb + 128 * half
                for l in 0..<32 {
                    let low0 = xb.load(fromByteOffset: ql + l, as: UInt8.self)
                    let low1 = xb.load(fromByteOffset: ql + l + 32, as: UInt8.self)
                    let high = xb.load(fromByteOffset: qh + l, as: UInt8.self)
                    let q = (
                        Int32((low0 & 0x0f) | (high & 3) << 4) - 32,
                        Int32((low1 & 0x0f) | ((high >> 2) & 3) << 4) - 32,
                        Int32((low0 >> 4) | ((high >> 4) & 3) << 4) - 32,
                        Int32((low1 >> 4) | ((high >> 6) & 3) << 4) - 32
                    )
                    // Sub-block scales: 16 elements each, so element 128·half + 32·k + l uses 8·half + 2·k + l/16.
                    let s = 192 + 8 * half + l / 16
                    let d0 = d * Float(xb.load(fromByteOffset: s, as: Int8.self))
                    let d1 = d * Float(xb.load(fromByteOffset: s + 2, as: Int8.self))
                    let d2 = d * Float(xb.load(fromByteOffset: s + 4, as: Int8.self))
                    let d3 = d * Float(xb.load(fromByteOffset: s + 6, as: Int8.self))
                    out[l] = d0 * Float(q.0)
                    out[l + 32] = d1 * Float(q.1)
                    out[l + 64] = d2 * Float(q.2)
                    out[l + 96] = d3 * Float(q.3)
                }
            }
        }
    }
}
