import Foundation
import GreenlightCompress
import GreenlightCore
import GreenlightTensors
import GreenlightTestSupport
import Testing

/// The types whose bytes must equal gguf-py 0.19.0's `gguf.quants.quantize`.
let exactTypes: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1]

@Suite struct QuantizationExactTests {
    @Test func edgeCaseFixturesAreThere() throws {
        #expect(QuantFixtures.edgeCases.count >= 15)
        let names = Set(QuantFixtures.edgeCases.map(\.name))
        for name in ["all-zero", "all-negative-zero", "mixed-signed-zeros", "huge-values", "subnormals",
                     "constant-blocks", "random-normal", "half-steps-q8", "float-bit-patterns"] {
            #expect(names.contains(name), "missing edge case \(name)")
        }
    }

    @Test(arguments: QuantFixtures.edgeCases)
    func edgeCaseBytesMatchGGUFPy(_ fixture: QuantFixtures.EdgeCase) throws {
        #expect(!fixture.outputs.isEmpty)
        for (typeName, expected) in fixture.outputs.sorted(by: { $0.key < $1.key }) {
            let type = try #require(GGMLType(name: typeName))
            let actual = try Quantizer.quantize(fixture.input, to: type)
            #expect(actual.count == expected.count, "\(fixture.name) \(typeName): size")
            if actual != expected {
                let block = type.typeSize
                let first = zip(actual, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? 0
                let b = first / block
                Issue.record("""
                    \(fixture.name) \(typeName): first difference at byte \(first) (block \(b)):
                      got      \(hexPrefix(actual[(b * block)...], block))
                      expected \(hexPrefix(expected[(b * block)...], block))
                      input    \(fixture.input[(b * type.blockSize)..<((b + 1) * type.blockSize)].prefix(8))…
                    """)
            }
        }
    }

    @Test(arguments: exactTypes)
    func miniLMTensorsMatchGGUFPy(_ type: GGMLType) throws {
        try #require(MiniLM.isPresent, "MiniLM weights not found at \(MiniLM.path.path)")
        guard type != .f32 else { return }  // a copy; covered by the edge cases
        let root = try QuantFixtures.json("quant-minilm-sha256.json")
        let entries = try #require(root["tensors"] as? [[String: Any]])
        let tensors = Dictionary(uniqueKeysWithValues: MiniLM.tensors.map { ($0.name, $0) })
        #expect(entries.count == 103)
        for entry in entries {
            let name = try #require(entry["name"] as? String)
            let tensor = try #require(tensors[name], "tensor \(name) missing from the model")
            let hashes = try #require(entry["hashes"] as? [String: [String: Any]])
            let expected = try #require(hashes[type.name])
            let bytes = try Quantizer.quantize(tensor.values, to: type, threads: 2)
            #expect(bytes.count == expected["bytes"] as? Int, "\(name) \(type.name): size")
            let digest = sha256Hex(bytes)
            #expect(digest == expected["sha256"] as? String, "\(name) \(type.name): bytes differ from gguf-py")
        }
    }

    @Test(arguments: GGMLType.allCases.filter(Quantizer.isQuantizable))
    func multithreadedOutputIsIdentical(_ type: GGMLType) throws {
        var random = SplitMix64(seed: 7)
        // 1000 blocks of 256 (a multiple of every block size), with a few zero and tiny stretches.
        var values = random.normals(256 * 1000, scale: 0.05)
        for i in 0..<512 { values[1024 + i] = 0 }
        for i in 0..<256 { values[40_000 + i] *= 1e-30 }
        let single = try Quantizer.quantize(values, to: type, threads: 1)
        for threads in [2, 3, 8] {
            let multi = try Quantizer.quantize(values, to: type, threads: threads)
            #expect(multi == single, "\(type.name) with \(threads) threads")
        }
    }

    @Test(arguments: [GGMLType.q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q6_K])
    func partialBlockIsRejected(_ type: GGMLType) throws {
        let values = [Float](repeating: 1, count: type.blockSize + 1)
        expectCode(.invalidInput, "\(type.name), \(values.count) elements") { try Quantizer.quantize(values, to: type) }
        #expect(throws: GreenlightError.self) { try Quantizer.byteCount(of: type, elements: 31) }
        let bytes = [UInt8](repeating: 0, count: type.typeSize + 1)
        #expect(throws: GreenlightError.self) { try bytes.withUnsafeBytes { try Quantizer.dequantize($0, type: type) } }
    }

    @Test func wronglySizedOutputIsRejected() throws {
        let values = [Float](repeating: 1, count: 64)
        var out = [UInt8](repeating: 0, count: 67)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBytes { dst in
                _ = #expect(throws: GreenlightError.self) { try Quantizer.quantize(src, to: .q8_0, into: dst) }
            }
        }
        #expect(try Quantizer.byteCount(of: .q8_0, elements: 64) == 68)
    }

