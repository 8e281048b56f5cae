import Crypto
import Foundation
import FuzzSupport
@testable import GreenlightPrivacy

// The age payload (STREAM, ChaCha20-Poly1305 over 64 KiB chunks) under a fixed file key, past the header.
//
// Byte 0 picks the mode. Even: the rest is a payload (16-byte nonce, then chunks) as read from a file; mutated
// ciphertext does not authenticate, so this covers framing and the end-of-input rules. Odd: the rest describes
// chunks (size and final flag each) that are sealed with the real key, then optionally truncated or extended, so
// authenticated chunks reach every rule: a final flag too early, none at the end, short non-final chunks,
// trailing data. Whatever decrypts must be exactly a well-formed stream's plaintext.

let fileKey = [UInt8](repeating: 0x5C, count: 16)
let nonce = [UInt8](repeating: 9, count: 16)

/// STREAM's rules: only the last chunk is final, every other one is full, and the last is empty only when alone.
func wellFormed(_ chunks: [(plaintext: [UInt8], last: Bool)]) -> Bool {
    guard let final = chunks.last, final.last else { return false }
    return chunks.dropLast().allSatisfy { !$0.last && $0.plaintext.count == AgeStream.chunkSize }
        && (chunks.count == 1 || !final.plaintext.isEmpty)
}

func decrypt(_ payload: [UInt8]) throws -> [UInt8] {
    let reader = AgeBufferedReader(DataSource(Data(payload)), capacity: AgeStream.bufferSize)
    guard try reader.fill(atLeast: AgeStream.nonceSize) >= AgeStream.nonceSize else { throw AgeError.payload }
    let nonce = Array(reader.available.prefix(AgeStream.nonceSize))
    reader.consume(AgeStream.nonceSize)
    var sink = DataSink()
    try AgeStream.decrypt(reader, to: &sink, key: AgeStream.payloadKey(fileKey: fileKey, nonce: nonce))
    return Array(sink.data)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    guard let mode = bytes.first else { return 0 }
    let rest = Array(bytes.dropFirst())
    if mode & 1 == 0 {
        _ = try? decrypt(rest)
        return 0
    }
    // 3 bytes per chunk: a 16-bit size (0xFFFF and above mean a full chunk) and flags (bit 0: final).
    var chunks: [(plaintext: [UInt8], last: Bool)] = []
    var i = 0
    while i + 3 <= rest.count, chunks.count < 4 {
        let n = min(Int(rest[i]) << 8 | Int(rest[i + 1]), AgeStream.chunkSize)
        let size = n == 0xFFFF ? AgeStream.chunkSize : n
        chunks.append(([UInt8](repeating: UInt8(truncatingIfNeeded: chunks.count &+ 0x61), count: size), rest[i + 2] & 1 == 1))
        i += 3
    }
    guard var payload = try? AgeStream.craftPayload(fileKey: fileKey, nonce: nonce, chunks: chunks) else { return 0 }
    // What follows the chunk list: a byte asking for a cut (bit 7 clear: drop the low bits' count of bytes) or
    // an extension (bit 7 set: append the remaining bytes).
    if i < rest.count {
        let op = rest[i]
        if op & 0x80 == 0 { payload.removeLast(min(Int(op), payload.count)) } else { payload += rest[(i + 1)...] }
    }
    if let plaintext = try? decrypt(payload) {
        // Accepted: the bytes must be exactly the sealing of a well-formed run of the first k chunks (a cut can
        // drop whole chunks and leave one), and decrypt to their plaintext.
        let match = (1...max(chunks.count, 1)).first { k in
            let prefix = Array(chunks.prefix(k))
            return wellFormed(prefix) && (try? AgeStream.craftPayload(fileKey: fileKey, nonce: nonce, chunks: prefix)) == payload
        }
        guard let k = match else { preconditionFailure("a malformed or altered stream decrypted") }
        precondition(plaintext == chunks.prefix(k).flatMap(\.plaintext), "decrypted bytes differ from the sealed ones")
    }
    return 0
}

writeSeedsIfRequested {
    func raw(_ chunks: [(plaintext: [UInt8], last: Bool)]) throws -> [UInt8] {
        [0] + (try AgeStream.craftPayload(fileKey: fileKey, nonce: [UInt8](repeating: 3, count: 16), chunks: chunks))
    }
    let full = [UInt8](repeating: 1, count: AgeStream.chunkSize)
    return [
        ("raw-one", try raw([(Array("hello".utf8), true)])),
        ("raw-empty", try raw([([], true)])),
        ("raw-two", try raw([(full, false), (Array("tail".utf8), true)])),
        ("crafted-one", [1, 0x00, 0x05, 1]),
        ("crafted-two", [1, 0xFF, 0xFF, 0, 0x00, 0x10, 1]),
        ("crafted-early-final", [1, 0xFF, 0xFF, 1, 0x00, 0x10, 1]),
        ("crafted-cut", [1, 0xFF, 0xFF, 0, 0x00, 0x10, 1, 0x05]),
        ("crafted-extended", [1, 0x00, 0x10, 1, 0x80, 1, 2, 3]),
    ]
}

runLibFuzzer(testOneInput)
