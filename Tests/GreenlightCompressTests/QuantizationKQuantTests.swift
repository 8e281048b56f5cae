import Foundation
import GreenlightCompress
import GreenlightTensors
import GreenlightTestSupport
import Testing

@Suite struct QuantizationKQuantTests {
    /// Relative RMSE (||deq − w||₂ / ||w||₂ over all 2-D MiniLM weights) must be no worse than ggml's C
    /// reference, quoted to three figures as 0.0725 for Q4_K and 0.0181 for Q6_K: the bounds are those
    /// figures plus half a unit of their last digit.
    @Test(arguments: [(GGMLType.q4_K, 0.07255), (.q6_K, 0.01815)])
    func miniLMRelativeRMSE(_ type: GGMLType, _ limit: Double) throws {
        try #require(MiniLM.isPresent, "MiniLM weights not found at \(MiniLM.path.path)")
        var total = RelativeError()
        var worst = (name: "", value: 0.0)
        for tensor in MiniLM.tensors where tensor.shape.count == 2 {
            let bytes = try Quantizer.quantize(tensor.values, to: type, threads: 2)
            #expect(bytes.count == tensor.values.count / 256 * type.typeSize)
            let decoded = try bytes.withUnsafeBytes { try Quantizer.dequantize($0, type: type) }
            var one = RelativeError()
            one.add(decoded, tensor.values)
            if one.value > worst.value { worst = (tensor.name, one.value) }
            total.add(decoded, tensor.values)
        }
        print(String(format: "%@ relative RMSE over MiniLM 2-D weights: %.6f (worst tensor %@: %.6f)",
                     type.name, total.value, worst.name, worst.value))
        #expect(total.value < limit, "\(type.name) relative RMSE \(total.value) ≥ \(limit)")
    }

    @Test(arguments: [GGMLType.q4_K, .q6_K])
    func roundTripOnRandomData(_ type: GGMLType) throws {
        var random = SplitMix64(seed: 5)
        let values = random.normals(256 * 40)
        let bytes = try Quantizer.quantize(values, to: type)
        let decoded = try bytes.withUnsafeBytes { try Quantizer.dequantize($0, type: type) }
        var error = RelativeError()
        error.add(decoded, values)
        #expect(error.value < (type == .q4_K ? 0.11 : 0.03), "\(type.name): \(error.value)")
        // Quantizing the decoded values again is stable enough to stay close.
        let again = try Quantizer.quantize(decoded, to: type)
        let decodedAgain = try again.withUnsafeBytes { try Quantizer.dequantize($0, type: type) }
        var drift = RelativeError()
        drift.add(decodedAgain, decoded)
        #expect(drift.value < error.value)
    }

    @Test(arguments: [GGMLType.q4_K, .q6_K])
    func zeroSuperBlockIsAllZeroBytes(_ type: GGMLType) throws {
        let bytes = try Quantizer.quantize([Float](repeating: 0, count: 512), to: type)
        #expect(bytes == [UInt8](repeating: 0, count: 2 * type.typeSize))
        let decoded = try bytes.withUnsafeBytes { try Quantizer.dequantize($0, type: type) }
        #expect(decoded.allSatisfy { $0 == 0 })
    }
}
