import Foundation
import GreenlightCore

/// Reads a file line by line through ``TextSource`` (1 MiB chunks, validated UTF-8 or transcoded Latin-1), so
/// memory stays constant however large the file is and invalid text is reported as for every other input.
struct LineReader {
    let path: String
    private var source: TextSource
    private var buffer: [UInt8] = []
    private var position = 0
    private var eof = false
    /// The 1-based number of the line last returned.
    private(set) var lineNumber = 0

    init(path: String, encoding: TextEncoding = .utf8) throws {
        source = try TextSource(path: path, encoding: encoding)
        self.path = path
    }

    mutating func close() { source.close() }

    /// The next line without its `\n` (or `\r\n`), or `nil` at the end of the file.
    mutating func next() throws -> ArraySlice<UInt8>? {
        while true {
            if let nl = buffer[position...].firstIndex(of: 0x0A) {
                var end = nl
                if end > position, buffer[end - 1] == 0x0D { end -= 1 }
                let line = buffer[position..<end]
                position = nl + 1
                lineNumber += 1
                return line
            }
            if eof {
                guard position < buffer.count else { return nil }
                let line = buffer[position...]
                position = buffer.count
                lineNumber += 1
                return line
            }
            buffer.removeSubrange(0..<position)
            position = 0
            if let chunk = try source.next() {
                buffer.append(contentsOf: chunk)
            } else {
                eof = true
            }
        }
    }
}

/// Buffered output, flushed every 256 KiB, to standard output or to a file written atomically.
struct ByteWriter {
    let fd: Int32
    let name: String
    /// The file, when not standard output.
    let file: AtomicFileWriter?
    private(set) var buffer: [UInt8] = []
    /// Bytes written so far.
    private(set) var total: UInt64 = 0

    init(fd: Int32, name: String) {
        self.fd = fd
        self.name = name
        self.file = nil
        buffer.reserveCapacity(1 << 18)
    }

    init(file: AtomicFileWriter) {
        self.fd = -1
        self.name = file.path
        self.file = file
        buffer.reserveCapacity(1 << 18)
    }

    mutating func write<S: Sequence>(_ bytes: S) throws where S.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 18 { try flush() }
    }

    mutating func write(_ s: String) throws { try write(s.utf8) }

    mutating func flush() throws {
        if let file {
            try file.write(buffer)
            total += UInt64(buffer.count)
            buffer.removeAll(keepingCapacity: true)
            return
        }
        var offset = 0
        try buffer.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n >= 0 {
                    offset += n
                } else if errno != EINTR {
                    let cause = SystemError.current()
                    let message = "cannot write \(fd == STDOUT_FILENO ? "to standard output" : name)"
                    throw fd == STDOUT_FILENO ? GreenlightError.undeliveredOutput(message, cause: cause) : GreenlightError.io(message, cause: cause)
                }
            }
        }
        total += UInt64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Runs `body` with a writer to `path` (atomically: a temporary file renamed once `body` returns; removed
    /// on any error) or, when `path` is nil, to standard output.
    static func withOutput<R>(_ path: String?, _ body: (inout ByteWriter) throws -> R) throws -> R {
        guard let path else {
            var w = ByteWriter(fd: STDOUT_FILENO, name: "standard output")
            let r = try body(&w)
            try w.flush()
            return r
        }
        let file = try AtomicFileWriter(path: path, mode: 0o644)
        do {
            var w = ByteWriter(file: file)
            let result = try body(&w)
            try w.flush()
            try file.commit()
            return result
        } catch {
            file.discard()
            throw error
        }
    }
}
