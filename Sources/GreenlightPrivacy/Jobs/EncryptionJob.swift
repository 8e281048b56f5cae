#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
public import GreenlightCore

/// One `privacy encrypt` or `privacy decrypt` as a value: a file (or standard input) through age or Fernet, to a
/// file (atomically) or standard output.
///
/// ``run()`` checks the outputs before any work (none may be an input or a key), reads the key, transforms the
/// data and writes the report. age streams in bounded memory; Fernet tokens are read whole.
public struct EncryptionJob: Sendable {
    /// Which way the data goes.
    public enum Operation: String, Sendable, Hashable {
        case encrypt, decrypt
    }

    /// The key, and so the format.
    public enum Key: Sendable, Hashable {
        /// A Fernet key given as text.
        case fernet(String)
        /// A file holding a Fernet key.
        case fernetFile(String)
        /// age: encrypt to these public keys (`age1…`).
        case ageRecipients([String])
        /// age: decrypt with the X25519 identities in these files.
        case ageIdentityFiles([String])
        /// age: the passphrase in this file, with the scrypt work factor (log2 N) for encrypting.
        case agePassphraseFile(String, workFactor: Int? = nil)

        /// The files the key is read from, which no output may be.
        var files: [String] {
            switch self {
            case .fernet, .ageRecipients: []
            case .fernetFile(let path), .agePassphraseFile(let path, _): [path]
            case .ageIdentityFiles(let paths): paths
            }
        }
    }

    /// Encrypt or decrypt.
    public var operation: Operation
    /// The key.
    public var key: Key
    /// The input; `nil` is standard input.
    public var inputPath: String?
    /// The output, written atomically; `nil` is standard output.
    public var outputPath: String?
    /// The JSON report (kind privacy, `privacy.encryption`), when wanted.
    public var reportPath: String?
    /// Fernet decryption: refuse tokens older than this.
    public var ttl: Duration?

    /// A job.
    public init(operation: Operation, key: Key, inputPath: String? = nil, outputPath: String? = nil, reportPath: String? = nil,
                ttl: Duration? = nil) {
        self.operation = operation
        self.key = key
        self.inputPath = inputPath
        self.outputPath = outputPath
        self.reportPath = reportPath
        self.ttl = ttl
    }

    /// Checks the outputs, encrypts or decrypts, and writes the report.
    ///
    /// - Returns: What was done (as the report records it).
    /// - Throws: ``GreenlightError`` for a refused output, an unreadable input or key, a binary age file bound for
    ///   a terminal, or a failed decryption.
    @discardableResult
    public func run() throws -> EncryptionRecord {
        try OutputTarget.check(outputs: [outputPath, reportPath], reading: [inputPath] + key.files, stdout: outputPath == nil)
        let record: EncryptionRecord
        switch key {
        case .fernet(let text): record = try fernet(Fernet(key: text))
        case .fernetFile(let path): record = try fernet(Fernet(keyFileAtPath: path))
        default: record = try age()
        }
        if let reportPath {
            try AtomicFile.write(Report(kind: .privacy, privacy: PrivacySection(encryption: [record])).jsonData(), to: reportPath)
        }
        return record
    }

    private func fernet(_ fernet: Fernet) throws -> EncryptionRecord {
        let input = try inputPath.map { try InputFile.contents($0, what: "") } ?? FileHandle.standardInput.readDataToEndOfFile()
        let output: Data, plaintext: Int
        switch operation {
        case .encrypt:
            output = Data((try fernet.encrypt(input) + "\n").utf8)
            plaintext = input.count
        case .decrypt:
            let token = String(decoding: input, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            output = try fernet.decrypt(token, ttl: ttl)
            plaintext = output.count
        }
        if let outputPath {
            try AtomicFile.write(output, to: outputPath)
        } else {
            try output.withUnsafeBytes { try StandardStreams.writeOut(bytes: $0) }
        }
        return EncryptionRecord(operation: operation.rawValue, format: "fernet", path: outputPath, plaintextBytes: UInt64(plaintext),
                                recipients: ["fernet"])
    }

    private func age() throws -> EncryptionRecord {
        let input = try inputPath.map { try InputFile.handle($0, what: "") } ?? FileHandle.standardInput
        let recipients: [String]
        switch operation {
        case .encrypt:
            let list = try ageRecipients()
            if let outputPath {
                try AgeEncryptor.encrypt(from: input, toFileAtPath: outputPath, recipients: list)
            } else {
                guard isatty(STDOUT_FILENO) == 0 else {
                    throw GreenlightError.invalidInput(
                        "refusing to write a binary age file to a terminal", parameter: .init("output", suggestion: "FILE or redirect standard output"))
                }
                try AgeEncryptor.encrypt(from: input, to: FileHandle.standardOutput, recipients: list)
            }
            recipients = list.map { $0 is AgeScryptRecipient ? "scrypt" : "x25519" }
        case .decrypt:
            let identities = try ageIdentities()
            if let outputPath {
                try AgeDecryptor.decrypt(from: input, toFileAtPath: outputPath, identities: identities)
            } else {
                try AgeDecryptor.decrypt(from: input, to: FileHandle.standardOutput, identities: identities)
            }
            recipients = [identities.first is AgeScryptIdentity ? "scrypt" : "x25519"]
        }
        // The plaintext's size, when it is a file: the input encrypted, the output decrypted.
        let plaintext = Self.size(operation == .encrypt ? inputPath : outputPath)
        return EncryptionRecord(operation: operation.rawValue, format: "age-v1", path: outputPath, plaintextBytes: plaintext, recipients: recipients)
    }

    private func ageRecipients() throws -> [any AgeRecipient] {
        switch key {
        case .agePassphraseFile(let path, let workFactor):
            [try AgeScryptRecipient(passphraseFileAtPath: path, workFactor: workFactor ?? AgeScryptRecipient.defaultWorkFactor)]
        case .ageRecipients(let keys): try keys.map { try AgeX25519Recipient($0) }
        default: throw GreenlightError.invalidInput("age encryption needs recipients or a passphrase file")
        }
    }

    private func ageIdentities() throws -> [any AgeIdentity] {
        switch key {
        case .agePassphraseFile(let path, _): [try AgeScryptIdentity(passphraseFileAtPath: path)]
        case .ageIdentityFiles(let paths): try paths.flatMap { try AgeX25519Identity.readIdentityFile(atPath: $0) }
        default: throw GreenlightError.invalidInput("age decryption needs identity files or a passphrase file")
        }
    }

    /// Size of a file, when it is one.
    static func size(_ path: String?) -> UInt64? {
        guard let path, let n = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber else { return nil }
        return n.uint64Value
    }
}

extension Fernet {
    /// The Fernet key in the file at `path` (surrounding white space ignored).
    ///
    /// - Throws: ``GreenlightError`` when the file cannot be read (with the system's reason) or holds no key.
    public init(keyFileAtPath path: String) throws {
        let data = try InputFile.contents(path, what: "the key file")
        try self.init(key: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
