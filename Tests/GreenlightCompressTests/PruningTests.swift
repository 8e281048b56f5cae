import Foundation
import GreenlightCompress
import GreenlightCore
import GreenlightTensors
import GreenlightTestSupport
import Testing

@Suite struct PruningTests {
    @Test("magnitude pruning zeroes exactly ⌊s·n⌋ of the smallest, ties broken by position")
    func magnitudeExactCount() {
        var values: [Float] = [0.5, -0.1, 0.1, 0.3, -0.3, 0.1, 2, -4]
        values.withUnsafeMutableBufferPointer { Pruner.magnitude($0, sparsity: 0.5) }
        // The four smallest |x|: 0.1, 0.1, 0.1 (first three by position) and 0.3 (the first of the two).
        #expect(values == [0.5, 0, 0, 0, -0.3, 0, 2, -4])
    }

    @Test("the two-pass histogram threshold equals the sorted k-th magnitude", arguments: [1, 17, 500, 999])
    func thresholdMatchesSort(k: Int) {
        var random = SplitMix64(seed: UInt64(k))
        let values = random.normals(1000, scale: 0.05)
        var t = MagnitudeThreshold()
        values.withUnsafeBufferPointer { t.countHigh($0) }
        let selected = t.selectBucket(k: k - 1)
        #expect(selected)
        values.withUnsafeBufferPointer { t.countLow($0) }
        let (bits, ties) = t.result(k: k - 1)
        let sorted = values.map(\.magnitude).sorted()
        #expect(Float(bitPattern: bits) == sorted[k - 1])
        #expect(ties == sorted[..<k].filter { $0 == sorted[k - 1] }.count)
    }

    @Test("2:4 keeps the two largest of each group of four; earlier ties are kept")
    func twoFour() throws {
        var values: [Float] = [1, -3, 2, 0.5, 1, 1, 1, 1, 0, 0, 0, 5, -2, 2, 3, -3]
        try values.withUnsafeMutableBufferPointer { try Pruner.twoFour($0, rowLength: 8) }
        #expect(values == [0, -3, 2, 0, 1, 1, 0, 0, 0, 0, 0, 5, 0, 0, 3, -3])
        let check = values.withUnsafeBufferPointer { Pruner.checkTwoFour($0, rowLength: 8) }
        #expect(check?.groups == 4 && check?.violations == 0)
        let broken: [Float] = [1, 2, 3, 0, 1, 0, 0, 0]
        #expect(broken.withUnsafeBufferPointer { Pruner.checkTwoFour($0, rowLength: 4) }?.violations == 1)
        #expect(broken.withUnsafeBufferPointer { Pruner.checkTwoFour($0, rowLength: 6) } == nil)
        var odd: [Float] = [1, 2, 3, 4, 5, 6]
        let threw = odd.withUnsafeMutableBufferPointer { b in (try? Pruner.twoFour(b, rowLength: 6)) == nil }
        #expect(threw)
    }

    @Test("which tensors are pruned: matrices, not embeddings, norms or 1-D tensors")
    func prunable() {
        #expect(Pruning.isPrunable(name: "blk.0.ffn_up.weight", dimensions: 2))
        #expect(!Pruning.isPrunable(name: "token_embd.weight", dimensions: 2))
        #expect(!Pruning.isPrunable(name: "blk.0.attn_output_norm.weight", dimensions: 1))
        #expect(!Pruning.isPrunable(name: "blk.0.attn_q.bias", dimensions: 1))
    }
}

@Suite struct TypePolicyTests {
    @Test("llama-quantize's rules: 1-D, norms, position and token-type embeddings stay F32")
    func quantizable() throws {
        let p = TypePolicy(type: .q8_0)
        #expect(p.choose(name: "blk.0.attn_q.weight", ne: [384, 384]).type == .q8_0)
        #expect(p.choose(name: "blk.0.attn_q.bias", ne: [384]).type == .f32)
        #expect(p.choose(name: "position_embd.weight", ne: [384, 512]).type == .f32)
        #expect(p.choose(name: "token_types.weight", ne: [384, 2]).type == .f32)
        #expect(p.choose(name: "token_embd_norm.weight", ne: [384]).type == .f32)
    }

    @Test("rows a type cannot divide fall back as llama.cpp does, and say why")
    func fallbacks() throws {
        let (t4, why4) = TypePolicy(type: .q4_K).choose(name: "blk.0.attn_q.weight", ne: [384, 384])
        #expect(t4 == .q5_0)
        #expect(why4?.contains("384") == true)
        #expect(TypePolicy(type: .q6_K).choose(name: "x.weight", ne: [384, 8]).type == .q8_0)
        #expect(TypePolicy(type: .q4_K).choose(name: "x.weight", ne: [1536, 8]) == (.q4_K, nil))
        #expect(TypePolicy(type: .q8_0).choose(name: "x.weight", ne: [100, 8]).type == .f16)
        #expect(TypePolicy(type: .q4_K).choose(name: "x.weight", ne: [48, 8]).type == .f16)  // 48 % 32 ≠ 0
    }

    @Test("overrides: first match wins, embeddings and output types")
    func overrides() throws {
        let p = TypePolicy(type: .q4_0, overrides: [try .init(parsing: "attn_v=q8_0"), try .init(parsing: "attn_.*=f16")],
                           tokenEmbeddingType: .q8_0)
        #expect(p.choose(name: "blk.1.attn_v.weight", ne: [384, 384]).type == .q8_0)
        #expect(p.choose(name: "blk.1.attn_k.weight", ne: [384, 384]).type == .f16)
        #expect(p.choose(name: "token_embd.weight", ne: [384, 30522]).type == .q8_0)
        #expect(p.choose(name: "blk.1.ffn_up.weight", ne: [384, 1536]).type == .q4_0)
        #expect(throws: (any Error).self) { try TypePolicy.Override(parsing: "noequals") }
        #expect(throws: (any Error).self) { try TypePolicy.Override(parsing: "(=q8_0") }
        #expect(throws: (any Error).self) { try TypePolicy.parseType("q3_K") }
        #expect(try TypePolicy.parseType("Q4_k") == .q4_K)
    }
}

@Suite struct CompressPlanTests {
    @Test("2:4 pruning leaves tensors whose rows are not groups of four unpruned, and says so")
    func twoFourSkipsOddRows() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let src = dir.appendingPathComponent("m.safetensors").path, out = dir.appendingPathComponent("o.safetensors").path
        let odd = (0..<(6 * 2)).map { Float($0 + 1) }, even = (0..<(8 * 2)).map { Float($0 + 1) }
        try SafetensorsWriter.write(to: src, tensors: [
            SafetensorsTensorSpec(name: "a.weight", dtype: .f32, shape: [2, 6]),
            SafetensorsTensorSpec(name: "b.weight", dtype: .f32, shape: [2, 8]),
        ]) { w in
            try w.writeTensor(odd)
            try w.writeTensor(even)
        }
        let (section, notes) = try ModelCompressor.compress(
            sourcePath: src, outputPath: out,
            options: CompressOptions(policy: TypePolicy(type: .f32), pruning: .twoFour, format: .safetensors))
        #expect(notes.contains { $0.code == "compress.not-pruned" && $0.message.contains("a.weight") })
        #expect(section.tensors.first { $0.name == "a.weight" }?.sparsity == nil)
        #expect(section.tensors.first { $0.name == "b.weight" }?.sparsity == 0.5)
        let back = try SafetensorsFile(path: out)
        #expect(try Quantizer.convertToFloat(back.data(named: "a.weight"), from: .f32) == odd)
    }
}
