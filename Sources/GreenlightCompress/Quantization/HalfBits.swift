/// Bit-exact conversions between binary32 and the 16-bit float formats, done the way numpy and gguf-py
/// do them (not the way the CPU's conversion instructions would), so that NaN payloads match too.
///
/// Everything works on bit patterns: no `Float16` value is created, so the result does not depend on
/// the target CPU (F16C) or on compiler-rt's helpers.
enum HalfBits {
    /// binary32 bits → IEEE binary16 bits, as numpy's `astype(np.float16)` (`npy_floatbits_to_halfbits`).
    ///
    /// Round to nearest, ties to even, subnormal halves included; values that round past 65504 become
    /// ±inf. A NaN keeps its sign and the top 10 bits of its payload, unquieted; if those bits are all
    /// zero the result is `0x7c01` (with the sign), so it stays a NaN.
    @inline(__always)
    static func half(fromFloatBits f: UInt32) -> UInt16 {
        let sign = UInt16(truncatingIfNeeded: (f >> 16) & 0x8000)
        let a = f & 0x7fff_ffff
        if a >= 0x4780_0000 {
            // |x| ≥ 65536: overflow, inf or NaN.
            if a > 0x7f80_0000 {
                let payload = UInt16(truncatingIfNeeded: (a & 0x007f_ffff) >> 13)
                return sign | 0x7c00 | (payload == 0 ? 1 : payload)
            }
            return sign | 0x7c00
        }
        if a < 0x3880_0000 {
            // |x| < 2^-14: a subnormal half or zero. Adding 0.5 puts the half's ulp (2^-24) at the
            // float's last mantissa bit, so the FPU's round-to-nearest-even does the rounding.
            let v = Float(bitPattern: a) + 0.5
            return sign | UInt16(truncatingIfNeeded: v.bitPattern &- 0x3f00_0000)
        }
        // Normal: rebias the exponent and round the 13 dropped bits to nearest even. A carry out of
        // the mantissa bumps the exponent, up to inf, which is the right answer.
        let odd = (a >> 13) & 1
        let r = (a &- 0x3800_0000 &+ 0x0fff &+ odd) >> 13
        return sign | UInt16(truncatingIfNeeded: r)
    }

    /// IEEE binary16 bits → binary32 bits, exactly (numpy's `npy_halfbits_to_floatbits`): NaN payloads are
    /// shifted into place without quieting.
    @inline(__always)
    static func floatBits(fromHalf h: UInt16) -> UInt32 {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = h & 0x7c00
        if exponent == 0x7c00 {
            return sign | 0x7f80_0000 | (UInt32(h & 0x03ff) << 13)
        }
        if exponent == 0 {
            // Zero or subnormal: m × 2^-24, exact in binary32.
            return sign | (Float(h & 0x03ff) * 0x1p-24).bitPattern
        }
        return sign | ((UInt32(h & 0x7fff) &+ 0x1_c000) << 13)
    }

    /// binary16 bits → `Float`.
    @inline(__always)
    static func float(fromHalf h: UInt16) -> Float {
        Float(bitPattern: floatBits(fromHalf: h))
    }

    /// `Float` → binary16 bits (see ``half(fromFloatBits:)``).
    @inline(__always)
    static func half(_ x: Float) -> UInt16 {
        half(fromFloatBits: x.bitPattern)
    }

    /// binary32 bits → bfloat16 bits, as gguf-py's `BF16.quantize_blocks` (ggml's
    /// `ggml_compute_fp32_to_bf16`): a NaN keeps its top 16 bits with the quiet bit set; everything else
    /// rounds to nearest even on the dropped 16 bits (so large finite values can round to ±inf).
    @inline(__always)
    static func bfloat16(fromFloatBits f: UInt32) -> UInt16 {
        var n = f
        if n & 0x7fff_ffff > 0x7f80_0000 {
            n = (n & 0xffff_0000) | 0x0040_0000
        }
        return UInt16(truncatingIfNeeded: (n &+ (0x7fff &+ ((n >> 16) & 1))) >> 16)
    }
}
