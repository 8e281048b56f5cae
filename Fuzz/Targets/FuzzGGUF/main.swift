import Foundation
import FuzzSupport
import GreenlightCore
import GreenlightTensors

// A whole GGUF file, opened by path (mapped): magic, version, counts, metadata values (nested arrays), tensor
// infos, alignment and data offsets. Every tensor the reader accepts must lie inside the mapping: its first and
// last bytes are read, so ASan reports any range past the end.

nonisolated(unsafe) let file = MemoryFile(name: "gguf")

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    file.set(fuzzBytes(data, size))
    guard let gguf = try? GGUFFile(path: file.path) else { return 0 }
    var sum = 0
    for t in gguf.tensors {
        precondition(gguf.tensor(named: t.name) == t)
        let bytes = gguf.data(for: t)
        precondition(bytes.count == t.byteCount)
        if let first = bytes.first, let last = bytes.last { sum &+= Int(first) &+ Int(last) }
        _ = (t.shape, "\(t.type)")
    }
    for kv in gguf.metadata {
        sum &+= kv.value.description.utf8.count
        precondition(gguf[kv.key] != nil)
    }
    _ = (gguf.architecture, gguf.fileType, gguf.quantizationVersion, gguf.alignment, gguf.dataStart, sum)
    return 0
}

writeSeedsIfRequested {
    func make(_ metadata: [GGUFKeyValue], _ tensors: [GGUFTensorSpec]) throws -> [UInt8] {
        let path = NSTemporaryDirectory() + "/greenlight-fuzz-seed-\(getpid()).gguf"
        defer { unlink(path) }
        try GGUFWriter.write(to: path, metadata: metadata, tensors: tensors) { w in
            for t in w.tensors { try w.writeTensor([UInt8](repeating: 0x11, count: t.byteCount)) }
        }
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
    let tensors = [
        GGUFTensorSpec(name: "token_embd.weight", ne: [64, 4], type: .q8_0),
        GGUFTensorSpec(name: "blk.0.attn_q.weight", ne: [32, 2], type: .q4_0),
        GGUFTensorSpec(name: "blk.0.ffn.weight", ne: [256], type: .q4_K),
        GGUFTensorSpec(name: "output_norm.weight", ne: [8], type: .f32),
        GGUFTensorSpec(name: "h", ne: [2, 2, 2], type: .f16),
    ]
    var metadata = GGUFWriter.generalMetadata(architecture: "llama", fileType: .mostlyQ8_0, tensors: tensors)
    metadata += [
        .name("fuzz"), .alignment(64),
        GGUFKeyValue("tokenizer.ggml.tokens", .strings(["<s>", "</s>", "a", "\u{e9}"])),
        GGUFKeyValue("tokenizer.ggml.scores", .float32s([0, -1.5, 2])),
        GGUFKeyValue("llama.rope.dims", .int32s([1, 2, 3])),
        GGUFKeyValue("x.nested", .array(elementType: .array, [.int32s([1]), .int32s([2, 3])])),
        GGUFKeyValue("x.u8", .uint8(1)), GGUFKeyValue("x.i8", .int8(-1)), GGUFKeyValue("x.u16", .uint16(2)),
        GGUFKeyValue("x.i16", .int16(-2)), GGUFKeyValue("x.u64", .uint64(1 << 40)), GGUFKeyValue("x.i64", .int64(-5)),
        GGUFKeyValue("x.f64", .float64(0.5)), GGUFKeyValue("x.bool", .bool(true)),
    ]
    return [
        ("full", try make(metadata, tensors)),
        ("minimal", try make([.architecture("gpt2")], [GGUFTensorSpec(name: "w", ne: [4], type: .f32)])),
        ("empty", try make([], [])),
    ]
}

runLibFuzzer(testOneInput)
