public import Foundation
import GreenlightCore

/// Decrypts age v1 files (age-encryption.org/v1), streaming, in bounded memory.
///
/// The header is parsed strictly, the file key unwrapped with the first identity that matches a stanza, the header
/// MAC checked, and the payload decrypted and authenticated chunk by chunk. Failures throw ``GreenlightError``
/// with one of four messages, as `age` distinguishes them: a malformed header (`invalid age header: ...`), no
/// matching identity, a header MAC mismatch, and a payload that does not authenticate (truncated, altered, or
/// followed by extra data). Wrong keys are no-match failures.
///
/// To a file, nothing is published unless the whole file authenticates. To a stream (standard output, a pipe),
/// each 64 KiB chunk is written as soon as it authenticates, so a file altered or truncated in the middle yields
/// its authentic beginning before the error: consumers of a stream must treat the output as untrusted until
/// decryption returns without error.
public enum AgeDecryptor {
    /// Decrypts the age file read from `input`, writing plaintext to `output` chunk by chunk.
    ///
    /// Neither handle is closed. The plaintext written before a failure is authentic but incomplete; see the type's
    /// discussion.
    ///
    /// - Parameters:
    ///   - input: The age file (binary; ASCII armor is not supported).
    ///   - output: Where the plaintext goes.
    ///   - identities: Tried in order: ``AgeX25519Identity``s, ``AgeScryptIdentity``, or others.
    /// - Throws: ``GreenlightError`` when decryption fails or a read or write fails.
    public static func decrypt(from input: FileHandle, to output: FileHandle, identities: [any AgeIdentity]) throws {
        var sink = FileDescriptorSink(fd: output.fileDescriptor, name: ageStreamName(output.fileDescriptor))
        try decrypt(FileDescriptorSource(fd: input.fileDescriptor, name: ageStreamName(input.fileDescriptor)), to: &sink, identities: identities)
    }

    /// Decrypts the age file read from `input` into a file, published only when the whole file authenticated.
    ///
    /// Plaintext goes to a temporary file (mode 0600) in the destination's directory, renamed over `path` after
    /// the final chunk authenticated. On any failure — wrong key, altered header or payload, truncation, data after
    /// the final chunk — the temporary file is removed and `path` is not created (or left as it was).
    ///
    /// - Parameters:
    ///   - input: The age file.
    ///   - path: The plaintext file to write (replaced if it exists), mode 0600.
    ///   - identities: As in ``decrypt(from:to:identities:)``.
    /// - Throws: ``GreenlightError``.
    public static func decrypt(from input: FileHandle, toFileAtPath path: String, identities: [any AgeIdentity]) throws {
        guard !identities.isEmpty else { throw noIdentity }
        try AgeAtomicOutput.write(toPath: path, mode: 0o600) { sink in
            try decrypt(FileDescriptorSource(fd: input.fileDescriptor, name: ageStreamName(input.fileDescriptor)), to: &sink, identities: identities)
        }
    }

    /// Decrypts one file into another; see ``decrypt(from:toFileAtPath:identities:)``.
    ///
    /// - Throws: ``GreenlightError`` when `inputPath` cannot be opened, or as ``decrypt(from:toFileAtPath:identities:)``.
    public static func decrypt(fileAtPath inputPath: String, toFileAtPath path: String, identities: [any AgeIdentity]) throws {
        let input = try AgeFiles.openForReading(inputPath)
        defer { try? input.close() }
        try decrypt(from: input, toFileAtPath: path, identities: identities)
    }

    /// Decrypts an age file held in memory.
    ///
    /// - Parameters:
    ///   - ciphertext: The age file's bytes.
    ///   - identities: As in ``decrypt(from:to:identities:)``.
    /// - Returns: The plaintext; nothing is returned unless the whole file authenticated.
    /// - Throws: ``GreenlightError``.
    public static func decrypt(_ ciphertext: Data, identities: [any AgeIdentity]) throws -> Data {
        var sink = DataSink()
        try decrypt(DataSource(ciphertext), to: &sink, identities: identities)
        return sink.data
    }

    static var noIdentity: GreenlightError { .invalidInput("age decryption needs at least one identity or passphrase") }

    static func decrypt<Source: AgeByteSource, Sink: AgeByteSink>(_ source: Source, to sink: inout Sink, identities: [any AgeIdentity]) throws {
        guard !identities.isEmpty else { throw noIdentity }
        let reader = AgeBufferedReader(source, capacity: AgeStream.bufferSize)
        let header = try AgeHeader.parse(reader)
        // The spec's rule, for every identity: a passphrase stanza authenticates the sender only when alone.
        if header.stanzas.count > 1, header.stanzas.contains(where: { $0.type == "scrypt" }) {
            throw AgeError.header("an scrypt stanza must be the only stanza")
        }
        var fileKey: [UInt8]?
        for identity in identities {
            if let key = try identity.unwrap(header.stanzas) {
                fileKey = key
                break
            }
        }
        guard let fileKey else { throw AgeError.noMatch }
        guard fileKey.count == 16 else { throw AgeError.header("the unwrapped file key is not 16 bytes") }
        guard header.verifyMAC(fileKey: fileKey) else { throw AgeError.headerMAC }
        guard try reader.fill(atLeast: AgeStream.nonceSize) >= AgeStream.nonceSize else { throw AgeError.payload }
        let nonce = Array(reader.available.prefix(AgeStream.nonceSize))
        reader.consume(AgeStream.nonceSize)
        try AgeStream.decrypt(reader, to: &sink, key: AgeStream.payloadKey(fileKey: fileKey, nonce: nonce))
    }
}
