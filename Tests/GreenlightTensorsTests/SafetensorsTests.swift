import Foundation
import GreenlightCore
import GreenlightTensors
import GreenlightTestSupport
import Testing

@Suite struct SafetensorsTests {
    /// Several dtypes, an empty tensor and a scalar, with their bytes.
    static func sample() -> [(SafetensorsTensorSpec, [UInt8])] {
        let f32: [Float] = [1, -2.5, 3.25, 0, .infinity, -0.0]
        let f16: [Float16] = [0.5, -1, 65504]
        let i64: [Int64] = [Int64.min, -1, 0, Int64.max]
        func bytes<T>(_ a: [T]) -> [UInt8] { a.withUnsafeBytes { [UInt8]($0) } }
        return [
            (SafetensorsTensorSpec(name: "layer.0.weight", dtype: .f32, shape: [2, 3]), bytes(f32)),
            (SafetensorsTensorSpec(name: "half", dtype: .f16, shape: [3]), bytes(f16)),
            (SafetensorsTensorSpec(name: "brain", dtype: .bf16, shape: [1, 2]), [0x80, 0x3F, 0x00, 0xC0]),
            (SafetensorsTensorSpec(name: "ids", dtype: .i64, shape: [4]), bytes(i64)),
            (SafetensorsTensorSpec(name: "empty", dtype: .f32, shape: [0, 3]), []),
            (SafetensorsTensorSpec(name: "mask", dtype: .bool, shape: [3]), [1, 0, 1]),
            (SafetensorsTensorSpec(name: "scalar", dtype: .u8, shape: []), [42]),
            (SafetensorsTensorSpec(name: "ünïcode \"quoted\"\n", dtype: .i8, shape: [2]), [0xFF, 0x01]),
        ]
    }

    @Test func roundTripKeepsBytesShapesAndMetadata() throws {
        let scratch = try Scratch()
        let path = scratch.path("model.safetensors")
        let sample = Self.sample()
        let metadata = ["format": "pt", "note": "tab\tquote\" backslash\\ ✓", "empty": ""]
        try SafetensorsWriter.write(to: path, tensors: sample.map(\.0), metadata: metadata) { w in
            for (_, bytes) in sample { try bytes.withUnsafeBytes { try w.writeTensor($0) } }
        }
        #expect(try scratch.contents() == ["model.safetensors"])

        let file = try SafetensorsFile(path: path)
        #expect(file.metadata == metadata)
        #expect(file.tensorNames == sample.map(\.0.name))
        #expect(file.headerLength % 8 == 0)
        var offset = 0
        for (spec, bytes) in sample {
            let info = try #require(file.tensor(named: spec.name))
            #expect(info.dtype == spec.dtype)
            #expect(info.shape == spec.shape)
            #expect(info.dataOffsets == offset..<(offset + bytes.count))
            #expect(info.elementCount == spec.shape.reduce(1, *))
            #expect([UInt8](file.data(for: info)) == bytes)
            offset += bytes.count
        }
        #expect(file.fileSize == file.dataStart + offset)
        let scalar = try file.withData(named: "scalar") { $0.load(as: UInt8.self) }
        #expect(scalar == 42)
        #expect(file.tensor(named: "missing") == nil)
        expectError("no tensor named \"missing\"", code: .notFound) { _ = try file.data(named: "missing") }
    }

