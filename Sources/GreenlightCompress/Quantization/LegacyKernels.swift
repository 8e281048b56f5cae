/// The 32-element block types `Q8_0`, `Q4_0`, `Q4_1`, `Q5_0` and `Q5_1`, byte-identical to gguf-py 0.19.0.
///
/// gguf-py's numpy code, per block of 32 floats `x` (all arithmetic in `Float`):
///
/// | type | scale `d` (stored as binary16) | quant |
/// |---|---|---|
/// | Q8_0 | `max(abs(x)) / 127` | `roundf(x * id)` as int8 |
/// | Q4_0 | `x[argmax(abs(x))] / -8` | `min(15, trunc(x * id + 8.5))` |
/// | Q5_0 | `x[argmax(abs(x))] / -16` | `min(31, trunc(x * id + 16.5))` |
/// | Q4_1 | `(max - min) / 15`, and `m = min` | `min(15, trunc((x - min) * id + 0.5))` |
/// | Q5_1 | `(max - min) / 31`, and `m = min` | `min(31, trunc((x - min) * id + 0.5))` |
///
/// with `id = d == 0 ? 0 : 1 / d` and `roundf` rounding halves away from zero. numpy casts the float to
/// `uint8`/`int8` before clipping, and a NaN or ±inf cast gives 0: that happens when `d` is a tiny
/// subnormal and `1 / d` overflows to inf, or when `max - min` overflows to inf and `id` is 0; the whole
/// block's quants are then 0, which the kernels write directly. Otherwise every `x * id` is within a
/// rounding error of the quant range and the fast path below needs no range checks.
///
/// Nibbles: byte `j` holds element `j` in its low and element `j + 16` in its high half. Q5's fifth bits
/// go to a little-endian `UInt32` `qh`, bit `j` for element `j`. Layouts: Q8_0 `d, qs[32]`; Q4_0
/// `d, qs[16]`; Q4_1 `d, m, qs[16]`; Q5_0 `d, qh, qs[16]`; Q5_1 `d, m, qh, qs[16]`.
enum LegacyKernels {
    // MARK: Shared helpers

    /// 2^23: adding it to a float in [0, 2^22) leaves round-to-nearest-even(x) in the low mantissa bits.
    private static let magic: Float = 8_388_608
    private static let magicBits: UInt32 = 0x4b00_0000

    /// `trunc(v)` for `v` in [0, 2^22), without a trapping float-to-int conversion.
    @inline(__always)
    private static func truncate(_ v: Float) -> UInt32 {
        let t = v + magic
        let nearest = t - magic
        return (t.bitPattern &- magicBits) &- (nearest > v ? 1 : 0)
    }

    /// `trunc(v)` clipped to [0, top], for `v` > -1 (or any `v` below 0, which gives 0).
    @inline(__always)
    private static func truncateClipped(_ v: Float, _ top: Float) -> UInt32 {
        let low = v > 0 ? v : 0
        return truncate(low < top ? low : top)
    }

    /// C's `roundf(v)` (half away from zero) as a wrapped byte, for |v| < 2^22.
    @inline(__always)
    private static func roundAwayFromZero(_ v: Float) -> UInt8 {
        let bits = v.bitPattern
        let a = Float(bitPattern: bits & 0x7fff_ffff)
        let t = a + magic
        let nearest = t - magic
        // Nearest-even and half-away differ only on an exact half that went down.
        let q = Int32(bitPattern: t.bitPattern &- magicBits) &+ (a - nearest == 0.5 ? 1 : 0)
        let sign = Int32(bitPattern: bits) >> 31
        return UInt8(truncatingIfNeeded: (q ^ sign) &- sign)
    }

    /// The offset of the first NaN or ±inf among `count` floats, or -1.
    static func firstNonFinite(_ x: UnsafePointer<Float>, _ count: Int) -> Int {
        for j in 0..<count where x[j].bitPattern & 0x7fff_ffff >= 0x7f80_0000 {
            return j
        }
        return -1
    }

    @inline(__always)
    private static func storeHalf(_ value: Float, _ y: UnsafeMutableRawPointer, _ offset: Int) {
        y.storeBytes(of: HalfBits.half(value).littleEndian, toByteOffset: offset, as: UInt16.self)
    }

