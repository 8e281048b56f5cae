import Foundation
import GreenlightCore
@testable import GreenlightTensors
import GreenlightTestSupport
import Testing

/// One malformed GGUF file per rule, built by hand, each with the message it must give.
@Suite struct GGUFValidationTests {
    typealias Info = (name: String, ne: [UInt64], type: UInt32, offset: UInt64)

    /// A GGUF file: header, `kvCount` entries written by `kv`, tensor infos, padding to `alignment`, then `data`.
    static func gguf(
        version: UInt32 = 3, kvCount: UInt64 = 0, kv: (inout Bytes) -> Void = { _ in },
        tensors: [Info] = [], tensorCount: UInt64? = nil, data: [UInt8] = [], alignment: Int = 32
    ) -> [UInt8] {
        var b = Bytes()
        b.raw("GGUF")
        b.u32(version)
        b.u64(tensorCount ?? UInt64(tensors.count))
        b.u64(kvCount)
        kv(&b)
        for t in tensors {
            b.str(t.name)
            b.u32(UInt32(t.ne.count))
            for d in t.ne { b.u64(d) }
            b.u32(t.type)
            b.u64(t.offset)
        }
        b.pad(to: alignment)
        b.data += data
        return b.data
    }

    /// Two F32 tensors of 4 elements, 16 bytes each, at aligned offsets 0 and 32, and one entry of metadata.
    static let valid = gguf(
        kvCount: 1, kv: { $0.str("general.architecture"); $0.u32(8); $0.str("llama") },
        tensors: [("a", [4], 0, 0), ("b", [2, 2], 0, 32)], data: Array(repeating: 1, count: 48))

