import GreenlightPrivacy

extension DecryptOptions {
    /// The decryption to run: Fernet (with its time to live), or age with identities or a passphrase.
    func resolve() -> EncryptionJob {
        let scheme: EncryptionJob.Key = key.key
            ?? age.passphraseFile.map { .agePassphraseFile($0) }
            ?? .ageIdentityFiles(age.identityFiles)
        return EncryptionJob(operation: .decrypt, key: scheme, inputPath: io.input, outputPath: io.output, reportPath: io.json,
                             ttl: ttl.map { .seconds($0) })
    }
}