    @Test func unsupportedTypesAreRejected() {
        for type in [GGMLType.q8_1, .q2_K, .q3_K, .q5_K, .q8_K, .i8, .i32, .f64] {
            #expect(!Quantizer.isQuantizable(type))
            #expect(throws: GreenlightError.self) { try Quantizer.quantize([Float](repeating: 0, count: 256), to: type) }
        }
        #expect(throws: GreenlightError.self) { try [UInt8](repeating: 0, count: 34).withUnsafeBytes {
            try Quantizer.convertToFloat($0, from: .q8_0)
        } }
    }

    /// gguf-py turns a NaN or infinite weight into a NaN scale and arbitrary quants; Greenlight refuses it.
    @Test(arguments: [GGMLType.q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q6_K])
    func nonFiniteWeightsAreRejected(_ type: GGMLType) throws {
        for bad in [Float.nan, .infinity, -.infinity, Float(bitPattern: 0xff80_0001)] {
            var values = [Float](repeating: 0.5, count: 512)
            values[300] = bad
            values[400] = .nan
            // The first bad element is where the error is, told only in the message.
            let error = expectCode(.invalidInput, "\(type.name), \(bad)") { try Quantizer.quantize(values, to: type, threads: 2) }
            #expect(error?.message.contains("element 300") == true, "\(error?.message ?? "")")
        }
    }

    /// The float types keep NaN and infinity, as gguf-py does (the bit patterns are in the edge cases).
    @Test func floatTypesKeepNonFiniteValues() throws {
        let values: [Float] = [.nan, -.infinity, .infinity, Float(bitPattern: 0x7f80_0001), 1e10, -0.0]
        let f16 = try Quantizer.quantize(values, to: .f16)
        #expect(f16 == [0x00, 0x7e, 0x00, 0xfc, 0x00, 0x7c, 0x01, 0x7c, 0x00, 0x7c, 0x00, 0x80])
        let bf16 = try Quantizer.quantize(values, to: .bf16)
        #expect(bf16 == [0xc0, 0x7f, 0x80, 0xff, 0x80, 0x7f, 0xc0, 0x7f, 0x15, 0x50, 0x00, 0x80])
        let f32 = try Quantizer.quantize(values, to: .f32)
        #expect(f32 == values.withUnsafeBytes { Array($0) })
    }

    /// F32/F16/BF16 sources decode exactly (F16 and BF16 values are exact in Float).
    @Test(arguments: [GGMLType.f32, .f16, .bf16])
    func sourceTensorsConvertExactly(_ type: GGMLType) throws {
        // Every 16-bit pattern for F16/BF16; random bits for F32.
        var random = SplitMix64(seed: 3)
        let bytes: [UInt8] = switch type {
        case .f32: (0..<4096).flatMap { _ in withUnsafeBytes(of: UInt32(truncatingIfNeeded: random.next())) { Array($0) } }
        default: (0...0xffff).flatMap { (h: Int) in [UInt8(h & 0xff), UInt8(h >> 8)] }
        }
        // Unaligned on purpose: tensor data in files need not be 4-byte aligned.
        let shifted = [0] + bytes
        let floats = try shifted.withUnsafeBytes { try Quantizer.convertToFloat(UnsafeRawBufferPointer(rebasing: $0[1...]), from: type) }
        #expect(floats.count == bytes.count / type.typeSize)
        let back = try Quantizer.quantize(floats, to: type)
        // gguf-py (and ggml) quiet BF16 NaNs: bit 6 of the half is forced on, so those patterns change.
        let expected: [UInt8] = type != .bf16 ? bytes : (0...0xffff).flatMap { (h: Int) -> [UInt8] in
            let q = (h & 0x7fff) > 0x7f80 ? h | 0x40 : h
            return [UInt8(q & 0xff), UInt8(q >> 8)]
        }
        #expect(back == expected, "\(type.name) does not round-trip")
        if type == .f16 {
            #expect(floats[0x3c00] == 1)
            #expect(floats[0x0001] == 0x1p-24)
            #expect(floats[0x7bff] == 65504)
            #expect(floats[0x7c01].bitPattern == 0x7f80_2000)  // signalling NaN payload kept, as numpy does
        }
    }

    /// Each block type decodes to what gguf-py's dequantize gives for the edge cases (checked through a
    /// quantize → dequantize → quantize fixed point, and against known values).
    @Test func legacyDequantizationKnownValues() throws {
        // Q8_0 with d = 1: quants are the rounded inputs.
        var values = (0..<32).map { Float($0) - 16 }
        values[0] = 127
        let q8 = try Quantizer.quantize(values, to: .q8_0)
        let back = try q8.withUnsafeBytes { try Quantizer.dequantize($0, type: .q8_0) }
        #expect(back == values)
        // Q4_0 with max -8: d = 1, exact for integers -8…7.
        let q4Values = (0..<32).map { Float($0 % 16) - 8 }
        for type in [GGMLType.q4_0, .q5_0] {
            let q = try Quantizer.quantize(q4Values, to: type)
            #expect(try q.withUnsafeBytes { try Quantizer.dequantize($0, type: type) } == q4Values, "\(type.name)")
        }
        // Q4_1 on 0…15 and Q5_1 on 0…31: d = 1, m = 0, exact.
        for (type, levels) in [(GGMLType.q4_1, 16), (.q5_1, 32)] {
            let ramp = (0..<32).map { Float($0 % levels) }
            let q = try Quantizer.quantize(ramp, to: type)
            #expect(try q.withUnsafeBytes { try Quantizer.dequantize($0, type: type) } == ramp, "\(type.name)")
        }
    }
}
