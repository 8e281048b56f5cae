import Foundation
import GreenlightCore
import GreenlightTensors
import GreenlightTestSupport
import Testing

@Suite struct GGUFTests {
    /// One entry of every value type, nested and empty arrays included.
    static let metadata: [GGUFKeyValue] = [
        .architecture("llama"),
        .name("tiny ✓"),
        GGUFKeyValue("t.u8", .uint8(255)),
        GGUFKeyValue("t.i8", .int8(-128)),
        GGUFKeyValue("t.u16", .uint16(65535)),
        GGUFKeyValue("t.i16", .int16(-32768)),
        GGUFKeyValue("t.u32", .uint32(4_000_000_000)),
        GGUFKeyValue("t.i32", .int32(-2_000_000_000)),
        GGUFKeyValue("t.f32", .float32(-1.25)),
        GGUFKeyValue("t.bool", .bool(true)),
        GGUFKeyValue("t.false", .bool(false)),
        GGUFKeyValue("t.str", .string("héllo\n\"world\"")),
        GGUFKeyValue("t.empty_str", .string("")),
        GGUFKeyValue("t.u64", .uint64(UInt64.max)),
        GGUFKeyValue("t.i64", .int64(Int64.min)),
        GGUFKeyValue("t.f64", .float64(1e300)),
        GGUFKeyValue("t.tokens", .strings(["<s>", "</s>", "▁the", ""])),
        GGUFKeyValue("t.scores", .float32s([0, -1.5, 3])),
        GGUFKeyValue("t.types", .int32s([1, 2, 3])),
        GGUFKeyValue("t.nested", .array(elementType: .array, [
            .array(elementType: .uint8, [.uint8(1), .uint8(2)]),
            .array(elementType: .string, [.string("x")]),
            .array(elementType: .array, [.array(elementType: .bool, [.bool(true)])]),
        ])),
        GGUFKeyValue("t.empty", .array(elementType: .int64, [])),
        .fileType(.mostlyQ8_0),
        .quantizationVersion(),
    ]

    static func tensors() -> [(GGUFTensorSpec, [UInt8])] {
        func bytes<T>(_ a: [T]) -> [UInt8] { a.withUnsafeBytes { [UInt8]($0) } }
        let q8 = (0..<(2 * 34)).map { UInt8($0 & 0xFF) }  // two Q8_0 blocks (contents are opaque to the format)
        let q4k = (0..<144).map { UInt8(($0 * 7) & 0xFF) }
        return [
            (GGUFTensorSpec(name: "token_embd.weight", shape: [3, 2], type: .f32), bytes([Float](arrayLiteral: 1, 2, 3, 4, 5, 6))),
            (GGUFTensorSpec(name: "blk.0.attn_norm.weight", shape: [3], type: .f16), bytes([Float16](arrayLiteral: 0.5, 1, -2))),
            (GGUFTensorSpec(name: "blk.0.ffn_up.weight", shape: [2, 32], type: .q8_0), q8),
            (GGUFTensorSpec(name: "blk.0.ffn_down.weight", ne: [256, 1], type: .q4_K), q4k),
            (GGUFTensorSpec(name: "empty", shape: [0, 4], type: .f32), []),
            (GGUFTensorSpec(name: "ids", shape: [2], type: .i64), bytes([Int64](arrayLiteral: -1, 1 << 40))),
        ]
    }

