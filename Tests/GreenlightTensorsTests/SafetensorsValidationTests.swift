import Foundation
import GreenlightCore
@testable import GreenlightTensors
import GreenlightTestSupport
import Testing

/// One malformed file per rule of the reference implementation, each with the message it must give.
@Suite struct SafetensorsValidationTests {
    /// A file whose header is `json` (padded with spaces to 8 bytes unless `pad` is false) followed by `data`.
    static func file(_ json: String, data: [UInt8] = [], pad: Bool = true, length: UInt64? = nil) -> [UInt8] {
        var header = Array(json.utf8)
        if pad { header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8) }
        var b = Bytes()
        b.u64(length ?? UInt64(header.count))
        b.data += header + data
        return b.data
    }

    static let valid = file(
        #"{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F16","shape":[2],"data_offsets":[16,20]}}"#,
        data: Array(0..<20))

    /// Opens `bytes` from a file and expects an invalid-input error containing `fragment`.
    func expectInvalid(_ bytes: [UInt8], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let scratch = try Scratch()
        let path = try scratch.write(bytes, "bad.safetensors")
        let message = expectError(fragment, sourceLocation: sourceLocation) { _ = try SafetensorsFile(path: path) }
        // The path leads the message: these errors carry no location.
        if let message { #expect(message.hasPrefix(path + ": "), sourceLocation: sourceLocation) }
    }

    @Test func validFixtureOpens() throws {
        let scratch = try Scratch()
        let file = try SafetensorsFile(path: scratch.write(Self.valid, "ok.safetensors"))
        #expect(file.tensorNames == ["w", "b"])
        #expect([UInt8](file.data(for: file.tensors[1])) == [16, 17, 18, 19])
    }

    @Test func everyTruncationIsAnError() throws {
        let scratch = try Scratch()
        for n in 0..<Self.valid.count {
            let path = try scratch.write(Array(Self.valid.prefix(n)), "t\(n).safetensors")
            #expect(throws: GreenlightError.self, "prefix of \(n) bytes") { _ = try SafetensorsFile(path: path) }
        }
        try expectInvalid([], "file is too small for a safetensors header (0 bytes")
        try expectInvalid([1, 2, 3, 4, 5, 6, 7], "file is too small")
        try expectInvalid(Array(Self.valid.dropLast()), "the tensors cover 20 bytes of data but the file's data section has 19 bytes")
    }

    @Test func hugeHeaderLength() throws {
        try expectInvalid(Self.file("{}", length: 100_000_001), "header length 100000001 exceeds the 100000000-byte limit")
        try expectInvalid(Self.file("{}", length: UInt64.max), "exceeds the 100000000-byte limit")
    }

    @Test func headerLengthBeyondFile() throws {
        try expectInvalid(Self.file("{}", length: 4096), "header length 4096 runs past the end of the file")
    }

    @Test func invalidUTF8() throws {
        var bytes = Self.file(#"{"__metadata__":{"a":"xx"}}"#)
        bytes[8 + 21] = 0xFF
        try expectInvalid(bytes, "header is not valid UTF-8")
        try expectInvalid(Self.file("{\"a\u{0}\":1}"), "not valid JSON")  // raw control character in a string
    }

    @Test func invalidJSON() throws {
        try expectInvalid(Self.file(#"{"a":{"dtype":"F32",}}"#), "header is not valid JSON: expected a string key at byte")
        try expectInvalid(Self.file(#"{"a":1} x"#), "trailing characters")
        try expectInvalid(Self.file(#"{"a":tru}"#), "invalid literal")
        try expectInvalid(Self.file(#"{"a":"\ud800"}"#), "lone leading surrogate")
        try expectInvalid(Self.file(#"{"a":01}"#), "not valid JSON")
        try expectInvalid(Self.file(String(repeating: "[", count: 200) + String(repeating: "]", count: 200)), "nesting deeper than 128 levels")
    }

    @Test func nonObjectJSON() throws {
        try expectInvalid(Self.file("[1, 2]"), "header is not a JSON object (it is an array)")
        try expectInvalid(Self.file(#""x""#), "header is not a JSON object (it is a string)")
    }

    @Test func metadataMustBeStringToString() throws {
        try expectInvalid(Self.file(#"{"__metadata__":{"format":"pt","n":1}}"#), "__metadata__ must map strings to strings, but \"n\" is a number")
        try expectInvalid(Self.file(#"{"__metadata__":["pt"]}"#), "__metadata__ must be an object of strings, not an array")
        // null means absent, as serde's Option reads it
        let scratch = try Scratch()
        let file = try SafetensorsFile(path: scratch.write(Self.file(#"{"__metadata__":null}"#), "n.safetensors"))
        #expect(file.metadata == nil)
    }

    @Test func duplicateNames() throws {
        try expectInvalid(
            Self.file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: Array(repeating: 0, count: 8)),
            "duplicate key \"a\"")
        try expectInvalid(Self.file(#"{"a":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "duplicate key \"dtype\"")
        try expectInvalid(Self.file(#"{"__metadata__":{"k":"1","k":"2"}}"#), "duplicate key \"k\"")
    }

    @Test func entryFields() throws {
        try expectInvalid(Self.file(#"{"a":{"dtype":"F4","shape":[1],"data_offsets":[0,1]}}"#, data: [0]), "tensor \"a\": unknown dtype \"F4\"")
        try expectInvalid(Self.file(#"{"a":{"shape":[1],"data_offsets":[0,4]}}"#), "tensor \"a\": missing field dtype")
        try expectInvalid(Self.file(#"{"a":{"dtype":"F32","data_offsets":[0,4]}}"#), "tensor \"a\": missing field shape")
        try expectInvalid(Self.file(#"{"a":{"dtype":"F32","shape":[1]}}"#), "tensor \"a\": missing field data_offsets")
        try expectInvalid(Self.file(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#), "tensor \"a\": shape must be an array of non-negative integers")
        try expectInvalid(Self.file(#"{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}"#), "shape must be an array of non-negative integers")
        try expectInvalid(Self.file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}"#), "tensor \"a\": data_offsets must be an array of two")
        try expectInvalid(Self.file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,99999999999999999999]}}"#), "data_offsets must be two non-negative integers")
        try expectInvalid(Self.file(#"{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}"#), "tensor \"a\": data_offsets [4, 0] end before they begin")
        try expectInvalid(Self.file(#"{"a":3}"#), "tensor \"a\": entry must be an object")
        // Unknown fields are ignored, as serde does.
        let scratch = try Scratch()
        _ = try SafetensorsFile(path: scratch.write(Self.file(#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"extra":[1]}}"#, data: [7]), "x.safetensors"))
    }

    @Test func overlappingOffsets() throws {
        try expectInvalid(
            Self.file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: Array(repeating: 0, count: 8)),
            "tensor \"b\": data_offsets [4, 8] overlap the previous tensor, which ends at 8")
    }

    @Test func gappedOffsets() throws {
        try expectInvalid(
            Self.file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#, data: Array(repeating: 0, count: 12)),
            "tensor \"b\": data_offsets [8, 12] leave a gap of 4 bytes after the previous tensor, which ends at 4")
        try expectInvalid(
            Self.file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: Array(repeating: 0, count: 8)),
            "tensor \"a\": data_offsets [4, 8] leave a gap of 4 bytes")
    }

    @Test func byteSizeMismatch() throws {
        try expectInvalid(
            Self.file(#"{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}"#, data: Array(repeating: 0, count: 12)),
            "tensor \"a\": data_offsets [0, 12] span 12 bytes but shape [2, 2] of F32 needs 16 bytes")
    }

    @Test func overflowingShapeProduct() throws {
        try expectInvalid(
            Self.file(#"{"a":{"dtype":"F32","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}}"#),
            "tensor \"a\": the product of shape [4294967296, 4294967296, 0] overflows")
        try expectInvalid(
            Self.file(#"{"a":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,0]}}"#),
            "tensor \"a\": shape [2305843009213693952] of F64 overflows when computing its byte size")
    }

    @Test func dataSectionMustCoverTheFile() throws {
        try expectInvalid(Self.valid + [0], "the tensors cover 20 bytes of data but the file's data section has 21 bytes")
        try expectInvalid(Self.file("{}", data: [1]), "the tensors cover 0 bytes of data but the file's data section has 1 bytes")
    }

    @Test func offsetOrderNotHeaderOrder() throws {
        let scratch = try Scratch()
        let bytes = Self.file(#"{"late":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},"early":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#, data: [10, 20])
        let file = try SafetensorsFile(path: scratch.write(bytes, "o.safetensors"))
        #expect(file.tensorNames == ["early", "late"])
        #expect(try [UInt8](file.data(named: "late")) == [20])
    }

    /// Random mutations of a valid file and random bytes: every outcome is a clean result or a GreenlightError.
    @Test func fuzzNeverCrashes() {
        var rng = SplitMix64(seed: 0x5AFE)
        var outcomes = (ok: 0, errors: 0)
        for round in 0..<3000 {
            var bytes = Self.valid
            if round % 3 == 0 {
                bytes = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                if bytes.count >= 8, round % 2 == 0 { bytes.replaceSubrange(0..<8, with: [UInt8(bytes.count - 8), 0, 0, 0, 0, 0, 0, 0]) }
            } else {
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            do {
                _ = try bytes.withUnsafeBytes { try SafetensorsHeader.parse($0, path: "fuzz") }
                outcomes.ok += 1
            } catch let error as GreenlightError {
                // The file's name leads the message: the error carries no location.
                #expect(error.code == .invalidInput && error.message.hasPrefix("fuzz: "), "\(error.code): \(error.message)")
                outcomes.errors += 1
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
        #expect(outcomes.errors > 0)
    }
}