    @Test func headerIsCompactDeterministicJSONPaddedWithSpaces() throws {
        let scratch = try Scratch()
        let path = scratch.path("a.safetensors")
        try SafetensorsWriter.write(
            to: path, tensors: [.init(name: "b", dtype: .f32, shape: [2]), .init(name: "a", dtype: .i8, shape: [1, 1])],
            metadata: ["z": "1", "format": "pt"]
        ) { w in
            try w.writeTensor([Float(1), 2])
            try w.writeTensor([Int8(-1)])
        }
        let bytes = try readBytes(path)
        let n = Int(bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        let json = #"{"__metadata__":{"format":"pt","z":"1"},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"I8","shape":[1,1],"data_offsets":[8,9]}}"#
        #expect(n % 8 == 0)
        #expect(String(decoding: bytes[8..<(8 + n)], as: UTF8.self) == json + String(repeating: " ", count: n - json.utf8.count))
        #expect(bytes.count == 8 + n + 9)
    }

    @Test func chunkedWritesMatchWholeTensorWrites() throws {
        let scratch = try Scratch()
        let sample = Self.sample()
        let whole = scratch.path("whole.safetensors"), chunked = scratch.path("chunked.safetensors")
        try SafetensorsWriter.write(to: whole, tensors: sample.map(\.0)) { w in
            for (_, bytes) in sample { try bytes.withUnsafeBytes { try w.writeTensor($0) } }
        }
        // One stream cut in 3-byte pieces that straddle tensor boundaries.
        let all = sample.flatMap(\.1)
        let w = try SafetensorsWriter(path: chunked, tensors: sample.map(\.0))
        #expect(w.nextTensor?.name == "layer.0.weight")
        for start in stride(from: 0, to: all.count, by: 3) {
            try all[start..<min(start + 3, all.count)].withUnsafeBytes { try w.write($0) }
        }
        #expect(w.nextTensor == nil)
        try w.finish()
        #expect(try readBytes(whole) == readBytes(chunked))
        #expect(w.tensors.map(\.name) == sample.map(\.0.name))
    }

    @Test func failedWritesLeaveNothingBehind() throws {
        let scratch = try Scratch()
        let path = scratch.path("out.safetensors")
        let specs = [SafetensorsTensorSpec(name: "a", dtype: .f32, shape: [2]), .init(name: "b", dtype: .f32, shape: [1])]

        expectError("tensor \"b\" is incomplete (0 of 4 bytes)") {
            try SafetensorsWriter.write(to: path, tensors: specs) { w in try w.writeTensor([Float(1), 2]) }
        }
        expectError("tensor \"a\" needs 8 bytes, got 4") {
            try SafetensorsWriter.write(to: path, tensors: specs) { w in try w.writeTensor([Float(1)]) }
        }
        expectError("4 bytes more than the declared tensors hold") {
            try SafetensorsWriter.write(to: path, tensors: specs) { w in
                try [Float](repeating: 0, count: 4).withUnsafeBytes { try w.write($0) }
            }
        }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try SafetensorsWriter.write(to: path, tensors: specs) { _ in throw Boom() }
        }
        do {  // dropped unfinished
            let w = try SafetensorsWriter(path: path, tensors: specs)
            try w.writeTensor([Float(1), 2])
        }
        #expect(try scratch.contents() == [])

        // An existing file survives a failed rewrite untouched.
        let old = try scratch.write([1, 2, 3], "out.safetensors")
        let w = try SafetensorsWriter(path: old, tensors: specs)
        w.cancel()
        expectError("cancelled or failed earlier", code: .io) { try w.writeTensor([Float(1), 2]) }
        #expect(try readBytes(old) == [1, 2, 3])
        #expect(try scratch.contents() == ["out.safetensors"])
    }

    @Test func writerRejectsBadDeclarations() throws {
        let scratch = try Scratch()
        let path = scratch.path("x.safetensors")
        expectError("duplicate tensor name \"a\"") {
            _ = try SafetensorsWriter(path: path, tensors: [.init(name: "a", dtype: .f32, shape: [1]), .init(name: "a", dtype: .f16, shape: [1])])
        }
        expectError("\"__metadata__\" is reserved") {
            _ = try SafetensorsWriter(path: path, tensors: [.init(name: "__metadata__", dtype: .f32, shape: [1])])
        }
        expectError("negative dimension") {
            _ = try SafetensorsWriter(path: path, tensors: [.init(name: "a", dtype: .f32, shape: [2, -1])])
        }
        expectError("overflows") {
            _ = try SafetensorsWriter(path: path, tensors: [.init(name: "a", dtype: .f32, shape: [1 << 40, 1 << 30])])
        }
        expectError("does not exist") {
            _ = try SafetensorsWriter(path: scratch.path("no/such/dir/x.safetensors"), tensors: [])
        }
        #expect(try scratch.contents() == [])
    }

    @Test func emptyFileHasNoTensors() throws {
        let scratch = try Scratch()
        let path = scratch.path("empty.safetensors")
        try SafetensorsWriter.write(to: path, tensors: []) { _ in }
        let file = try SafetensorsFile.open(path)
        #expect(file.tensors.isEmpty)
        #expect(file.metadata == nil)
        #expect(try readBytes(path) == [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
    }