    func expectInvalid(_ bytes: [UInt8], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let scratch = try Scratch()
        let path = try scratch.write(bytes, "bad.gguf")
        let message = expectError(fragment, sourceLocation: sourceLocation) { _ = try GGUFFile(path: path) }
        // The path leads the message: these errors carry no location.
        if let message { #expect(message.hasPrefix(path + ": "), sourceLocation: sourceLocation) }
    }

    @Test func validFixtureOpens() throws {
        let scratch = try Scratch()
        let file = try GGUFFile(path: scratch.write(Self.valid, "ok.gguf"))
        #expect(file.architecture == "llama")
        #expect(file.tensors.map(\.name) == ["a", "b"])
        #expect(file.tensor(named: "b")?.shape == [2, 2])
        #expect(file.data(for: file.tensors[1]).count == 16)
    }

    @Test func everyTruncationIsAnError() throws {
        let scratch = try Scratch()
        // Prefixes ending inside the last tensor's data, the header, or the magic all fail cleanly.
        for n in 0..<(Self.valid.count - 15) {
            let path = try scratch.write(Array(Self.valid.prefix(n)), "t\(n).gguf")
            #expect(throws: GreenlightError.self, "prefix of \(n) bytes") { _ = try GGUFFile(path: path) }
        }
        try expectInvalid([], "too small to hold the magic")
        try expectInvalid(Array(Self.valid.prefix(10)), "truncated: the tensor count needs 8 bytes at offset 8")
        try expectInvalid(Array(Self.valid.dropLast(16)), "tensor \"b\" (16 bytes at data offset 32) lies outside the file")
    }

    @Test func badMagic() throws {
        var bytes = Self.valid
        bytes[0] = UInt8(ascii: "X")
        try expectInvalid(bytes, "not a GGUF file: bad magic 58 47 55 46 (expected 47 47 55 46, \"GGUF\")")
    }

    @Test func badVersion() throws {
        try expectInvalid(Self.gguf(version: 2), "GGUF version 2 is not supported, only version 3")
        try expectInvalid(Self.gguf(version: 1), "GGUF version 1 is not supported")
        try expectInvalid(Self.gguf(version: 4), "unsupported GGUF version 4 (expected 3)")
        try expectInvalid(Self.gguf(version: UInt32(3).byteSwapped), "this GGUF file is big-endian")
    }

    @Test("version 0 (or any low-half-zero value that is no swapped 1–3) is a bad version, not big-endian")
    func versionZeroIsNotBigEndian() throws {
        let m0 = expectError("unsupported GGUF version 0 (expected 3)") {
            let scratch = try Scratch()
            _ = try GGUFFile(path: scratch.write(Self.gguf(version: 0), "v0.gguf"))
        }
        #expect(m0?.contains("big-endian") == false)
        expectError("unsupported GGUF version 65536 (expected 3)") {
            let scratch = try Scratch()
            _ = try GGUFFile(path: scratch.write(Self.gguf(version: 0x0001_0000), "v.gguf"))
        }
    }

    @Test func misalignedOffset() throws {
        try expectInvalid(
            Self.gguf(tensors: [("a", [4], 0, 0), ("b", [4], 0, 16)], data: Array(repeating: 0, count: 64)),
            "tensor \"b\" has offset 16, not a multiple of the alignment 32")
        // With general.alignment = 16 the same offsets are fine.
        let scratch = try Scratch()
        let ok = Self.gguf(
            kvCount: 1, kv: { $0.str("general.alignment"); $0.u32(4); $0.u32(16) },
            tensors: [("a", [4], 0, 0), ("b", [4], 0, 16)], data: Array(repeating: 0, count: 32), alignment: 16)
        #expect(try GGUFFile(path: scratch.write(ok, "ok.gguf")).alignment == 16)
    }

    @Test func badAlignment() throws {
        try expectInvalid(Self.gguf(kvCount: 1, kv: { $0.str("general.alignment"); $0.u32(4); $0.u32(24) }), "general.alignment 24 is not a non-zero power of two")
        try expectInvalid(Self.gguf(kvCount: 1, kv: { $0.str("general.alignment"); $0.u32(4); $0.u32(0) }), "general.alignment 0 is not")
        try expectInvalid(Self.gguf(kvCount: 1, kv: { $0.str("general.alignment"); $0.u32(10); $0.u64(32) }), "general.alignment must be UINT32, not UINT64")
    }

    @Test func outOfRangeTensor() throws {
        try expectInvalid(
            Self.gguf(tensors: [("a", [4], 0, 1 << 40)], data: Array(repeating: 0, count: 16)),
            "tensor \"a\" (16 bytes at data offset 1099511627776) lies outside the file")
        try expectInvalid(
            Self.gguf(tensors: [("a", [4], 0, UInt64(Int.max) - 31)], data: []),
            "lies outside the file")
        try expectInvalid(
            Self.gguf(tensors: [("a", [1 << 40, 1 << 20], 0, 0)]),
            "tensor \"a\" (4611686018427387904 bytes at data offset 0) lies outside the file")
    }

    @Test func overlappingTensors() throws {
        try expectInvalid(
            Self.gguf(tensors: [("a", [16], 0, 0), ("b", [4], 0, 32)], data: Array(repeating: 0, count: 64)),
            "tensor \"b\" at data offset 32 overlaps tensor \"a\", which ends at 64")
    }

    @Test func hugeStringLength() throws {
        try expectInvalid(
            Self.gguf(kvCount: 1, kv: { $0.u64(UInt64.max) }, data: Array(repeating: 0, count: 32)),
            "the key of metadata entry 0 at offset 24 claims 18446744073709551615 bytes but only")
        try expectInvalid(
            Self.gguf(kvCount: 1, kv: { $0.str("k"); $0.u32(8); $0.u64(1 << 62) }),
            "the value of \"k\" at offset 37 claims 4611686018427387904 bytes")
        try expectInvalid(
            Self.gguf(kv: { $0.u64(1 << 50) }, tensorCount: 1, data: Array(repeating: 0, count: 32)),
            "the name of tensor 0 at offset 24 claims 1125899906842624 bytes")
    }

    @Test func hugeCounts() throws {
        try expectInvalid(Self.gguf(kvCount: 1 << 60), "metadata count 1152921504606846976 cannot fit in the")
        try expectInvalid(Self.gguf(tensorCount: UInt64.max), "tensor count 18446744073709551615 cannot fit")
        try expectInvalid(
            Self.gguf(kvCount: 1, kv: { $0.str("k"); $0.u32(9); $0.u32(10); $0.u64(1 << 59) }),
            "the value of \"k\" at offset 41 claims 576460752303423488 elements of UINT64, which cannot fit")
    }

    @Test func unknownTypes() throws {
        try expectInvalid(Self.gguf(tensors: [("q", [256], 16, 0)]), "tensor \"q\" has ggml type 16 (IQ2_XXS), which Greenlight does not support")
        try expectInvalid(Self.gguf(tensors: [("q", [256], 99, 0)]), "tensor \"q\" has unknown ggml type 99")
        try expectInvalid(Self.gguf(kvCount: 1, kv: { $0.str("k"); $0.u32(13) }), "metadata \"k\" has unknown value type 13")
        try expectInvalid(Self.gguf(kvCount: 1, kv: { $0.str("k"); $0.u32(9); $0.u32(77); $0.u64(0) }), "is an array of unknown value type 77")
    }

    @Test func duplicateNames() throws {
        try expectInvalid(
            Self.gguf(tensors: [("a", [4], 0, 0), ("a", [4], 0, 32)], data: Array(repeating: 0, count: 48)),
            "duplicate tensor name \"a\"")
        try expectInvalid(
            Self.gguf(kvCount: 2, kv: { for _ in 0..<2 { $0.str("k"); $0.u32(0); $0.u8(1) } }),
            "duplicate metadata key \"k\"")
    }

    @Test func tensorShapeRules() throws {
        try expectInvalid(Self.gguf(tensors: [("d", [1, 1, 1, 1, 1], 0, 0)]), "tensor \"d\" has 5 dimensions; GGUF allows at most 4")
        try expectInvalid(Self.gguf(tensors: [("q", [33], 8, 0)], data: Array(repeating: 0, count: 64)), "tensor \"q\" of type Q8_0 has 33 elements per row (ne[0]), not a multiple of the block size 32")
        try expectInvalid(Self.gguf(tensors: [("n", [UInt64.max], 0, 0)]), "tensor \"n\" has dimension 18446744073709551615, which is negative as int64")
        try expectInvalid(Self.gguf(tensors: [("o", [1 << 62, 1 << 62], 0, 0)]), "whose product overflows")
    }

    @Test func badValues() throws {
        try expectInvalid(Self.gguf(kvCount: 1, kv: { $0.str("b"); $0.u32(7); $0.u8(2) }), "the value of \"b\" at offset 37 is a BOOL of 2; only 0 and 1 are valid")
        try expectInvalid(Self.gguf(kvCount: 1, kv: { $0.u64(2); $0.data += [0xC3, 0x28]; $0.u32(0); $0.u8(0) }), "the key of metadata entry 0 at offset 24 is not valid UTF-8")
        try expectInvalid(
            Self.gguf(kvCount: 1, kv: { b in b.str("deep"); b.u32(9); for _ in 0..<100 { b.u32(9); b.u64(1) }; b.u32(0); b.u64(0) }),
            "nests arrays deeper than 64 levels")
    }

    /// Random mutations of a valid file and random bytes: every outcome is a clean result or a GreenlightError.
    @Test func fuzzNeverCrashes() {
        var rng = SplitMix64(seed: 0x66_75_66)
        var errors = 0
        for round in 0..<3000 {
            var bytes = Self.valid
            if round % 4 == 0 {
                bytes = Array("GGUF".utf8) + [3, 0, 0, 0] + (0..<Int.random(in: 0...80, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    bytes[Int.random(in: 4..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            do {
                _ = try bytes.withUnsafeBytes { try GGUFParser.parse($0, path: "fuzz") }
            } catch let error as GreenlightError {
                // The file's name leads the message: the error carries no location.
                #expect(error.code == .invalidInput && error.message.hasPrefix("fuzz: "), "\(error.code): \(error.message)")
                errors += 1
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
        #expect(errors > 0)
    }
}
