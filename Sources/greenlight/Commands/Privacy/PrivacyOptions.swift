import ArgumentParser
import Foundation
import GreenlightPrivacy

// Options shared by the privacy commands.

/// age recipients for `encrypt`: public keys or one passphrase.
struct AgeEncryptOptions: ParsableArguments {
    @Option(name: [.customShort("r"), .customLong("recipient")], help: "age: encrypt to this public key (age1...); repeat for several.")
    var recipients: [String] = []

    @Option(name: .customLong("passphrase-file"), help: "age: encrypt with the passphrase in this file (one trailing newline ignored), as age -p.")
    var passphraseFile: String?

    @Option(name: .customLong("work-factor"), help: "age: scrypt work factor for --passphrase-file, log2 N (default 18, as age).")
    var workFactor: Int?
}

/// age identities for `decrypt`: identity files or one passphrase.
struct AgeDecryptOptions: ParsableArguments {
    @Option(name: [.customShort("I"), .customLong("identity")], help: "age: identity file (AGE-SECRET-KEY-1... lines, as age-keygen writes); repeat for several.")
    var identityFiles: [String] = []

    @Option(name: .customLong("passphrase-file"), help: "age: decrypt with the passphrase in this file (one trailing newline ignored).")
    var passphraseFile: String?
}

/// The Fernet key, on the command line or (kept out of process listings) in a file.
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

    /// The library's key, when one is given.
    var key: EncryptionJob.Key? {
        if let keyText { return .fernet(keyText) }
        return keyFile.map { .fernetFile($0) }
    }
}

/// Input and output files, standard input and output by default.
struct PrivacyIOOptions: ParsableArguments {
    @Option(name: [.customShort("i"), .customLong("input")], help: "Read from this file (default: standard input).")
    var input: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write here, atomically (default: standard output).")
    var output: String?

    @Option(help: "Write a privacy report (kind privacy, privacy.encryption) here, atomically.")
    var json: String?
}

/// Which entity types to look for, and where.
struct EntityOptions: ParsableArguments {
    @Option(help: "Comma-separated entity types to detect (default: all), e.g. EMAIL_ADDRESS,PHONE_NUMBER.")
    var entities: String?

    @Option(name: .customLong("text-field"), help: "The record field holding the free text.")
    var textField: String = "text"

    /// The library's scanner for these options.
    func scanner() throws -> PIIRecordScanner {
        PIIRecordScanner(analyzer: try PIIAnalyzer(entityNames: entities.map(commaList)), textField: textField)
    }
}

/// How text inputs are decoded, the same for every command that reads CSV or JSON Lines.
struct EncodingOptions: ParsableArguments {
    @Option(name: .customLong("encoding"), help: "The input's text encoding: utf-8 (invalid UTF-8 is an error naming line and column) or latin1 (ISO-8859-1, transcoded).")
    var encoding: TextEncoding = .utf8
}

/// The names in a comma-separated list, trimmed, empty ones left out.
func commaList(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}