    @Test func dtypeTable() {
        #expect(SafetensorsDType.bf16.size == 2)
        #expect(SafetensorsDType.f8E4M3.size == 1)
        #expect(SafetensorsDType(rawValue: "F64")?.size == 8)
        #expect(SafetensorsDType.f16.ggmlType == .f16)
        #expect(SafetensorsDType.u8.ggmlType == nil)
        #expect(SafetensorsDType(GGMLType.bf16) == .bf16)
        #expect(SafetensorsDType(GGMLType.q8_0) == nil)
    }

    static let miniLM = TestSupport.sharedData.appendingPathComponent("models/all-MiniLM-L6-v2/model.safetensors").path

    @Test func readsRealMiniLMModel() throws {
        guard FileManager.default.fileExists(atPath: Self.miniLM) else {
            if TestSupport.inCI { Issue.record("missing \(Self.miniLM)") } else { print("skipping: \(Self.miniLM) not found") }
            return
        }
        let file = try SafetensorsFile(path: Self.miniLM)
        #expect(file.tensors.count == 104)
        #expect(file.metadata == ["format": "pt"])
        let emb = try #require(file.tensor(named: "embeddings.word_embeddings.weight"))
        #expect(emb.shape == [30522, 384])
        #expect(emb.dtype == .f32)
        #expect(emb.byteCount == 30522 * 384 * 4)
        #expect(file.tensors.first?.name == "embeddings.position_ids")
        #expect(file.tensors.first?.dtype == .i64)
        #expect(file.tensors.last?.name == "pooler.dense.weight")
        // Zero copy: two tensors' buffers sit in one mapping at their offsets' distance.
        let a = file.data(for: file.tensors[0]), b = file.data(for: file.tensors[1])
        #expect(b.baseAddress! - a.baseAddress! == file.tensors[1].dataOffsets.lowerBound)
        let positions = file.data(for: file.tensors[0])
        #expect((0..<512).allSatisfy { positions.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self) == Int64($0) })

        // Python's json module on the same header is the oracle for every name, dtype, shape and offset.
        guard let python = PythonOracle.module("json") else { return }
        let script = """
            import json, struct, sys
            f = open(sys.argv[1], 'rb'); n = struct.unpack('<Q', f.read(8))[0]; h = json.loads(f.read(n))
            h.pop('__metadata__', None)
            for k, v in sorted(h.items(), key=lambda kv: kv[1]['data_offsets']):
                print(k, v['dtype'], ','.join(map(str, v['shape'])), *v['data_offsets'])
            """
        let out = try TestSupport.run(python, ["-c", script, Self.miniLM])
        try #require(out.status == 0, "\(out.stderr)")
        let ours = file.tensors.map {
            "\($0.name) \($0.dtype.name) \($0.shape.map(String.init).joined(separator: ",")) \($0.dataOffsets.lowerBound) \($0.dataOffsets.upperBound)"
        }
        #expect(ours == out.stdout.split(separator: "\n").map(String.init))
    }

    @Test func copiesRealModelThroughTheStreamingWriter() throws {
        guard FileManager.default.fileExists(atPath: Self.miniLM) else { return }
        let source = try SafetensorsFile(path: Self.miniLM)
        let scratch = try Scratch()
        let path = scratch.path("copy.safetensors")
        let specs = source.tensors.map { SafetensorsTensorSpec(name: $0.name, dtype: $0.dtype, shape: $0.shape) }
        try SafetensorsWriter.write(to: path, tensors: specs, metadata: source.metadata) { w in
            for t in source.tensors { try w.writeTensor(source.data(for: t)) }
        }
        let copy = try SafetensorsFile(path: path)
        #expect(copy.tensors == source.tensors)
        // Same tensor order and metadata give the reference writer's exact header, byte for byte.
        let ours = try readBytes(path).prefix(copy.dataStart)
        let theirs = try FileHandle(forReadingFrom: URL(fileURLWithPath: Self.miniLM)).read(upToCount: source.dataStart) ?? Data()
        #expect(Array(ours) == [UInt8](theirs))
        for t in copy.tensors where t.byteCount > 0 {
            #expect(memcmp(copy.data(for: t).baseAddress!, source.data(for: t).baseAddress!, t.byteCount) == 0)
        }
    }
}
