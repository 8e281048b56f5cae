import Foundation
import GreenlightCompress
public import GreenlightTensors
import GreenlightTestSupport
public import Testing

/// Fixtures, the MiniLM weights, a SHA-256 and the Python (gguf-py) oracle shared by the quantization tests.
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

/// A small SHA-256 (FIPS 180-4), enough to check fixture hashes without a crypto dependency.
enum SHA256 {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        let fullBlocks = bytes.count / 64
        var tail = [UInt8](bytes[(fullBlocks * 64)...])
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        let bitCount = UInt64(bytes.count) * 8
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitCount >> UInt64(shift))) }
        var w = [UInt32](repeating: 0, count: 64)
        k.withUnsafeBufferPointer { k in
            w.withUnsafeMutableBufferPointer { w in
                func compress(_ block: UnsafeRawPointer) {
                    for i in 0..<16 { w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
                    for i in 16..<64 {
                        let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                        let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                        w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
                    }
                    var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
                    for i in 0..<64 {
                        let t1 = hh &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[i] &+ w[i]
                        let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                        (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
                    }
                    h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d
                    h[4] &+= e; h[5] &+= f; h[6] &+= g; h[7] &+= hh
                }
                if let base = bytes.baseAddress {
                    for block in 0..<fullBlocks { compress(base + 64 * block) }
                }
                tail.withUnsafeBytes { t in
                    for block in 0..<(t.count / 64) { compress(t.baseAddress! + 64 * block) }
                }
            }
        }
        return h.map { word in
            let s = String(word, radix: 16)
            return String(repeating: "0", count: 8 - s.count) + s
        }.joined()
    }

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}

/// gguf-py run at test time. Tests using it skip (with a printed reason) when python3 or gguf 0.19.0 is
/// missing, except in CI (`CI=true`), where they run and fail.
enum PythonOracle {
    static let python: String? = TestSupport.which("python3")

    /// nil when usable, else why not.
    static let unavailableReason: String? = {
        guard let python else { return "python3 is not on PATH" }
        let probe = "import numpy, gguf.quants; from importlib.metadata import version; print(version('gguf'))"
        guard let result = try? TestSupport.run(python, ["-c", probe]), result.status == 0 else {
            return "python3 cannot import numpy and gguf (pip install gguf==0.19.0)"
        }
        let found = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return found == "0.19.0" ? nil : "gguf \(found) is installed; the oracle tests need gguf==0.19.0"
    }()

    /// Whether an oracle test should run: always in CI (so a missing oracle fails), else when available.
    static func shouldRun() -> Bool {
        if TestSupport.inCI { return true }
        if let unavailableReason {
            print("skipping gguf-py oracle test: \(unavailableReason)")
            return false
        }
        return true
    }

    /// Runs a Python script with arguments; fails the test if the oracle is missing or the script fails.
    static func run(_ script: String, _ arguments: [String]) throws {
        try #require(unavailableReason == nil, "gguf-py oracle unavailable: \(unavailableReason ?? "")")
        let result = try TestSupport.run(try #require(python), ["-c", script] + arguments)
        try #require(result.status == 0, "python3 failed (\(result.status)): \(result.stderr)")
    }
}

/// Deterministic pseudo-random floats (SplitMix64, Box–Muller) for tests that need data.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    mutating func uniform() -> Double { Double((next() >> 11) + 1) * 0x1p-53 }

    mutating func normal() -> Float {
        Float((-2 * Foundation.log(uniform())).squareRoot() * Foundation.cos(2 * Double.pi * uniform()))
    }

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
