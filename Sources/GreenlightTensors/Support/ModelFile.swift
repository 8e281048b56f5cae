import GreenlightCore

/// A model file of either format, recognised by its first bytes rather than its name.
public enum ModelFile {
    /// A file starting with the magic `GGUF`.
    case gguf(GGUFFile)
    /// Any other file that parses as safetensors.
    case safetensors(SafetensorsFile)

    /// Maps `path` once and parses it as GGUF when it starts with the magic `GGUF`, else as safetensors.
    ///
    /// - Throws: ``GreenlightError``: `notFound`; `invalidInput` for a directory, FIFO or device (refused
    ///   before any read, so a FIFO cannot block), for a file that is neither format (the message says why
    ///   for both), or for an invalid file of the format its magic names.
    public static func open(_ path: String) throws -> ModelFile {
        let mapped = try MappedFile(path: path)
        if mapped.count >= 4, Array(mapped.bytes[0..<4]) == Array("GGUF".utf8) {
            return .gguf(try GGUFFile(mapped: mapped))
        }
        do {
            return .safetensors(try SafetensorsFile(mapped: mapped))
        } catch let error as GreenlightError {
            let prefix = "\(path): "
            var reason = error.message
            if reason.hasPrefix(prefix) { reason.removeFirst(prefix.count) }
            let head = mapped.bytes.prefix(4).map { b in String(b, radix: 16, uppercase: true) }.joined(separator: " ")
            throw GreenlightError.invalidInput(
                "\(path): neither a GGUF file (it starts with \(head.isEmpty ? "nothing" : head), not the magic 47 47 55 46 \"GGUF\") "
                    + "nor a safetensors file (\(reason)); give a .gguf or .safetensors model, and check that it was copied whole")
        }
    }
}