    @inline(__always)
    private static func loadHalf(_ x: UnsafeRawPointer, _ offset: Int) -> Float {
        HalfBits.float(fromHalf: UInt16(littleEndian: x.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }

    @inline(__always)
    private static func zero(_ y: UnsafeMutableRawPointer, _ count: Int) {
        y.initializeMemory(as: UInt8.self, repeating: 0, count: count)
    }

    /// The value numpy's `take_along_axis(x, argmax(abs(x)))` picks: the first element of largest
    /// magnitude, with its sign. Returns nil (and the offset of the culprit) when a value is not finite.
    @inline(__always)
    private static func signedAbsMax(_ x: UnsafePointer<Float>) -> (value: Float, bad: Int) {
        // Integer maxima of |x|'s bits, separately over positive and negative elements: the larger decides
        // the sign; a tie (or an all-zero block) needs the first occurrence, found by a short scan.
        var positive: Int32 = 0
        var negative: Int32 = 0
        for j in 0..<32 {
            let bits = Int32(bitPattern: x[j].bitPattern)
            let magnitude = bits & 0x7fff_ffff
            let signMask = bits >> 31
            let p = magnitude & ~signMask
            let n = magnitude & signMask
            positive = p > positive ? p : positive
            negative = n > negative ? n : negative
        }
        let amax = positive > negative ? positive : negative
        if amax >= 0x7f80_0000 { return (0, firstNonFinite(x, 32)) }
        var sign: UInt32
        if positive != negative {
            sign = negative > positive ? 0x8000_0000 : 0
        } else {
            sign = 0
            for j in 0..<32 where Int32(bitPattern: x[j].bitPattern & 0x7fff_ffff) == amax {
                sign = x[j].bitPattern & 0x8000_0000
                break
            }
        }
        return (Float(bitPattern: UInt32(amax) | sign), -1)
    }

    /// The block's minimum and maximum as numpy's `min`/`max(axis=-1)` return them. Returns the offset of a
    /// non-finite element in `bad` (else -1).
    @inline(__always)
    private static func minMax(_ x: UnsafePointer<Float>) -> (min: Float, max: Float, bad: Int) {
        // Order floats as integers: flipping the magnitude bits of negatives makes signed comparison
        // match float order, with -0 just below +0.
        var low = Int32.max
        var high = Int32.min
        for j in 0..<32 {
            let bits = Int32(bitPattern: x[j].bitPattern)
            let key = bits ^ ((bits >> 31) & 0x7fff_ffff)
            low = key < low ? key : low
            high = key > high ? key : high
        }
        if high >= 0x7f80_0000 || low <= Int32(bitPattern: 0x807f_ffff) {
            return (0, 0, firstNonFinite(x, 32))
        }
        if low == 0 || low == -1 || high == 0 || high == -1 {
            // A zero is the minimum or maximum and the block may hold both +0 and -0: which one numpy
            // returns depends on its reduction order.
            let (a, b) = numpyZeroAwareMinMax(x)
            return (a, b, -1)
        }
        let minimum = Float(bitPattern: UInt32(bitPattern: low ^ ((low >> 31) & 0x7fff_ffff)))
        let maximum = Float(bitPattern: UInt32(bitPattern: high ^ ((high >> 31) & 0x7fff_ffff)))
        return (minimum, maximum, -1)
    }

    /// numpy 2.x's `min`/`max` over one contiguous row of 32 `float32`, replayed operation by operation
    /// so that the sign of a zero result matches.
    ///
    /// The reduction (loops_minmax.dispatch.c.src, AVX2 build, which numpy picks on x86-64-v3 CPUs) starts
    /// from element 0 broadcast to 8 lanes, folds elements 1…24 in three 8-lane steps, reduces the lanes
    /// as (0‥3 with 4‥7), then (0,1 with 2,3), then (0 with 1), and folds elements 25…31 one by one. Each
    /// step is x86 `minps`/`maxps`, which return the second operand when the two compare equal.
    /// Other SIMD widths (AVX-512, SSE-only builds) may pick the other zero; only blocks whose minimum or
    /// maximum is a zero of mixed sign are affected.
    static func numpyZeroAwareMinMax(_ x: UnsafePointer<Float>) -> (min: Float, max: Float) {
        @inline(__always) func mn(_ a: Float, _ b: Float) -> Float { a < b ? a : b }
        @inline(__always) func mx(_ a: Float, _ b: Float) -> Float { a > b ? a : b }
        var lo = (x[0], x[0], x[0], x[0], x[0], x[0], x[0], x[0])
        var hi = lo
        for step in 0..<3 {
            let p = x + 1 + 8 * step
            lo = (mn(lo.0, p[0]), mn(lo.1, p[1]), mn(lo.2, p[2]), mn(lo.3, p[3]),
                  mn(lo.4, p[4]), mn(lo.5, p[5]), mn(lo.6, p[6]), mn(lo.7, p[7]))
            hi = (mx(hi.0, p[0]), mx(hi.1, p[1]), mx(hi.2, p[2]), mx(hi.3, p[3]),
                  mx(hi.4, p[4]), mx(hi.5, p[5]), mx(hi.6, p[6]), mx(hi.7, p[7]))
        }
        let l4 = (mn(lo.0, lo.4), mn(lo.1, lo.5), mn(lo.2, lo.6), mn(lo.3, lo.7))
        let h4 = (mx(hi.0, hi.4), mx(hi.1, hi.5), mx(hi.2, hi.6), mx(hi.3, hi.7))
        var l = mn(mn(l4.0, l4.2), mn(l4.1, l4.3))
        var h = mx(mx(h4.0, h4.2), mx(h4.1, h4.3))
        for j in 25..<32 {
            l = mn(l, x[j])
            h = mx(h, x[j])
        }
        return (l, h)
    }

    // MARK: Q8_0

    static func quantizeQ8_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ blocks: Int) -> Int {
        for block in 0..<blocks {
            let xb = x + 32 * block
            let yb = y + 34 * block
            var amax: UInt32 = 0
            for j in 0..<32 {
                let a = xb[j].bitPattern & 0x7fff_ffff
                amax = a > amax ? a : amax
            }
            if amax >= 0x7f80_0000 { return 32 * block + firstNonFinite(xb, 32) }
            let d = Float(bitPattern: amax) / 127
            let id: Float = d == 0 ? 0 : 1 / d
            storeHalf(d, yb, 0)
            if id.isInfinite {
                zero(yb + 2, 32)
                continue
            }
            for j in 0..<32 {
                yb.storeBytes(of: roundAwayFromZero(xb[j] * id), toByteOffset: 2 + j, as: UInt8.self)
            }
        }
        return -1
    }

    static func dequantizeQ8_0(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, _ blocks: Int) {
        for block in 0..<blocks {
            let xb = x + 34 * block
            let yb = y + 32 * block
            let d = loadHalf(xb, 0)
            for j in 0..<32 {
                yb[j] = Float(xb.load(fromByteOffset: 2 + j, as: Int8.self)) * d
            }
        }
    }

    // MARK: Q4_0 and Q5_0

    static func quantizeQ4_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ blocks: Int) -> Int {
        for block in 0..<blocks {
            let xb = x + 32 * block
            let yb = y + 18 * block
            let (max, bad) = signedAbsMax(xb)
            if bad >= 0 { return 32 * block + bad }
            let d = max / -8
            let id: Float = d == 0 ? 0 : 1 / d
            storeHalf(d, yb, 0)
            if id.isInfinite {
                zero(yb + 2, 16)
                continue
            }
            for j in 0..<16 {
                let q0 = truncateClipped(xb[j] * id + 8.5, 15)
                let q1 = truncateClipped(xb[j + 16] * id + 8.5, 15)
                yb.storeBytes(of: UInt8(truncatingIfNeeded: q0 | q1 << 4), toByteOffset: 2 + j, as: UInt8.self)
            }
        }
        return -1
    }

