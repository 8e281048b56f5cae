import Foundation
import GreenlightCore

/// How the bytes of a text input (CSV, JSON Lines) are decoded.
public enum TextEncoding: String, Sendable, CaseIterable {
    /// UTF-8, strictly: an invalid byte sequence is an error naming its line and column.
    case utf8 = "utf-8"
    /// ISO-8859-1: every byte is the code point of the same value, transcoded to UTF-8.
    case latin1

    /// Parses `utf-8`/`utf8` or `latin1`/`latin-1`/`iso-8859-1` (any case).
    ///
    /// - Throws: ``GreenlightError`` naming the accepted names for anything else.
    public init(name: String) throws {
        switch name.lowercased() {
        case "utf-8", "utf8": self = .utf8
        case "latin1", "latin-1", "iso-8859-1", "iso8859-1": self = .latin1
        default: throw GreenlightError.invalidInput("unknown text encoding \(name); the encodings are utf-8 and latin1")
        }
    }
}

/// The one place every text input (CSV, JSON Lines) is read from: a file or bytes in memory, in chunks of
/// 1 MiB, handed out as valid UTF-8.
///
/// With ``TextEncoding/utf8`` each chunk is validated as it is read, so every command reports the same
/// error for the same file: the line and column (the 1-based byte position in the line) of the first
/// invalid sequence. With ``TextEncoding/latin1`` bytes are transcoded, never rejected. A sequence split
/// across two reads is carried to the next chunk.
struct TextSource {
    /// The file's name, for error messages.
    let name: String
    let encoding: TextEncoding
    /// Closed when the last copy of the source goes, also when a reader is abandoned after an error.
    private var file: OpenFile?
    private var fd: Int32 { file?.fd ?? -1 }
    private var memory: [UInt8]?
    private var memoryOffset = 0
    private var carry: [UInt8] = []
    private var readBuffer: [UInt8] = []
    private var eof = false
    /// Position of the next byte to validate, for error messages.
    private var line = 1
    private var column = 1

    static let chunkSize = 1 << 20

