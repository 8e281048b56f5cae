import ArgumentParser
import GreenlightPrivacy

extension Privacy {
    /// `privacy decrypt`: an age file or a Fernet token back to plaintext.
    struct Decrypt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decrypt an age file (-I or --passphrase-file) or verify and decrypt a Fernet token.",
            discussion: """
                age: with -o, the plaintext file appears only once the whole file authenticated; on any error none is \
                left. To standard output, plaintext streams out chunk by chunk as each 64 KiB authenticates, so on an \
                error (exit status not 0) what was already written is incomplete and must be discarded.
                """
        )

        @OptionGroup var options: DecryptOptions

        func run() throws {
            try options.resolve().run()
        }
    }
}

/// `privacy decrypt`'s flags.
struct DecryptOptions: ParsableArguments {
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
}
