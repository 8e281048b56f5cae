import Foundation
import GreenlightCore
import GreenlightTensors
import GreenlightTestSupport
import Testing

/// Greenlight against the reference library: gguf-py 0.19.0 (`pip install gguf==0.19.0 numpy`).
///
/// Skipped with a printed reason when python3 or gguf is missing, except in CI (`CI=true`), where that fails.
@Suite struct InteropTests {
    /// The metadata and tensors of Scripts/gen-tensors-fixtures.py, declared through Greenlight's API.
    static let fixtureMetadata: [GGUFKeyValue] = [
        .architecture("llama"),
        GGUFKeyValue("test.uint8", .uint8(200)),
        GGUFKeyValue("test.int8", .int8(-100)),
        GGUFKeyValue("test.uint16", .uint16(60000)),
        GGUFKeyValue("test.int16", .int16(-30000)),
        GGUFKeyValue("test.uint32", .uint32(4_000_000_000)),
        GGUFKeyValue("test.int32", .int32(-2_000_000_000)),
        GGUFKeyValue("test.float32", .float32(1.5)),
        GGUFKeyValue("test.bool", .bool(true)),
        GGUFKeyValue("test.string", .string("héllo ✓")),
        GGUFKeyValue("test.array_str", .strings(["a", "bc", ""])),
        GGUFKeyValue("test.array_nested", .array(elementType: .array, [.int32s([1, 2]), .int32s([3])])),
        GGUFKeyValue("test.uint64", .uint64(18_000_000_000_000_000_000)),
        GGUFKeyValue("test.int64", .int64(-9_000_000_000_000_000_000)),
        GGUFKeyValue("test.float64", .float64(2.25)),
        .fileType(.mostlyQ8_0),
        .quantizationVersion(),
    ]

    static func fixtureTensors() -> [(GGUFTensorSpec, [UInt8])] {
        func bytes<T>(_ a: [T]) -> [UInt8] { a.withUnsafeBytes { [UInt8]($0) } }
        let q8 = bytes([Float16(1)]) + (-16..<16).map { UInt8(bitPattern: Int8($0)) }
        return [
            (GGUFTensorSpec(name: "f32", shape: [2, 3], type: .f32), bytes((0..<6).map(Float.init))),
            (GGUFTensorSpec(name: "f16", shape: [4], type: .f16), bytes([Float16](arrayLiteral: 0, 0.25, 0.5, 0.75))),
            (GGUFTensorSpec(name: "i32", shape: [3, 2], type: .i32), bytes([Int32](arrayLiteral: -1, 2, 3, -4, 5, 6))),
            (GGUFTensorSpec(name: "q8", shape: [1, 32], type: .q8_0), q8),
        ]
    }

    /// No Python needed: the same declarations give gguf-py's exact bytes (layout, padding, encoding).
    @Test func writesTheSameBytesAsGGUFPy() throws {
        let fixture = try #require(Bundle.module.url(forResource: "Fixtures/gguf-py-writer", withExtension: "gguf"))
        let scratch = try Scratch()
        let path = scratch.path("ours.gguf")
        let tensors = Self.fixtureTensors()
        try GGUFWriter.write(to: path, metadata: Self.fixtureMetadata, tensors: tensors.map(\.0)) { w in
            for (_, bytes) in tensors { try w.writeTensor(bytes) }
        }
        #expect(try readBytes(path) == readBytes(fixture.path))
    }

    @Test func ggufPyReadsWhatGreenlightWrites() throws {
        guard let python = PythonOracle.module("gguf") else { return }
        let scratch = try Scratch()
        let path = scratch.path("greenlight.gguf")
        var metadata = GGUFTests.metadata.filter { $0.key != "t.nested" } + [.alignment(64)]
        // gguf-py flattens nested arrays when reading; keep one whose flattening is unambiguous.
        metadata.append(GGUFKeyValue("t.nested", .array(elementType: .array, [.int32s([1, 2]), .int32s([3])])))
        let tensors = GGUFTests.tensors()
        try GGUFWriter.write(to: path, metadata: metadata, tensors: tensors.map(\.0)) { w in
            for (_, bytes) in tensors { try w.writeTensor(bytes) }
        }
        let script = """
            import json, sys
            from gguf import GGUFReader
            r = GGUFReader(sys.argv[1])
            fields = {}
            for k, f in r.fields.items():
                if k.startswith('GGUF.'): continue
                v = f.contents()
                fields[k] = {'types': [t.name for t in f.types], 'value': v}
            tensors = [{'name': t.name, 'type': t.tensor_type.name, 'ne': [int(d) for d in t.shape],
                        'n_bytes': int(t.n_bytes), 'data_offset': int(t.data_offset), 'hex': t.data.tobytes().hex()}
                       for t in r.tensors]
            print(json.dumps({'alignment': int(r.alignment), 'data_offset': int(r.data_offset), 'fields': fields, 'tensors': tensors}))
            """
        let out = try TestSupport.run(python, ["-c", script, path])
        try #require(out.status == 0, "gguf-py failed: \(out.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        let file = try GGUFFile(path: path)
        #expect(json["alignment"] as? Int == 64)
        #expect(json["data_offset"] as? Int == file.dataStart)

        let fields = try #require(json["fields"] as? [String: [String: Any]])
        #expect(Set(fields.keys) == Set(metadata.map(\.key)))
        for kv in metadata {
            let field = try #require(fields[kv.key], "gguf-py lacks \(kv.key)")
            let types = field["types"] as? [String] ?? []
            #expect(types.first == kv.value.type.description, "\(kv.key)")
            #expect(Self.flatten(kv.value) == Self.normalize(field["value"]), "\(kv.key): gguf-py read \(String(describing: field["value"]))")
        }

        let theirs = try #require(json["tensors"] as? [[String: Any]])
        #expect(theirs.count == tensors.count)
        for ((spec, bytes), t) in zip(tensors, theirs) {
            #expect(t["name"] as? String == spec.name)
            #expect(t["type"] as? String == spec.type.name)
            #expect(t["ne"] as? [Int] == spec.ne)
            #expect(t["n_bytes"] as? Int == bytes.count)
            #expect(t["data_offset"] as? Int == file.dataStart + file.tensor(named: spec.name)!.offset)
            #expect(t["hex"] as? String == bytes.map { String(format: "%02x", $0) }.joined())
        }
    }

