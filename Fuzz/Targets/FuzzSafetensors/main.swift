import Foundation
import FuzzSupport
import GreenlightCore
import GreenlightTensors

// A whole safetensors file, opened by path (mapped, as `greenlight inspect` and `compress` open it): the length
// prefix, the JSON header, dtypes, shapes, offsets and file coverage. Every tensor the reader accepts must lie
// inside the mapping: its first and last bytes are read, so ASan reports any range past the end.

nonisolated(unsafe) let file = MemoryFile(name: "safetensors")

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    file.set(fuzzBytes(data, size))
    guard let st = try? SafetensorsFile(path: file.path) else { return 0 }
    var sum = 0
    for t in st.tensors {
        precondition(st.tensor(named: t.name) == t)
        let bytes = st.data(for: t)
        precondition(bytes.count == t.byteCount)
        if let first = bytes.first, let last = bytes.last { sum &+= Int(first) &+ Int(last) }
        _ = t.shape.reduce(1, &*)
    }
    _ = (st.metadata?.count, st.dataStart, st.fileSize, sum)
    return 0
}

writeSeedsIfRequested {
    func make(_ tensors: [SafetensorsTensorSpec], metadata: [String: String]?) throws -> [UInt8] {
        let path = NSTemporaryDirectory() + "/greenlight-fuzz-seed-\(getpid()).safetensors"
        defer { unlink(path) }
        try SafetensorsWriter.write(to: path, tensors: tensors, metadata: metadata) { w in
            for t in w.tensors { try w.writeTensor([UInt8](repeating: 0x3F, count: t.byteCount)) }
        }
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
    return [
        ("one", try make([SafetensorsTensorSpec(name: "w", dtype: .f32, shape: [2, 3])], metadata: nil)),
        ("several", try make([
            SafetensorsTensorSpec(name: "model.layers.0.weight", dtype: .bf16, shape: [4, 4]),
            SafetensorsTensorSpec(name: "bias", dtype: .f16, shape: [4]),
            SafetensorsTensorSpec(name: "ids", dtype: .i64, shape: [3]),
            SafetensorsTensorSpec(name: "mask", dtype: .bool, shape: [5]),
            SafetensorsTensorSpec(name: "empty", dtype: .f32, shape: [0, 7]),
            SafetensorsTensorSpec(name: "scalar", dtype: .f64, shape: []),
        ], metadata: ["format": "pt", "note": "\u{e9}\\\"\n"])),
        ("hand", Array(#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#.utf8).withLengthPrefix() + [1, 2]),
    ]
}

extension Array where Element == UInt8 {
    func withLengthPrefix() -> [UInt8] {
        var out: [UInt8] = []
        out.appendLE(UInt64(count))
        return out + self
    }
}

runLibFuzzer(testOneInput)
