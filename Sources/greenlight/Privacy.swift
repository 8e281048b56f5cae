import ArgumentParser
import Foundation
import GreenlightCore
import GreenlightPrivacy

struct Privacy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encrypt and decrypt data: age files (X25519 keys or a passphrase) and Fernet tokens (Python cryptography).",
        subcommands: [Keygen.self, Encrypt.self, Decrypt.self, Detect.self, Evaluate.self, Scan.self, Anonymize.self, KAnon.self, DP.self]
    )

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a new random key.",
            discussion: "--age prints an identity file as age-keygen does; its `# public key:` line is the recipient to encrypt to."
        )

        @Flag(help: "A Fernet key: 32 url-safe base64-encoded bytes.")
        var fernet = false

        @Flag(help: "An age X25519 identity (AGE-SECRET-KEY-1...) with its public key (age1...) in a comment.")
        var age = false

        @Option(name: [.customShort("o"), .customLong("output")], help: "With --age: write the identity to this new file (mode 0600, never overwritten) and print the public key on stderr.")
        var output: String?

        func validate() throws {
            guard fernet != age else { throw ValidationError("choose the kind of key: --age or --fernet") }
            if output != nil, !age { throw ValidationError("-o/--output applies to --age") }
        }

        func run() throws {
            do {
                guard age else {
                    try writeOut(Fernet.generateKey() + "\n")
                    return
                }
                let identity = AgeX25519Identity.generate()
                guard let output else {
                    try writeOut(identity.identityFileContents())
                    return
                }
                try checkPrivacyOutputs([output], reading: [])
                try identity.writeIdentityFile(toPath: output)
                printError("Public key: \(identity.recipient)")
            } catch {
                throw error
            }
        }
    }

    struct Encrypt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypt data into an age file (-r or --passphrase-file) or a Fernet token (base64 text and a newline).",
            discussion: """
                age files are binary and streamed in bounded memory; with -o they are written atomically. \
                They decrypt with `age -d` and with `greenlight privacy decrypt`.
                """
        )

        @OptionGroup var key: FernetKeyOptions
        @OptionGroup var age: AgeEncryptOptions
        @OptionGroup var io: PrivacyIOOptions

        func validate() throws {
            let modes = [key.isGiven, !age.recipients.isEmpty, age.passphraseFile != nil].filter { $0 }.count
            guard modes == 1 else {
                throw ValidationError("choose one of -r/--recipient (age, repeatable), --passphrase-file (age), --fernet-key, --fernet-key-file")
            }
            if age.workFactor != nil, age.passphraseFile == nil { throw ValidationError("--work-factor applies to --passphrase-file") }
        }

        func run() throws {
            do {
                try io.checkOutputs(alsoReading: [key.keyFile, age.passphraseFile])
                if key.isGiven {
                    let plaintext = try io.readInput()
                    let token = try key.fernet().encrypt(plaintext)
                    try io.writeOutput(Data((token + "\n").utf8))
                    try io.writeReport(operation: "encrypt", format: "fernet", plaintextBytes: UInt64(plaintext.count), recipients: ["fernet"])
                    return
                }
                let recipients = try age.recipientList()
                let input = try io.inputHandle()
                if let output = io.output {
                    try AgeEncryptor.encrypt(from: input, toFileAtPath: output, recipients: recipients)
                } else {
                    guard isatty(STDOUT_FILENO) == 0 else {
                        throw GreenlightError.invalidInput("refusing to write a binary age file to a terminal; use -o FILE or redirect standard output")
                    }
                    try AgeEncryptor.encrypt(from: input, to: FileHandle.standardOutput, recipients: recipients)
                }
                try io.writeReport(operation: "encrypt", format: "age-v1", plaintextBytes: PrivacyIOOptions.size(io.input),
                                   recipients: age.passphraseFile != nil ? ["scrypt"] : age.recipients.map { _ in "x25519" })
            } catch {
                throw error
            }
        }
    }

    struct Decrypt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decrypt an age file (-I or --passphrase-file) or verify and decrypt a Fernet token.",
            discussion: """
                age: with -o, the plaintext file appears only once the whole file authenticated; on any error none is \
                left. To standard output, plaintext streams out chunk by chunk as each 64 KiB authenticates, so on an \
                error (exit status not 0) what was already written is incomplete and must be discarded.
                """
        )

        @OptionGroup var key: FernetKeyOptions

        @Option(help: "Fernet: reject tokens older than this many seconds.")
        var ttl: Int?

        @OptionGroup var age: AgeDecryptOptions
        @OptionGroup var io: PrivacyIOOptions

        func validate() throws {
            let modes = [key.isGiven, !age.identityFiles.isEmpty, age.passphraseFile != nil].filter { $0 }.count
            guard modes == 1 else {
                throw ValidationError("choose one of -I/--identity (age, repeatable), --passphrase-file (age), --fernet-key, --fernet-key-file")
            }
            if let ttl, ttl < 0 { throw ValidationError("--ttl must be ≥ 0 seconds") }
            if ttl != nil, !key.isGiven { throw ValidationError("--ttl applies to Fernet tokens") }
        }

        func run() throws {
            do {
                try io.checkOutputs(alsoReading: [key.keyFile, age.passphraseFile] + age.identityFiles)
                if key.isGiven {
                    let text = String(decoding: try io.readInput(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    let data = try key.fernet().decrypt(text, ttl: ttl.map { .seconds($0) })
                    try io.writeOutput(data)
                    try io.writeReport(operation: "decrypt", format: "fernet", plaintextBytes: UInt64(data.count), recipients: ["fernet"])
                    return
                }
                let identities = try age.identityList()
                let input = try io.inputHandle()
                if let output = io.output {
                    try AgeDecryptor.decrypt(from: input, toFileAtPath: output, identities: identities)
                } else {
                    try AgeDecryptor.decrypt(from: input, to: FileHandle.standardOutput, identities: identities)
                }
                try io.writeReport(operation: "decrypt", format: "age-v1", plaintextBytes: PrivacyIOOptions.size(io.output),
                                   recipients: age.passphraseFile != nil ? ["scrypt"] : ["x25519"])
            } catch {
                throw error
            }
        }
    }
}

