import Foundation
import GreenlightCompress
import GreenlightTensors
import GreenlightTestSupport
import Testing

/// Greenlight against gguf-py 0.19.0 run now, on data generated for the run.
@Suite(.serialized) struct QuantizationOracleTests {
    /// Quantizes `input.f32` (shape rows × cols) with gguf.quants.quantize for each type named.
    static let quantizeScript = """
        import sys, numpy as np
        from gguf.quants import quantize
        from gguf.constants import GGMLQuantizationType as T
        directory, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        x = np.fromfile(f"{directory}/input.f32", dtype="<f4").reshape(rows, cols)
        for name in sys.argv[4:]:
            np.ascontiguousarray(quantize(x, T[name])).view(np.uint8).tofile(f"{directory}/{name}.bin")
        """

    /// Dequantizes `NAME.bin` with gguf.quants.dequantize into `NAME.f32` for each type named.
    static let dequantizeScript = """
        import sys, numpy as np
        from gguf.quants import dequantize
        from gguf.constants import GGMLQuantizationType as T
        directory = sys.argv[1]
        for name in sys.argv[2:]:
            raw = np.fromfile(f"{directory}/{name}.bin", dtype=np.uint8)
            dequantize(raw, T[name]).astype("<f4").tofile(f"{directory}/{name}.f32")
        """

    @Test func exactTypesMatchGGUFPyOnRandomTensor() throws {
        guard let python = PythonOracle.module("gguf.quants==0.19.0", "numpy") else { return }
        let rows = 96, cols = 512
        // A new tensor each run; the seed is printed so a failure can be replayed.
        let seed = UInt64(Date().timeIntervalSince1970)
        print("seed \(seed)")
        var random = SplitMix64(seed: seed)
        var values = random.normals(rows * cols, scale: 0.02)
        // Some rows on other scales: large, tiny, a zero stretch, integers on 0.5 steps, a constant.
        for c in 0..<cols {
            values[1 * cols + c] *= 1e4
            values[2 * cols + c] *= 1e-36
            values[3 * cols + c] = c < 100 ? 0 : values[3 * cols + c]
            values[4 * cols + c] = Float(Int(random.next() % 33)) / 2 - 8
            values[5 * cols + c] = 0.75
        }
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try values.withUnsafeBytes { Data($0) }.write(to: directory.appendingPathComponent("input.f32"))
        try runGGUFPy(python, Self.quantizeScript, [directory.path, "\(rows)", "\(cols)"] + exactTypes.map(\.name))
        for type in exactTypes {
            let expected = try [UInt8](Data(contentsOf: directory.appendingPathComponent("\(type.name).bin")))
            let actual = try Quantizer.quantize(values, to: type, threads: 2)
            #expect(actual == expected, "\(type.name) differs from gguf-py (seed \(seed))")
        }
    }

    /// gguf-py decodes Greenlight's Q4_K and Q6_K to exactly the floats Greenlight's own decoder gives.
    @Test func kQuantsDecodeIdenticallyInGGUFPy() throws {
        guard let python = PythonOracle.module("gguf.quants==0.19.0", "numpy") else { return }
        var values: [Float] = []
        if MiniLM.isPresent {
            for tensor in MiniLM.tensors where tensor.name.hasPrefix("encoder.layer.0.") && tensor.shape.count == 2 {
                values += tensor.values
            }
        }
        var random = SplitMix64(seed: 11)
        values += random.normals(256 * 64)
        values += [Float](repeating: 0, count: 256)  // an all-zero super-block
        values += random.normals(256, scale: 1e-20)
        values += random.normals(256, scale: 3e4)
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var decoded: [GGMLType: [Float]] = [:]
        for type in [GGMLType.q4_K, .q6_K] {
            let bytes = try Quantizer.quantize(values, to: type, threads: 2)
            try Data(bytes).write(to: directory.appendingPathComponent("\(type.name).bin"))
            decoded[type] = try bytes.withUnsafeBytes { try Quantizer.dequantize($0, type: type) }
        }
        try runGGUFPy(python, Self.dequantizeScript, [directory.path, "Q4_K", "Q6_K"])
        for type in [GGMLType.q4_K, .q6_K] {
            let data = try Data(contentsOf: directory.appendingPathComponent("\(type.name).f32"))
            let theirs = data.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
            let swift = try #require(decoded[type]).map(\.bitPattern)
            #expect(theirs.count == values.count)
            let mismatches = zip(theirs, swift).filter { $0 != $1 }.count
            #expect(mismatches == 0, "\(type.name): \(mismatches) of \(values.count) values differ from gguf-py")
        }
    }
}