    @Test("arrays read from a file stay in the mapping, decode lazily, and are copied byte for byte by the writer")
    func lazyArraysRoundTrip() throws {
        let scratch = try Scratch()
        let path = scratch.path("a.gguf")
        try GGUFWriter.write(to: path, metadata: Self.metadata, tensors: []) { _ in }
        let file = try GGUFFile(path: path)
        // Read back equal to what was written, nested arrays included.
        for kv in Self.metadata { #expect(file[kv.key] == kv.value, "\(kv.key)") }
        let nested = try #require(file["t.nested"]?.arrayElements)
        #expect(nested.count == 3 && nested.elementType == .array)
        #expect(Array(nested.prefix(1)) == [.array(elementType: .uint8, [.uint8(1), .uint8(2)])])
        // Writing the read metadata again copies the serialized arrays: the same file.
        let again = scratch.path("b.gguf")
        try GGUFWriter.write(to: again, metadata: file.metadata, tensors: []) { _ in }
        #expect(try readBytes(again) == readBytes(path))

        // 20 million UINT8 elements: counting and a prefix cost nothing like 20M enum values.
        var b = Bytes()
        b.raw("GGUF"); b.u32(3); b.u64(0); b.u64(1)
        b.str("big"); b.u32(9); b.u32(0); b.u64(20_000_000)
        b.data += [UInt8](repeating: 3, count: 20_000_000)
        let big = try GGUFFile(path: scratch.write(b.data, "big.gguf"))
        let array = try #require(big["big"]?.arrayElements)
        #expect(array.count == 20_000_000 && Array(array.prefix(2)) == [.uint8(3), .uint8(3)])
        #expect(big["big"]?.description == "[20000000 × UINT8]")
    }

    @Test(arguments: [nil, 8, 64] as [UInt32?])
    func roundTripKeepsMetadataTensorsAndBytes(alignment: UInt32?) throws {
        let scratch = try Scratch()
        let path = scratch.path("model.gguf")
        let sample = Self.tensors()
        let metadata = Self.metadata + (alignment.map { [.alignment($0)] } ?? [])
        try GGUFWriter.write(to: path, metadata: metadata, tensors: sample.map(\.0)) { w in
            #expect(w.alignment == Int(alignment ?? 32))
            for (_, bytes) in sample { try bytes.withUnsafeBytes { try w.writeTensor($0) } }
        }
        #expect(try scratch.contents() == ["model.gguf"])

        let file = try GGUFFile(path: path)
        let align = Int(alignment ?? 32)
        #expect(file.metadata == metadata)
        #expect(file.alignment == align)
        #expect(file.dataStart % align == 0)
        #expect(file.architecture == "llama")
        #expect(file.fileType == .mostlyQ8_0)
        #expect(file.quantizationVersion == 2)
        #expect(file["t.u64"] == .uint64(UInt64.max))
        #expect(file["t.str"]?.stringValue == "héllo\n\"world\"")
        #expect(file["missing"] == nil)
        #expect(file.tensors.map(\.name) == sample.map(\.0.name))
        for (spec, bytes) in sample {
            let info = try #require(file.tensor(named: spec.name))
            #expect(info.ne == spec.ne)
            #expect(info.shape == spec.shape)
            #expect(info.type == spec.type)
            #expect(info.byteCount == bytes.count)
            #expect(info.byteCount == spec.byteCount)
            #expect(info.offset % align == 0)
            #expect([UInt8](file.data(for: info)) == bytes)
        }
        // Every tensor, the last included, is padded to the alignment, as gguf-py writes.
        let last = try #require(file.tensors.last)
        #expect(file.fileSize == file.dataStart + last.offset + (last.byteCount + align - 1) / align * align)
    }

    @Test func shapeAndNeAreReversedViews() throws {
        let spec = GGUFTensorSpec(name: "w", shape: [30522, 384], type: .f16)
        #expect(spec.ne == [384, 30522])
        #expect(spec.shape == [30522, 384])
        #expect(spec.byteCount == 30522 * 384 * 2)
        #expect(GGUFTensorSpec(name: "q", shape: [4, 33], type: .q8_0).byteCount == nil)
    }

    @Test func chunkedWritesMatchWholeTensorWrites() throws {
        let scratch = try Scratch()
        let sample = Self.tensors()
        let whole = scratch.path("whole.gguf"), chunked = scratch.path("chunked.gguf")
        try GGUFWriter.write(to: whole, metadata: Self.metadata, tensors: sample.map(\.0)) { w in
            for (_, bytes) in sample { try bytes.withUnsafeBytes { try w.writeTensor($0) } }
        }
        let all = sample.flatMap(\.1)
        let w = try GGUFWriter(path: chunked, metadata: Self.metadata, tensors: sample.map(\.0))
        for start in stride(from: 0, to: all.count, by: 5) {
            #expect(w.nextTensor != nil)
            try all[start..<min(start + 5, all.count)].withUnsafeBytes { try w.write($0) }
        }
        try w.finish()
        #expect(try readBytes(whole) == readBytes(chunked))
    }

    @Test func readsFileWrittenByGGUFPy() throws {
        // Fixtures/gguf-py-writer.gguf comes from Scripts/gen-tensors-fixtures.py (gguf-py 0.19.0's GGUFWriter).
        let url = try #require(Bundle.module.url(forResource: "Fixtures/gguf-py-writer", withExtension: "gguf"))
        let file = try GGUFFile(path: url.path)
        try Self.checkGGUFPyFixture(file)
    }

    /// What Scripts/gen-tensors-fixtures.py (and ``InteropTests``) write with gguf-py.
    static func checkGGUFPyFixture(_ file: GGUFFile) throws {
        #expect(file.metadata.map(\.key) == [
            "general.architecture", "test.uint8", "test.int8", "test.uint16", "test.int16", "test.uint32", "test.int32",
            "test.float32", "test.bool", "test.string", "test.array_str", "test.array_nested", "test.uint64", "test.int64",
            "test.float64", "general.file_type", "general.quantization_version",
        ])
        #expect(file.architecture == "llama")
        #expect(file["test.uint8"] == .uint8(200))
        #expect(file["test.int8"] == .int8(-100))
        #expect(file["test.uint16"] == .uint16(60000))
        #expect(file["test.int16"] == .int16(-30000))
        #expect(file["test.uint32"] == .uint32(4_000_000_000))
        #expect(file["test.int32"] == .int32(-2_000_000_000))
        #expect(file["test.float32"] == .float32(1.5))
        #expect(file["test.bool"] == .bool(true))
        #expect(file["test.string"] == .string("héllo ✓"))
        #expect(file["test.array_str"] == .strings(["a", "bc", ""]))
        #expect(file["test.array_nested"] == .array(elementType: .array, [
            .array(elementType: .int32, [.int32(1), .int32(2)]), .array(elementType: .int32, [.int32(3)]),
        ]))
        #expect(file["test.uint64"] == .uint64(18_000_000_000_000_000_000))
        #expect(file["test.int64"] == .int64(-9_000_000_000_000_000_000))
        #expect(file["test.float64"] == .float64(2.25))
        #expect(file.fileType == .mostlyQ8_0)
        #expect(file.quantizationVersion == 2)
        #expect(file.alignment == 32)

        #expect(file.tensors.map(\.name) == ["f32", "f16", "i32", "q8"])
        let f32 = try #require(file.tensor(named: "f32"))
        #expect(f32.shape == [2, 3])
        #expect(f32.ne == [3, 2])
        #expect(Array(file.data(for: f32).bindMemory(to: Float.self)) == [0, 1, 2, 3, 4, 5])
        let f16 = try #require(file.tensor(named: "f16"))
        #expect(Array(file.data(for: f16).bindMemory(to: Float16.self)) == [0, 0.25, 0.5, 0.75])
        let i32 = try #require(file.tensor(named: "i32"))
        #expect(i32.shape == [3, 2])
        #expect(Array(file.data(for: i32).bindMemory(to: Int32.self)) == [-1, 2, 3, -4, 5, 6])
        let q8 = try #require(file.tensor(named: "q8"))
        #expect(q8.type == .q8_0)
        #expect(q8.ne == [32, 1])
        #expect(q8.byteCount == 34)
        let block = file.data(for: q8)
        #expect(block.loadUnaligned(as: Float16.self) == 1)
        #expect((0..<32).allSatisfy { Int8(bitPattern: block[2 + $0]) == Int8($0 - 16) })
    }

    @Test func generalMetadataAddsQuantizationVersionOnlyWhenQuantized() {
        let plain = [GGUFTensorSpec(name: "a", shape: [4], type: .f32), GGUFTensorSpec(name: "b", shape: [4], type: .f16)]
        #expect(GGUFWriter.generalMetadata(architecture: "bert", fileType: .mostlyF16, tensors: plain) == [
            .architecture("bert"), GGUFKeyValue("general.file_type", .uint32(1)),
        ])
        let quantized = plain + [GGUFTensorSpec(name: "c", shape: [32], type: .q8_0)]
        #expect(GGUFWriter.generalMetadata(architecture: "bert", fileType: .mostlyQ8_0, tensors: quantized) == [
            .architecture("bert"), GGUFKeyValue("general.quantization_version", .uint32(2)), GGUFKeyValue("general.file_type", .uint32(7)),
        ])
    }

    @Test func llamaFileTypeUsesLlamaCppNumbering() {
        #expect(LlamaFileType.allF32.rawValue == 0)
        #expect(LlamaFileType.mostlyF16.rawValue == 1)
        #expect(LlamaFileType.mostlyQ8_0.rawValue == 7)
        #expect(LlamaFileType.mostlyQ4_K_M.rawValue == 15)
        #expect(LlamaFileType.mostlyQ6_K.rawValue == 18)
        #expect(LlamaFileType.mostlyBF16.rawValue == 32)
        #expect(LlamaFileType(uniform: .q8_0) == .mostlyQ8_0)
        #expect(LlamaFileType(uniform: .q4_K) == nil)
        #expect(GGMLType.q8_0.rawValue == 8)  // not to be confused with the file type
    }

    @Test func valueAccessors() {
        #expect(GGUFValue.uint64(7).intValue == 7)
        #expect(GGUFValue.uint64(.max).intValue == nil)
        #expect(GGUFValue.float32(0.5).doubleValue == 0.5)
        #expect(GGUFValue.bool(true).boolValue == true)
        #expect(GGUFValue.strings(["a"]).arrayValue == [.string("a")])
        #expect(GGUFValue.string("a").intValue == nil)
        #expect(GGUFValueType.float64.description == "FLOAT64")
    }

    @Test func writerRejectsBadDeclarations() throws {
        let scratch = try Scratch()
        let path = scratch.path("bad.gguf")
        let long = String(repeating: "x", count: 64)
        expectError("tensor name \"\(long)\" is 64 bytes; GGUF (GGML_MAX_NAME) allows at most 63") {
            _ = try GGUFWriter(path: path, metadata: [], tensors: [GGUFTensorSpec(name: long, shape: [1], type: .f32)])
        }
        _ = try GGUFWriter(path: path, metadata: [], tensors: [GGUFTensorSpec(name: String(long.dropLast()), shape: [1], type: .f32)])
        expectError("tensor \"q\" of type Q8_0 has 40 elements per row (ne[0]), not a multiple of the block size 32") {
            _ = try GGUFWriter(path: path, metadata: [], tensors: [GGUFTensorSpec(name: "q", shape: [2, 40], type: .q8_0)])
        }
        expectError("not a multiple of the block size 256") {
            _ = try GGUFWriter(path: path, metadata: [], tensors: [GGUFTensorSpec(name: "k", ne: [128, 2], type: .q4_K)])
        }
        expectError("duplicate tensor name \"a\"") {
            _ = try GGUFWriter(path: path, metadata: [], tensors: [.init(name: "a", shape: [1], type: .f32), .init(name: "a", shape: [1], type: .f32)])
        }
        expectError("duplicate metadata key \"general.architecture\"") {
            _ = try GGUFWriter(path: path, metadata: [.architecture("a"), .architecture("b")], tensors: [])
        }
        expectError("tensor \"d\" has 5 dimensions; GGUF allows at most 4") {
            _ = try GGUFWriter(path: path, metadata: [], tensors: [.init(name: "d", ne: [1, 1, 1, 1, 1], type: .f32)])
        }
        expectError("negative dimension") {
            _ = try GGUFWriter(path: path, metadata: [], tensors: [.init(name: "n", ne: [1, -1], type: .f32)])
        }
        expectError("general.alignment 48 is not a non-zero power of two") {
            _ = try GGUFWriter(path: path, metadata: [.alignment(48)], tensors: [])
        }
        expectError("general.alignment must be UINT32, not UINT64") {
            _ = try GGUFWriter(path: path, metadata: [GGUFKeyValue("general.alignment", .uint64(32))], tensors: [])
        }
        expectError("metadata \"m\": array of INT32 has an element 1 of type UINT32") {
            _ = try GGUFWriter(path: path, metadata: [GGUFKeyValue("m", .array(elementType: .int32, [.int32(1), .uint32(2)]))], tensors: [])
        }
        #expect(try scratch.contents() == [])
    }

    @Test func failedWritesLeaveNothingBehind() throws {
        let scratch = try Scratch()
        let path = scratch.path("out.gguf")
        let specs = [GGUFTensorSpec(name: "a", shape: [2], type: .f32), GGUFTensorSpec(name: "b", shape: [32], type: .q8_0)]
        expectError("tensor \"b\" is incomplete (0 of 34 bytes)") {
            try GGUFWriter.write(to: path, metadata: [], tensors: specs) { w in try w.writeTensor([Float(1), 2]) }
        }
        expectError("tensor \"b\" needs 34 bytes, got 32") {
            try GGUFWriter.write(to: path, metadata: [], tensors: specs) { w in
                try w.writeTensor([Float(1), 2])
                try w.writeTensor([UInt8](repeating: 0, count: 32))
            }
        }
        expectError("1 bytes more than the declared tensors hold") {
            try GGUFWriter.write(to: path, metadata: [], tensors: specs) { w in
                try [UInt8](repeating: 0, count: 8 + 34 + 1).withUnsafeBytes { try w.write($0) }
            }
        }
        do { _ = try GGUFWriter(path: path, metadata: [], tensors: specs) }  // dropped unfinished
        #expect(try scratch.contents() == [])
    }
}
