import Crypto
import Foundation
import GreenlightCore

/// The textual header of an age v1 file: version line, stanzas, MAC line.
struct AgeHeader {
    static let versionLine = Array("age-encryption.org/v1".utf8)
    static let versionPrefix = Array("age-encryption.org/".utf8)
    /// A generous limit so a hostile file cannot make the parser hold unbounded memory.
    static let maxSize = 1 << 20
    static let columns = 64

    var stanzas: [AgeStanza]
    /// The MAC from the file (empty when encoding).
    var mac: [UInt8] = []
    /// The header exactly as read, up to and including `---`: what the MAC covers.
    var macInput: [UInt8] = []

    /// HMAC-SHA-256 key: HKDF-SHA-256(ikm = file key, salt = empty, info = "header").
    static func macKey(fileKey: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: fileKey), salt: [UInt8](), info: Array("header".utf8), outputByteCount: 32)
    }

    /// Encodes stanzas and the MAC under `fileKey`: the complete header, ending in LF.
    static func encode(_ stanzas: [AgeStanza], fileKey: [UInt8]) -> [UInt8] {
        var out = versionLine + [0x0A]
        for stanza in stanzas {
            out += Array("-> ".utf8) + Array(([stanza.type] + stanza.arguments).joined(separator: " ").utf8) + [0x0A]
            let body = Array(AgeBase64.encode(stanza.body).utf8)
            var i = 0
            // Full 64-column lines, then a shorter final line, which is empty when the body fills its last line.
            while body.count - i >= columns {
                out += body[i ..< i + columns] + [0x0A]
                i += columns
            }
            out += body[i...] + [0x0A]
        }
        out += Array("---".utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: out, using: macKey(fileKey: fileKey))
        out += Array(" ".utf8) + Array(AgeBase64.encode(Array(mac)).utf8) + [0x0A]
        return out
    }

    /// Parses a header strictly by the spec's grammar, leaving the reader at the first payload byte.
    ///
    /// - Throws: ``GreenlightError`` `invalid age header: ...`.
    static func parse<Source>(_ reader: AgeBufferedReader<Source>) throws -> AgeHeader {
        var raw: [UInt8] = []
        func line() throws -> [UInt8] {
            guard let l = try reader.readLine(maxLength: maxSize - raw.count) else {
                throw reader.reachedEnd ? AgeError.header("unexpected end of file") : AgeError.header("larger than \(maxSize) bytes")
            }
            return l
        }
        let first = try line()
        guard first == versionLine else {
            if first.starts(with: versionPrefix) {
                throw AgeError.header("unsupported version \(String(decoding: first.dropFirst(versionPrefix.count), as: UTF8.self)); only v1 is supported")
            }
            throw AgeError.header("not an age file (it must start with age-encryption.org/v1)")
        }
        raw = first + [0x0A]
        var stanzas: [AgeStanza] = []
        while true {
            let l = try line()
            if l.starts(with: Array("-> ".utf8)) {
                raw += l + [0x0A]
                let fields = l.dropFirst(3).split(separator: 0x20, omittingEmptySubsequences: false)
                guard fields.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= 0x21 && $0 <= 0x7E } }) else {
                    throw AgeError.header("stanza arguments must be non-empty printable ASCII separated by single spaces")
                }
                var body: [UInt8] = []
                while true {
                    let b = try line()
                    guard b.count <= columns, b.allSatisfy(AgeBase64.isBase64Character) else {
                        throw AgeError.header("stanza body lines must be base64 of at most \(columns) columns, ending with a shorter line")
                    }
                    raw += b + [0x0A]
                    body += b
                    if b.count < columns { break }
                }
                guard let decoded = AgeBase64.decode(body) else {
                    throw AgeError.header("stanza body is not canonical base64")
                }
                let args = fields.map { String(decoding: $0, as: UTF8.self) }
                stanzas.append(AgeStanza(type: args[0], arguments: Array(args.dropFirst()), body: decoded))
            } else if l.starts(with: Array("---".utf8)) {
                guard !stanzas.isEmpty else { throw AgeError.header("no recipient stanzas") }
                let encoded = l.dropFirst(3)
                guard encoded.first == 0x20, encoded.count == 44, let mac = AgeBase64.decode(encoded.dropFirst()), mac.count == 32 else {
                    throw AgeError.header("malformed MAC line")
                }
                raw += Array("---".utf8)
                return AgeHeader(stanzas: stanzas, mac: mac, macInput: raw)
            } else {
                throw AgeError.header("expected a stanza (->) or the MAC line (---)")
            }
        }
    }

    /// Checks the MAC in constant time.
    func verifyMAC(fileKey: [UInt8]) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: macInput, using: Self.macKey(fileKey: fileKey))
    }
}
