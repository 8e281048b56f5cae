import GreenlightPrivacy

extension EncryptOptions {
    /// The encryption to run: Fernet, or age to recipients or a passphrase.
    func resolve() -> EncryptionJob {
        let scheme: EncryptionJob.Key = key.key
            ?? age.passphraseFile.map { .agePassphraseFile($0, workFactor: age.workFactor) }
            ?? .ageRecipients(age.recipients)
        return EncryptionJob(operation: .encrypt, key: scheme, inputPath: io.input, outputPath: io.output, reportPath: io.json)
    }
}
