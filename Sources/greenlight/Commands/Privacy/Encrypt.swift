import ArgumentParser
import GreenlightPrivacy

extension Privacy {
    /// `privacy encrypt`: an age file or a Fernet token.
    struct Encrypt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypt data into an age file (-r or --passphrase-file) or a Fernet token (base64 text and a newline).",
            discussion: """
                age files are binary and streamed in bounded memory; with -o they are written atomically. \
                They decrypt with `age -d` and with `greenlight privacy decrypt`.
                """
        )

        @OptionGroup var options: EncryptOptions

        func run() throws {
            try options.resolve().run()
        }
    }
}

/// `privacy encrypt`'s flags.
struct EncryptOptions: ParsableArguments {
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
}