    static func dequantizeQ4_0(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, _ blocks: Int) {
        for block in 0..<blocks {
            let xb = x + 18 * block
            let yb = y + 32 * block
            let d = loadHalf(xb, 0)
            for j in 0..<16 {
                let q = xb.load(fromByteOffset: 2 + j, as: UInt8.self)
                yb[j] = d * Float(Int32(q & 0x0f) - 8)
                yb[j + 16] = d * Float(Int32(q >> 4) - 8)
            }
        }
    }

    static func quantizeQ5_0(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ blocks: Int) -> Int {
        for block in 0..<blocks {
            let xb = x + 32 * block
            let yb = y + 22 * block
            let (max, bad) = signedAbsMax(xb)
            if bad >= 0 { return 32 * block + bad }
            let d = max / -16
            let id: Float = d == 0 ? 0 : 1 / d
            storeHalf(d, yb, 0)
            if id.isInfinite {
                zero(yb + 2, 20)
                continue
            }
            var qh: UInt32 = 0
            for j in 0..<16 {
                let q0 = truncateClipped(xb[j] * id + 16.5, 31)
                let q1 = truncateClipped(xb[j + 16] * id + 16.5, 31)
                yb.storeBytes(
                    of: UInt8(truncatingIfNeeded: (q0 & 0x0f) | (q1 & 0x0f) << 4), toByteOffset: 6 + j, as: UInt8.self)
                qh |= (q0 >> 4) << UInt32(j) | (q1 >> 4) << UInt32(j + 16)
            }
            yb.storeBytes(of: qh.littleEndian, toByteOffset: 2, as: UInt32.self)
        }
        return -1
    }

