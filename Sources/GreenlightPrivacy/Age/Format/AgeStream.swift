import Crypto
import Foundation
import GreenlightCore

/// The age payload: STREAM with ChaCha20-Poly1305 over 64 KiB chunks.
///
/// The nonce of chunk i is the 11-byte big-endian counter i followed by 0x01 for the final chunk and 0x00 before
/// it. Only the final chunk may be shorter than 64 KiB, and it is empty only when the whole plaintext is.
/// Memory is the reader's buffer plus one chunk in flight, whatever the size of the input.
enum AgeStream {
    static let chunkSize = 64 * 1024
    static let tagSize = 16
    static let encryptedChunkSize = chunkSize + tagSize
    static let nonceSize = 16
    /// Read-ahead buffer: a few chunks per read(2), and always room for one chunk plus the look-ahead byte.
    static let bufferSize = 4 * encryptedChunkSize + 1

    /// payload key = HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload").
    static func payloadKey(fileKey: [UInt8], nonce: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: fileKey), salt: nonce, info: Array("payload".utf8), outputByteCount: 32)
    }

    /// Writes the 12-byte chunk nonce into `out`.
    @inline(__always)
    static func writeNonce(counter: UInt64, last: Bool, to out: UnsafeMutableRawBufferPointer) {
        out[0] = 0
        out[1] = 0
        out[2] = 0
        out.storeBytes(of: counter.bigEndian, toByteOffset: 3, as: UInt64.self)
        out[11] = last ? 1 : 0
    }

    /// The nonce as swift-crypto's type, built on the stack (a 12-byte Data is stored inline).
    static func nonce(counter: UInt64, last: Bool) throws -> ChaChaPoly.Nonce {
        try withUnsafeTemporaryAllocation(byteCount: 12, alignment: 1) { buffer in
            writeNonce(counter: counter, last: last, to: buffer)
            return try ChaChaPoly.Nonce(data: UnsafeRawBufferPointer(buffer))
        }
    }

    /// Encrypts everything left in `reader` to `sink`.
    static func encrypt<Source, Sink: AgeByteSink>(_ reader: AgeBufferedReader<Source>, to sink: inout Sink, key: SymmetricKey) throws {
        var counter: UInt64 = 0
        while true {
            // One byte more than a chunk tells whether this chunk is the last.
            let available = try reader.fill(atLeast: chunkSize + 1)
            let last = available <= chunkSize
            let n = last ? available : chunkSize
            let box = try ChaChaPoly.seal(UnsafeRawBufferPointer(rebasing: reader.available.prefix(n)), using: key, nonce: nonce(counter: counter, last: last))
            // `combined` is nonce ‖ ciphertext ‖ tag; the file holds ciphertext ‖ tag.
            try box.combined.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0.dropFirst(12))) }
            reader.consume(n)
            if last { return }
            counter += 1
        }
    }

    /// A payload built chunk by chunk with explicit final flags, for tests that need malformed streams.
    static func craftPayload(fileKey: [UInt8], nonce payloadNonce: [UInt8], chunks: [(plaintext: [UInt8], last: Bool)]) throws -> [UInt8] {
        let key = payloadKey(fileKey: fileKey, nonce: payloadNonce)
        var out = payloadNonce
        for (i, chunk) in chunks.enumerated() {
            let box = try ChaChaPoly.seal(chunk.plaintext, using: key, nonce: nonce(counter: UInt64(i), last: chunk.last))
            out += box.ciphertext + box.tag
        }
        return out
    }

    /// Decrypts everything left in `reader` to `sink`, chunk by chunk: each chunk is written once it authenticates.
    ///
    /// - Throws: ``GreenlightError`` (the payload error) when a chunk does not authenticate, the input ends before
    ///   a final chunk, or data follows it; what was written before stays written.
    static func decrypt<Source, Sink: AgeByteSink>(_ reader: AgeBufferedReader<Source>, to sink: inout Sink, key: SymmetricKey) throws {
        // nonce ‖ ciphertext ‖ tag, the layout ChaChaPoly.SealedBox(combined:) takes; reused for every chunk.
        var combined = Data(count: 12 + encryptedChunkSize)
        var counter: UInt64 = 0
        while true {
            let available = try reader.fill(atLeast: encryptedChunkSize + 1)
            // A full chunk followed by more data is not the last; at the end of the input, the chunk must be final.
            let last = available <= encryptedChunkSize
            let n = last ? available : encryptedChunkSize
            if last {
                guard n > tagSize || (n == tagSize && counter == 0) else { throw AgeError.payload }
            }
            combined.count = 12 + n
            combined.withUnsafeMutableBytes { buffer in
                writeNonce(counter: counter, last: last, to: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<12]))
                UnsafeMutableRawBufferPointer(rebasing: buffer[12...]).copyMemory(from: UnsafeRawBufferPointer(rebasing: reader.available.prefix(n)))
            }
            let plaintext: Data
            do {
                plaintext = try ChaChaPoly.open(ChaChaPoly.SealedBox(combined: combined), using: key)
            } catch {
                throw AgeError.payload
            }
            try plaintext.withUnsafeBytes { try sink.write($0) }
            reader.consume(n)
            if last { return }
            counter += 1
        }
    }
}