/// age recipients for `encrypt`: public keys or one passphrase.
struct AgeEncryptOptions: ParsableArguments {
    @Option(name: [.customShort("r"), .customLong("recipient")], help: "age: encrypt to this public key (age1...); repeat for several.")
    var recipients: [String] = []

    @Option(name: .customLong("passphrase-file"), help: "age: encrypt with the passphrase in this file (one trailing newline ignored), as age -p.")
    var passphraseFile: String?

    @Option(name: .customLong("work-factor"), help: "age: scrypt work factor for --passphrase-file, log2 N (default 18, as age).")
    var workFactor: Int?

    func recipientList() throws -> [any AgeRecipient] {
        if let passphraseFile {
            return [try AgeScryptRecipient(passphraseFileAtPath: passphraseFile, workFactor: workFactor ?? AgeScryptRecipient.defaultWorkFactor)]
        }
        return try recipients.map { try AgeX25519Recipient($0) }
    }
}

/// age identities for `decrypt`: identity files or one passphrase.
struct AgeDecryptOptions: ParsableArguments {
    @Option(name: [.customShort("I"), .customLong("identity")], help: "age: identity file (AGE-SECRET-KEY-1... lines, as age-keygen writes); repeat for several.")
    var identityFiles: [String] = []

    @Option(name: .customLong("passphrase-file"), help: "age: decrypt with the passphrase in this file (one trailing newline ignored).")
    var passphraseFile: String?

    func identityList() throws -> [any AgeIdentity] {
        if let passphraseFile { return [try AgeScryptIdentity(passphraseFileAtPath: passphraseFile)] }
        return try identityFiles.flatMap { try AgeX25519Identity.readIdentityFile(atPath: $0) }
    }
}

/// The key, on the command line or (kept out of process listings) in a file.
struct FernetKeyOptions: ParsableArguments {
    // Unconditional: a base64url key may start with "-".
    @Option(name: .customLong("fernet-key"), parsing: .unconditional, help: "Fernet key (visible in process listings; prefer --fernet-key-file).")
    var keyText: String?

    @Option(name: .customLong("fernet-key-file"), help: "File holding the Fernet key.")
    var keyFile: String?

    var isGiven: Bool { keyText != nil || keyFile != nil }

    func validate() throws {
        guard keyText == nil || keyFile == nil else { throw ValidationError("give one of --fernet-key, --fernet-key-file") }
    }

    func fernet() throws -> Fernet {
        if let keyText { return try Fernet(key: keyText) }
        let path = keyFile ?? ""
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw GreenlightError.notFound("cannot read the key file \(path): \(reason(error))")
        }
        return try Fernet(key: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Input and output files, standard input and output by default.
struct PrivacyIOOptions: ParsableArguments {
    @Option(name: [.customShort("i"), .customLong("input")], help: "Read from this file (default: standard input).")
    var input: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write here, atomically (default: standard output).")
    var output: String?

    func readInput() throws -> Data {
        guard let input else { return FileHandle.standardInput.readDataToEndOfFile() }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: input))
        } catch {
            throw GreenlightError.notFound("cannot read \(input): \(reason(error))")
        }
    }

    /// The input as a handle for streaming (age).
    func inputHandle() throws -> FileHandle {
        guard let input else { return FileHandle.standardInput }
        let fd = open(input, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw GreenlightError.notFound("cannot read \(input): \(String(cString: strerror(errno)))") }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw GreenlightError.invalidInput("cannot read \(input): it is a directory")
        }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    /// Refuses, before any work, an output (-o, --json) that cannot be written or is one of the inputs.
    func checkOutputs(alsoReading others: [String?]) throws {
        try checkPrivacyOutputs([output, json], reading: [input] + others, stdout: output == nil)
    }

    @Option(help: "Write a privacy report (kind privacy, privacy.encryption) here, atomically.")
    var json: String?

    func writeOutput(_ data: Data) throws {
        if let output { try AtomicFile.write(data, to: output) } else { try writeResultBytes(data) }
    }

    /// Size of a file, when it is one.
    static func size(_ path: String?) -> UInt64? {
        guard let path, let n = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber else { return nil }
        return n.uint64Value
    }

    /// Writes the `--json` report of one file encrypted or decrypted.
    func writeReport(operation: String, format: String, plaintextBytes: UInt64?, recipients: [String]) throws {
        guard let json else { return }
        let record = EncryptionRecord(operation: operation, format: format, path: output, plaintextBytes: plaintextBytes, recipients: recipients)
        try AtomicFile.write(Report(kind: .privacy, privacy: PrivacySection(encryption: [record])).jsonData(), to: json)
    }
}
