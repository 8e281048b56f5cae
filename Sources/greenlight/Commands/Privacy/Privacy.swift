import ArgumentParser

/// `greenlight privacy`: the Protect pillar's commands.
struct Privacy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Protect data: encrypt it (age, Fernet), find and remove PII, release tables k-anonymously, answer queries with differential privacy.",
        discussion: """
            Encryption: keygen, encrypt, decrypt (age: X25519 keys or a passphrase; Fernet)
            PII:        detect, evaluate (against labels), scan (CSV columns), anonymize
            Tables:     kanon (k-anonymity, l-diversity, t-closeness: measure or enforce)
            Queries:    dp (count, sum, mean with noise, charged to a privacy budget)
            Every command but keygen writes a privacy report with --json PATH.
            """,
        subcommands: [Keygen.self, Encrypt.self, Decrypt.self, Detect.self, Evaluate.self, Scan.self, Anonymize.self, KAnon.self, DP.self]
    )
}
