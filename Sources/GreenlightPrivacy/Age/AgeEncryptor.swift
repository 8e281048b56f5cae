public import Foundation
import GreenlightCore

/// Encrypts to the age v1 format (age-encryption.org/v1), streaming: files of any size in bounded memory.
///
/// A fresh 16-byte file key is wrapped for every recipient in the header, which is authenticated with
/// HMAC-SHA-256; the payload is a 16-byte nonce and then STREAM-encrypted 64 KiB chunks (ChaCha20-Poly1305).
/// The result decrypts with the `age` tool, and ``AgeDecryptor`` decrypts what `age` writes.
///
/// Memory stays under 1.5 MiB whatever the input size (scrypt recipients add their work factor's memory once:
/// 256 MiB at the default 18).
public enum AgeEncryptor {
    /// Encrypts everything read from `input` and writes the age file to `output`.
    ///
    /// Neither handle is closed. Input is read until its end with read(2), in chunks.
    ///
    /// - Parameters:
    ///   - input: The plaintext, e.g. `FileHandle.standardInput` or a file.
    ///   - output: Where the age file goes.
    ///   - recipients: At least one; any number of ``AgeX25519Recipient``s, or exactly one ``AgeScryptRecipient``.
    /// - Throws: ``GreenlightError`` for invalid recipients or a failed read or write. Output already written stays.
    public static func encrypt(from input: FileHandle, to output: FileHandle, recipients: [any AgeRecipient]) throws {
        var sink = FileDescriptorSink(fd: output.fileDescriptor, name: ageStreamName(output.fileDescriptor))
        try encrypt(FileDescriptorSource(fd: input.fileDescriptor, name: ageStreamName(input.fileDescriptor)), to: &sink, recipients: recipients)
    }

    /// Encrypts everything read from `input` into a file, atomically.
    ///
    /// The age file is written to a temporary file in the destination's directory and renamed over `path` only when
    /// complete; on any failure the temporary file is removed.
    ///
    /// - Parameters:
    ///   - input: The plaintext.
    ///   - path: The age file to write (replaced if it exists).
    ///   - recipients: As in ``encrypt(from:to:recipients:)``.
    /// - Throws: ``GreenlightError``; `path` is then untouched.
    public static func encrypt(from input: FileHandle, toFileAtPath path: String, recipients: [any AgeRecipient]) throws {
        try validate(recipients)
        try AgeAtomicOutput.write(toPath: path, mode: 0o666) { sink in
            try encrypt(FileDescriptorSource(fd: input.fileDescriptor, name: ageStreamName(input.fileDescriptor)), to: &sink, recipients: recipients)
        }
    }

    /// Encrypts one file into another, atomically; see ``encrypt(from:toFileAtPath:recipients:)``.
    ///
    /// - Throws: ``GreenlightError`` when `inputPath` cannot be opened, or as ``encrypt(from:toFileAtPath:recipients:)``.
    public static func encrypt(fileAtPath inputPath: String, toFileAtPath path: String, recipients: [any AgeRecipient]) throws {
        let input = try AgeFiles.openForReading(inputPath)
        defer { try? input.close() }
        try encrypt(from: input, toFileAtPath: path, recipients: recipients)
    }

    /// Encrypts bytes in memory.
    ///
    /// - Parameters:
    ///   - plaintext: The data.
    ///   - recipients: As in ``encrypt(from:to:recipients:)``.
    /// - Returns: The age file's bytes.
    /// - Throws: ``GreenlightError`` for invalid recipients.
    public static func encrypt(_ plaintext: Data, recipients: [any AgeRecipient]) throws -> Data {
        var sink = DataSink()
        try encrypt(DataSource(plaintext), to: &sink, recipients: recipients)
        return sink.data
    }

    static func validate(_ recipients: [any AgeRecipient]) throws {
        guard !recipients.isEmpty else { throw GreenlightError.invalidInput("age encryption needs at least one recipient") }
        if recipients.count > 1, recipients.contains(where: { $0 is AgeScryptRecipient }) {
            throw GreenlightError.invalidInput("a passphrase must be the only recipient of an age file")
        }
    }

    static func encrypt<Source: AgeByteSource, Sink: AgeByteSink>(_ source: Source, to sink: inout Sink, recipients: [any AgeRecipient]) throws {
        try validate(recipients)
        let fileKey = AgeKeyWrap.secureRandomBytes(16)
        var stanzas: [AgeStanza] = []
        for recipient in recipients { stanzas += try recipient.wrap(fileKey: fileKey) }
        try validate(stanzas)
        try sink.write(AgeHeader.encode(stanzas, fileKey: fileKey))
        let nonce = AgeKeyWrap.secureRandomBytes(AgeStream.nonceSize)
        try sink.write(nonce)
        let reader = AgeBufferedReader(source, capacity: AgeStream.bufferSize)
        try AgeStream.encrypt(reader, to: &sink, key: AgeStream.payloadKey(fileKey: fileKey, nonce: nonce))
    }

    /// Stanzas from third-party recipients must fit the header grammar.
    static func validate(_ stanzas: [AgeStanza]) throws {
        guard !stanzas.isEmpty else { throw GreenlightError.invalidInput("the recipients produced no stanza") }
        for stanza in stanzas {
            for argument in [stanza.type] + stanza.arguments {
                guard !argument.isEmpty, argument.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
                    throw GreenlightError.invalidInput("invalid age stanza argument \"\(argument)\": it must be non-empty printable ASCII without spaces")
                }
            }
        }
    }
}

/// File opening shared by the encryptor and the decryptor.
enum AgeFiles {
    static func openForReading(_ path: String) throws -> FileHandle {
        try InputFile.handle(path, what: "")
    }
}