    /// gguf-py's GGUFWriter run now (the fixture script, into a temporary file), read by Greenlight.
    @Test func greenlightReadsWhatGGUFPyWrites() throws {
        guard let python = PythonOracle.module("gguf") else { return }
        let scratch = try Scratch()
        let path = scratch.path("gguf-py.gguf")
        let script = TestSupport.repositoryRoot.appendingPathComponent("Scripts/gen-tensors-fixtures.py").path
        let out = try TestSupport.run(python, [script, path])
        try #require(out.status == 0, "gguf-py failed: \(out.stderr)")
        try GGUFTests.checkGGUFPyFixture(GGUFFile(path: path))
        // The committed fixture is what the script writes today.
        let fixture = try #require(Bundle.module.url(forResource: "Fixtures/gguf-py-writer", withExtension: "gguf"))
        #expect(try readBytes(path) == readBytes(fixture.path), "regenerate with Scripts/gen-tensors-fixtures.py")
    }

    /// The pipeline shape compress uses: a real safetensors model streamed tensor by tensor into GGUF
    /// (2-D weights to F16, the rest F32), then checked by gguf-py.
    @Test func realModelToGGUFReadByGGUFPy() throws {
        let model = SafetensorsTests.miniLM
        guard FileManager.default.fileExists(atPath: model) else {
            if TestSupport.inCI { Issue.record("missing \(model)") } else { print("skipping: \(model) not found") }
            return
        }
        guard let python = PythonOracle.module("gguf") else { return }
        let source = try SafetensorsFile(path: model)
        let weights = source.tensors.filter { $0.dtype == .f32 }
        let specs = weights.map { GGUFTensorSpec(name: String($0.name.suffix(63)), shape: $0.shape, type: $0.shape.count == 2 ? .f16 : .f32) }
        let scratch = try Scratch()
        let path = scratch.path("minilm-f16.gguf")
        try GGUFWriter.write(
            to: path, metadata: GGUFWriter.generalMetadata(architecture: "bert", fileType: .mostlyF16, tensors: specs), tensors: specs
        ) { w in
            for (info, spec) in zip(weights, specs) {
                let floats = source.data(for: info)
                if spec.type == .f32 {
                    try w.writeTensor(floats)
                } else {
                    // One converted tensor in memory at a time.
                    var half = [Float16](repeating: 0, count: info.elementCount)
                    for i in 0..<info.elementCount { half[i] = Float16(floats.loadUnaligned(fromByteOffset: i * 4, as: Float.self)) }
                    try w.writeTensor(half)
                }
            }
        }
        let script = """
            import sys
            import numpy as np
            from gguf import GGUFReader
            r = GGUFReader(sys.argv[1])
            print(r.fields['general.architecture'].contents(), r.fields['general.file_type'].contents(), len(r.tensors))
            t = next(t for t in r.tensors if t.name == 'embeddings.word_embeddings.weight')
            print(t.tensor_type.name, list(map(int, t.shape)), t.data.shape, float(t.data[1][2]))
            """
        let out = try TestSupport.run(python, ["-c", script, path])
        try #require(out.status == 0, "gguf-py failed: \(out.stderr)")
        let lines = out.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "bert 1 \(specs.count)")
        let emb = try source.data(named: "embeddings.word_embeddings.weight")
        let expected = Float(Float16(emb.loadUnaligned(fromByteOffset: (1 * 384 + 2) * 4, as: Float.self)))
        #expect(lines.dropFirst().first == "F16 [384, 30522] (30522, 384) \(Double(expected))")
    }

    /// A value as gguf-py's `ReaderField.contents()` returns it: nested arrays flattened.
    static func flatten(_ value: GGUFValue) -> [String] {
        switch value {
        case .array(let a): a.flatMap(flatten)
        case .string(let s): [s]
        case .bool(let b): [b ? "true" : "false"]
        case .float32(let f): [String(Double(f))]
        case .float64(let d): [String(d)]
        default: [String(describing: value.intValue.map(String.init) ?? value.description)]
        }
    }

    static func normalize(_ json: Any?) -> [String] {
        switch json {
        case let a as [Any]: a.flatMap { normalize($0) }
        case let s as String: [s]
        case let n as NSNumber:
            if String(cString: n.objCType) == "c" { [n.boolValue ? "true" : "false"] }
            else if n.stringValue.contains(".") || n.stringValue.contains("e") { [String(n.doubleValue)] }
            else { [n.stringValue] }
        default: ["<\(String(describing: json))>"]
        }
    }
}
