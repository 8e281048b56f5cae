import ArgumentParser
import GreenlightCore
import GreenlightPrivacy

extension Privacy {
    /// `privacy keygen`: a new Fernet key or age identity.
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
            guard age else { return try writeOut(Fernet.generateKey() + "\n") }
            let identity = AgeX25519Identity.generate()
            guard let output else { return try writeOut(identity.identityFileContents()) }
            try identity.writeIdentityFile(toPath: output)
            printError("Public key: \(identity.recipient)")
        }
    }
}