    static func dequantizeQ5_0(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, _ blocks: Int) {
        for block in 0..<blocks {
            let xb = x + 22 * block
            let yb = y + 32 * block
            let d = loadHalf(xb, 0)
            let qh = UInt32(littleEndian: xb.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
            for j in 0..<16 {
                let q = UInt32(xb.load(fromByteOffset: 6 + j, as: UInt8.self))
                let q0 = (q & 0x0f) | ((qh >> UInt32(j)) & 1) << 4
                let q1 = (q >> 4) | ((qh >> UInt32(j + 16)) & 1) << 4
                yb[j] = d * Float(Int32(q0) - 16)
                yb[j + 16] = d * Float(Int32(q1) - 16)
            }
        }
    }

    // MARK: Q4_1 and Q5_1

    static func quantizeQ4_1(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ blocks: Int) -> Int {
        for block in 0..<blocks {
            let xb = x + 32 * block
            let yb = y + 20 * block
            let (min, max, bad) = minMax(xb)
            if bad >= 0 { return 32 * block + bad }
            let d = (max - min) / 15
            let id: Float = d == 0 ? 0 : 1 / d
            storeHalf(d, yb, 0)
            storeHalf(min, yb, 2)
            if id == 0 || id.isInfinite {
                zero(yb + 4, 16)
                continue
            }
            for j in 0..<16 {
                let q0 = truncateClipped((xb[j] - min) * id + 0.5, 15)
                let q1 = truncateClipped((xb[j + 16] - min) * id + 0.5, 15)
                yb.storeBytes(of: UInt8(truncatingIfNeeded: q0 | q1 << 4), toByteOffset: 4 + j, as: UInt8.self)
            }
        }
        return -1
    }

    static func dequantizeQ4_1(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, _ blocks: Int) {
        for block in 0..<blocks {
            let xb = x + 20 * block
            let yb = y + 32 * block
            let d = loadHalf(xb, 0)
            let m = loadHalf(xb, 2)
            for j in 0..<16 {
                let q = xb.load(fromByteOffset: 4 + j, as: UInt8.self)
                yb[j] = d * Float(q & 0x0f) + m
                yb[j + 16] = d * Float(q >> 4) + m
            }
        }
    }

    static func quantizeQ5_1(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ blocks: Int) -> Int {
        for block in 0..<blocks {
            let xb = x + 32 * block
            let yb = y + 24 * block
            let (min, max, bad) = minMax(xb)
            if bad >= 0 { return 32 * block + bad }
            let d = (max - min) / 31
            let id: Float = d == 0 ? 0 : 1 / d
            storeHalf(d, yb, 0)
            storeHalf(min, yb, 2)
            if id == 0 || id.isInfinite {
                zero(yb + 4, 20)
                continue
            }
            var qh: UInt32 = 0
            for j in 0..<16 {
                let q0 = truncateClipped((xb[j] - min) * id + 0.5, 31)
                let q1 = truncateClipped((xb[j + 16] - min) * id + 0.5, 31)
                yb.storeBytes(
                    of: UInt8(truncatingIfNeeded: (q0 & 0x0f) | (q1 & 0x0f) << 4), toByteOffset: 8 + j, as: UInt8.self)
                qh |= (q0 >> 4) << UInt32(j) | (q1 >> 4) << UInt32(j + 16)
            }
            yb.storeBytes(of: qh.littleEndian, toByteOffset: 4, as: UInt32.self)
        }
        return -1
    }

    static func dequantizeQ5_1(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>, _ blocks: Int) {
        for block in 0..<blocks {
            let xb = x + 24 * block
            let yb = y + 32 * block
            let d = loadHalf(xb, 0)
            let m = loadHalf(xb, 2)
            let qh = UInt32(littleEndian: xb.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            for j in 0..<16 {
                let q = UInt32(xb.load(fromByteOffset: 8 + j, as: UInt8.self))
                let q0 = (q & 0x0f) | ((qh >> UInt32(j)) & 1) << 4
                let q1 = (q >> 4) | ((qh >> UInt32(j + 16)) & 1) << 4
                yb[j] = d * Float(q0) + m
                yb[j + 16] = d * Float(q1) + m
            }
        }
    }
}
