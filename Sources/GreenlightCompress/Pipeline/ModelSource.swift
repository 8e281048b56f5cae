import Foundation
import GreenlightCore
import GreenlightTensors

/// A tensor of the model being compressed, whatever the file format.
struct SourceTensor {
    let name: String
    /// Outermost dimension first (safetensors order; GGUF `ne` reversed).
    let shape: [Int]
    /// The GGML type, or `nil` for a dtype GGML has no type for (such tensors are left out).
    let type: GGMLType?
    /// The type as the file names it, e.g. `F32`, `I64`, `Q8_0`.
    let typeName: String
    /// The safetensors dtype when the source is safetensors (copied as is when not converted).
    let dtype: SafetensorsDType?
    let elementCount: Int
    let byteCount: Int
    let index: Int
}

/// A model file read for compression: safetensors (from Hugging Face) or GGUF (e.g. an F16 or F32 file from
/// llama.cpp's converter, as llama-quantize takes).
final class ModelSource {
    enum File {
        case safetensors(SafetensorsFile)
        case gguf(GGUFFile)
    }

    let path: String
    let file: File
    let tensors: [SourceTensor]

    init(path: String) throws {
        self.path = path
        // The format comes from the magic bytes, not the name: a bad .gguf is reported as a bad GGUF.
        switch try ModelFile.open(path) {
        case .gguf(let f):
            file = .gguf(f)
            tensors = f.tensors.enumerated().map { i, t in
                SourceTensor(name: t.name, shape: t.shape, type: t.type, typeName: t.type.name, dtype: nil,
                             elementCount: t.elementCount, byteCount: t.byteCount, index: i)
            }
        case .safetensors(let f):
            file = .safetensors(f)
            tensors = f.tensors.enumerated().map { i, t in
                SourceTensor(name: t.name, shape: t.shape, type: t.dtype.ggmlType, typeName: t.dtype.name, dtype: t.dtype,
                             elementCount: t.elementCount, byteCount: t.byteCount, index: i)
            }
        }
    }

    var format: String {
        switch file {
        case .safetensors: "safetensors"
        case .gguf: "gguf"
        }
    }

    var fileSize: Int {
        switch file {
        case .safetensors(let f): f.fileSize
        case .gguf(let f): f.fileSize
        }
    }

    /// safetensors `__metadata__`, carried to a safetensors output.
    var safetensorsMetadata: [String: String]? {
        if case .safetensors(let f) = file { return f.metadata }
        return nil
    }

    func data(_ t: SourceTensor) -> UnsafeRawBufferPointer {
        switch file {
        case .safetensors(let f): f.data(for: f.tensors[t.index])
        case .gguf(let f): f.data(for: f.tensors[t.index])
        }
    }

    func release(_ t: SourceTensor) {
        switch file {
        case .safetensors(let f): f.releaseData(for: f.tensors[t.index])
        case .gguf(let f): f.releaseData(for: f.tensors[t.index])
        }
    }

    /// For a GGUF source: its architecture and metadata carried over (all but the `general.*` keys the
    /// writer sets anew); for safetensors, the mapping chosen from the `config.json` beside it.
    func architecture() throws -> ModelArchitecture? {
        switch file {
        case .safetensors: return try ModelArchitecture.detect(besides: path, tensors: tensors.map { ($0.name, $0.shape) })
        case .gguf(let f):
            let renewed: Set<String> = [GGUFKey.architecture, GGUFKey.fileType, GGUFKey.quantizationVersion, GGUFKey.name]
            let carried = f.metadata.filter { !renewed.contains($0.key) }
            return ModelArchitecture(name: f.architecture ?? "unknown", metadata: carried, rename: { $0 },
                                     modelName: f[GGUFKey.name]?.stringValue)
        }
    }
}