    /// Opens a file.
    init(path: String, encoding: TextEncoding) throws {
        name = path
        self.encoding = encoding
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw GreenlightError.notFound("cannot read \(path)", cause: SystemError(errno: errno)) }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            Foundation.close(fd)
            throw GreenlightError.invalidInput("cannot read \(path): it is a directory")
        }
        file = OpenFile(fd)
    }

    /// Reads bytes held in memory; `name` names them in error messages.
    init(bytes: [UInt8], name: String, encoding: TextEncoding) {
        self.name = name
        self.encoding = encoding
        memory = bytes
    }

    /// Closes the file (a no-op for bytes in memory).
    mutating func close() {
        file = nil
    }

    /// The next chunk of valid UTF-8, or `nil` at the end. Chunks end on character boundaries.
    mutating func next() throws -> [UInt8]? {
        while true {
            guard !eof else { return nil }
            var raw = carry
            carry = []
            let got = try readRaw(into: &raw)
            if got == 0 { eof = true }
            if encoding == .latin1 {
                if raw.isEmpty { return nil }
                return Self.latin1ToUTF8(raw)
            }
            let valid = try validate(raw, final: eof)
            if valid < raw.count { carry = Array(raw[valid...]) }
            if valid > 0 { return valid == raw.count ? raw : Array(raw[..<valid]) }
            if eof { return nil }
        }
    }

    /// Appends up to one chunk; returns the bytes read, 0 at the end.
    private mutating func readRaw(into raw: inout [UInt8]) throws -> Int {
        if let memory {
            let n = min(Self.chunkSize, memory.count - memoryOffset)
            raw.append(contentsOf: memory[memoryOffset..<(memoryOffset + n)])
            memoryOffset += n
            return n
        }
        // One buffer per source, read into and copied out of as far as filled: appending a chunk of zeros and
        // trimming it again cost a megabyte of element-wise work per read, for a file of a few bytes too.
        if readBuffer.isEmpty { readBuffer = [UInt8](repeating: 0, count: Self.chunkSize) }
        let fd = self.fd
        while true {
            let n = readBuffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, Self.chunkSize) }
            if n >= 0 {
                raw.append(contentsOf: readBuffer[0..<n])
                return n
            }
            guard errno == EINTR else {
                throw GreenlightError.io("cannot read \(name)", cause: SystemError(errno: errno))
            }
        }
    }

    /// The length of the valid prefix of `bytes`, leaving an incomplete final sequence for the next read
    /// (unless `final`); throws at the first invalid sequence.
    ///
    /// ASCII is skipped eight bytes at a time; lines are counted (with memchr) only over what was validated,
    /// so the position costs nothing until an error needs it.
    private mutating func validate(_ bytes: [UInt8], final: Bool) throws -> Int {
        let valid = try bytes.withUnsafeBufferPointer { p -> Int in
            guard let base = p.baseAddress else { return 0 }
            var i = 0
            let n = p.count
            while i < n {
                if i + 8 <= n, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
                let b = p[i]
                if b < 0x80 {
                    i += 1
                    continue
                }
                // Lead byte: the sequence length and the allowed range of the second byte (RFC 3629).
                let length: Int, low: UInt8, high: UInt8
                switch b {
                case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
                case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
                case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
                case 0xED: (length, low, high) = (3, 0x80, 0x9F)
                case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
                case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
                case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
                default: throw invalid(p, at: i)
                }
                var k = 1
                while k < length {
                    guard i + k < n else {
                        if final { throw invalid(p, at: i) }
                        return i
                    }
                    let c = p[i + k]
                    let ok = k == 1 ? (c >= low && c <= high) : (c & 0xC0 == 0x80)
                    guard ok else { throw invalid(p, at: i) }
                    k += 1
                }
                i += length
            }
            return n
        }
        bytes.withUnsafeBufferPointer { advance(over: $0, count: valid) }
        return valid
    }

    /// Moves the line and column past the first `count` bytes of `p`.
    private mutating func advance(over p: UnsafeBufferPointer<UInt8>, count: Int) {
        guard let base = p.baseAddress, count > 0 else { return }
        var lineStart = 0
        var newlines = 0
        while lineStart < count, let hit = memchr(base + lineStart, 0x0A, count - lineStart) {
            newlines += 1
            lineStart = UnsafeRawPointer(hit).assumingMemoryBound(to: UInt8.self) - base + 1
        }
        if newlines > 0 {
            line += newlines
            column = 1 + (count - lineStart)
        } else {
            column += count
        }
    }

    private mutating func invalid(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> GreenlightError {
        advance(over: p, count: i)
        let shown = p[i..<min(p.count, i + 4)].prefix { $0 != 0x0A }.map { String(format: "0x%02X", $0) }.joined(separator: " ")
        return GreenlightError.invalidInput(
            "\(name): line \(line), column \(column): invalid UTF-8 (bytes \(shown)); the file is not UTF-8: "
                + "convert it to UTF-8, or read it as Latin-1 (ISO-8859-1) if that is its encoding",
            location: .init(path: name, line: line, column: column), parameter: .init("encoding", suggestion: "latin1"))
    }

    /// ISO-8859-1 to UTF-8: bytes below 0x80 as they are, the others as two bytes.
    static func latin1ToUTF8(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(where: { $0 >= 0x80 }) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for b in bytes {
            if b < 0x80 {
                out.append(b)
            } else {
                out.append(0xC0 | (b >> 6))
                out.append(0x80 | (b & 0x3F))
            }
        }
        return out
    }
}

/// A descriptor closed on deinit.
private final class OpenFile {
    let fd: Int32
    init(_ fd: Int32) { self.fd = fd }
    deinit { _ = Foundation.close(fd) }
}
