import ArgumentParser
import Foundation
import GreenlightCore
import GreenlightPrivacy

struct Privacy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encrypt and decrypt data (Fernet, compatible with Python cryptography).",
        subcommands: [Keygen.self, Encrypt.self, Decrypt.self]
    )

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a new random key.")

        @Flag(help: "A Fernet key: 32 url-safe base64-encoded bytes.")
        var fernet = false

        func validate() throws {
            guard fernet else { throw ValidationError("choose the kind of key: --fernet") }
        }

        func run() throws {
            print(Fernet.generateKey())
        }
    }

    struct Encrypt: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Encrypt data into a Fernet token (base64 text and a newline).")

        @OptionGroup var key: FernetKeyOptions
        @OptionGroup var io: PrivacyIOOptions

        func run() throws {
            do {
                let token = try key.fernet().encrypt(io.readInput())
                try io.writeOutput(Data((token + "\n").utf8))
            } catch {
                throw fail(error)
            }
        }
    }

    struct Decrypt: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify and decrypt a Fernet token.")

        @OptionGroup var key: FernetKeyOptions

        @Option(help: "Reject tokens older than this many seconds.")
        var ttl: Int?

        @OptionGroup var io: PrivacyIOOptions

        func validate() throws {
            if let ttl, ttl < 0 { throw ValidationError("--ttl must be ≥ 0 seconds") }
        }

        func run() throws {
            do {
                let text = String(decoding: try io.readInput(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                let data = try key.fernet().decrypt(text, ttl: ttl.map { .seconds($0) })
                try io.writeOutput(data)
            } catch {
                throw fail(error)
            }
        }
    }
}

/// The key, on the command line or (kept out of process listings) in a file.
struct FernetKeyOptions: ParsableArguments {
    @Option(name: .customLong("fernet-key"), help: "Fernet key (visible in process listings; prefer --fernet-key-file).")
    var keyText: String?

    @Option(name: .customLong("fernet-key-file"), help: "File holding the Fernet key.")
    var keyFile: String?

    func validate() throws {
        guard (keyText == nil) != (keyFile == nil) else { throw ValidationError("give one of --fernet-key, --fernet-key-file") }
    }

    func fernet() throws -> Fernet {
        if let keyText { return try Fernet(key: keyText) }
        let path = keyFile ?? ""
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GreenlightError.notFound("cannot read key file \(path)")
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
        guard let data = FileManager.default.contents(atPath: input) else {
            throw GreenlightError.notFound("cannot read \(input)")
        }
        return data
    }

    func writeOutput(_ data: Data) throws {
        if let output { try AtomicFile.write(data, to: output) } else { FileHandle.standardOutput.write(data) }
    }
}
