import Crypto
import Foundation
import GreenlightCompress
public import GreenlightTensors
import GreenlightTestSupport
public import Testing

/// Fixtures and the MiniLM weights shared by the quantization tests.
enum QuantFixtures {
    static let directory: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// One case of quant-edge-cases.json: an input and gguf-py's bytes per type name.
    struct EdgeCase: Sendable, CustomTestStringConvertible {
        var name: String
        var input: [Float]
        var outputs: [String: [UInt8]]
        var testDescription: String { name }
    }

    static let edgeCases: [EdgeCase] = {
        guard let root = try? json("quant-edge-cases.json"), let cases = root["cases"] as? [[String: Any]] else {
            return []
        }
        return cases.map { c in
            let input = Data(base64Encoded: c["input"] as? String ?? "") ?? Data()
            let floats = input.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            var outputs: [String: [UInt8]] = [:]
            for (type, text) in c["outputs"] as? [String: String] ?? [:] {
                outputs[type] = [UInt8](Data(base64Encoded: text) ?? Data())
            }
            return EdgeCase(name: c["name"] as? String ?? "?", input: floats, outputs: outputs)
        }
    }()
}

/// The real all-MiniLM-L6-v2 weights, read with a minimal safetensors parser (8-byte little-endian header
/// length, JSON header, raw data) so these tests do not depend on GreenlightTensors' reader.
enum MiniLM {
    struct Tensor: Sendable {
        var name: String
        var shape: [Int]
        var values: [Float]
    }

    static let path = TestSupport.sharedData.appendingPathComponent("models/all-MiniLM-L6-v2/model.safetensors")

    static var isPresent: Bool { FileManager.default.fileExists(atPath: path.path) }

    /// Every F32 tensor, in file order.
    static let tensors: [Tensor] = {
        guard let data = try? Data(contentsOf: path, options: .alwaysMapped), data.count >= 8 else { return [] }
        let headerLength = data.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        guard let header = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength)))
            as? [String: Any]
        else { return [] }
        var result: [(Int, Tensor)] = []
        for (name, info) in header where name != "__metadata__" {
            guard let info = info as? [String: Any], info["dtype"] as? String == "F32",
                  let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int]
            else { continue }
            let begin = 8 + headerLength + offsets[0]
            let end = 8 + headerLength + offsets[1]
            let values = data.withUnsafeBytes { raw in
                [Float](unsafeUninitializedCapacity: (end - begin) / 4) { buffer, count in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[begin..<end]))
                    count = (end - begin) / 4
                }
            }
            result.append((offsets[0], Tensor(name: name, shape: shape, values: values)))
        }
        return result.sorted { $0.0 < $1.0 }.map(\.1)
    }()
}

/// Runs a gguf-py script (``PythonOracle/module(_:sourceLocation:)`` found `python`); fails the test if it fails.
func runGGUFPy(_ python: String, _ script: String, _ arguments: [String]) throws {
    let result = try TestSupport.run(python, ["-c", script] + arguments)
    try #require(result.status == 0, "python3 failed (\(result.status)): \(result.stderr)")
}

/// Bytes' SHA-256 as lowercase hex, as the fixtures record it.
func sha256Hex(_ bytes: some DataProtocol) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}

extension SplitMix64 {
    /// Uniform in (0, 1].
    mutating func uniform() -> Double { Double((next() >> 11) + 1) * 0x1p-53 }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Float {
        Float((-2 * Foundation.log(uniform())).squareRoot() * Foundation.cos(2 * Double.pi * uniform()))
    }

    /// `count` normals times `scale`.
    mutating func normals(_ count: Int, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in normal() * scale }
    }
}

/// ||a - b||₂ / ||b||₂ accumulated in Double.
struct RelativeError {
    var squaredError = 0.0
    var squaredNorm = 0.0

    mutating func add(_ approximation: [Float], _ exact: [Float]) {
        for i in exact.indices {
            let e = Double(approximation[i]) - Double(exact[i])
            squaredError += e * e
            squaredNorm += Double(exact[i]) * Double(exact[i])
        }
    }

    var value: Double { (squaredError / squaredNorm).squareRoot() }
}

extension GGMLType: CustomTestStringConvertible {
    public var testDescription: String { name }
}

/// Bytes as the lowercase hex string, for failure messages.
func hexPrefix(_ bytes: some Collection<UInt8>, _ count: Int = 48) -> String {
    bytes.prefix(count).map { String(format: "%02x", $0) }.joined()
}
