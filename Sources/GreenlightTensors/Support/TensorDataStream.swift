import GreenlightCore

/// The data half of a streaming tensor-file writer: accepts each declared tensor's bytes in order,
/// pads after each to `alignment`, and refuses too many or too few bytes.
///
/// Any error discards the temporary file at once, so a writer that threw leaves nothing behind.
final class TensorDataStream {
    private let file: AtomicFileWriter
    private let names: [String]
    private let sizes: [Int]
    private let alignment: Int
    private var current = 0
    private var writtenInCurrent = 0
    private var failed = false
    private var finished = false

    /// Takes over `file`, whose header has been written (and, for aligned formats, padded).
    init(file: AtomicFileWriter, names: [String], sizes: [Int], alignment: Int) {
        self.file = file
        self.names = names
        self.sizes = sizes
        self.alignment = alignment
    }

    var path: String { file.path }

    /// The index of the tensor the next bytes belong to, or nil when every tensor is complete.
    var nextTensorIndex: Int? {
        var i = current
        var done = writtenInCurrent
        while i < sizes.count, done == sizes[i] { i += 1; done = 0 }
        return i < sizes.count ? i : nil
    }

    /// Runs `body`; on error discards the file and remembers the failure.
    private func guarded<R>(_ body: () throws -> R) throws -> R {
        guard !finished else { throw GreenlightError.io("cannot write \(path): the writer is already finished") }
        guard !failed else { throw GreenlightError.io("cannot write \(path): the writer was cancelled or failed earlier") }
        do {
            return try body()
        } catch {
            cancel()
            throw error
        }
    }

    private func completeCurrent() throws {
        let pad = alignment > 1 ? (alignment - sizes[current] % alignment) % alignment : 0
        try file.writeZeros(pad)
        current += 1
        writtenInCurrent = 0
    }

    /// Appends bytes to the data stream; chunks may end anywhere, even across tensors.
    func write(_ chunk: UnsafeRawBufferPointer) throws {
        try guarded {
            var rest = chunk
            while rest.count > 0 {
                while current < sizes.count, writtenInCurrent == sizes[current] { try completeCurrent() }
                guard current < sizes.count else {
                    throw GreenlightError.invalidInput("cannot write \(path): \(rest.count) bytes more than the declared tensors hold")
                }
                let take = min(rest.count, sizes[current] - writtenInCurrent)
                try file.write(UnsafeRawBufferPointer(rebasing: rest[..<take]))
                writtenInCurrent += take
                rest = UnsafeRawBufferPointer(rebasing: rest[take...])
                if writtenInCurrent == sizes[current] { try completeCurrent() }
            }
        }
    }

    /// Writes exactly one whole tensor, the next one declared.
    func writeTensor(_ bytes: UnsafeRawBufferPointer) throws {
        try guarded {
            guard writtenInCurrent == 0 else {
                throw GreenlightError.invalidInput("cannot write \(path): tensor \"\(TerminalText.escaped(names[current]))\" is partly written (\(writtenInCurrent) of \(sizes[current]) bytes); finish it with write(_:)")
            }
            guard current < sizes.count else {
                throw GreenlightError.invalidInput("cannot write \(path): all \(sizes.count) declared tensors are already written")
            }
            guard bytes.count == sizes[current] else {
                throw GreenlightError.invalidInput("cannot write \(path): tensor \"\(TerminalText.escaped(names[current]))\" needs \(sizes[current]) bytes, got \(bytes.count)")
            }
            try file.write(bytes)
            writtenInCurrent = bytes.count
            try completeCurrent()
        }
    }

    /// Checks every tensor is complete, then fsyncs and renames the file into place.
    func finish() throws {
        try guarded {
            while current < sizes.count, writtenInCurrent == sizes[current] { try completeCurrent() }
            if current < sizes.count {
                let later = sizes.count - current - 1
                throw GreenlightError.invalidInput("cannot write \(path): tensor \"\(TerminalText.escaped(names[current]))\" is incomplete (\(writtenInCurrent) of \(sizes[current]) bytes)" + (later > 0 ? " and \(later) later tensors were never written" : ""))
            }
            try file.commit()
            finished = true
        }
    }

    /// Abandons the file: the temporary is removed and the destination is untouched.
    func cancel() {
        guard !finished else { return }
        failed = true
        file.discard()
    }
}
