public import Foundation
import GreenlightCore

extension AgeX25519Identity {
    /// Parses an identity file as `age-keygen` writes it: one `AGE-SECRET-KEY-1...` per line; lines starting
    /// with `#` and blank lines are ignored, as is whitespace around a line.
    ///
    /// - Parameters:
    ///   - contents: The file's text.
    /// - Returns: The identities, in file order; at least one.
    /// - Throws: ``GreenlightError`` naming the line number (never the line) when a line is not an identity, or
    ///   when there is none.
    public static func parseIdentityFile(_ contents: String) throws -> [AgeX25519Identity] {
        var identities: [AgeX25519Identity] = []
        for (i, rawLine) in contents.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            do {
                identities.append(try AgeX25519Identity(line))
            } catch let error as GreenlightError {
                throw GreenlightError.invalidInput("identity file line \(i + 1): \(error.message)")
            }
        }
        guard !identities.isEmpty else { throw GreenlightError.invalidInput("the identity file holds no AGE-SECRET-KEY-1... identity") }
        return identities
    }

    /// Reads an identity file; see ``parseIdentityFile(_:)``.
    ///
    /// - Parameters:
    ///   - path: The file.
    /// - Throws: ``GreenlightError`` when it cannot be read or holds no valid identity.
    public static func readIdentityFile(atPath path: String) throws -> [AgeX25519Identity] {
        let data = try InputFile.contents(path, what: "identity file")
        do {
            return try parseIdentityFile(String(decoding: data, as: UTF8.self))
        } catch let error as GreenlightError {
            throw GreenlightError.invalidInput("\(path): \(error.message)")
        }
    }

    /// The identity file text `age-keygen` writes: creation time, public key, secret key.
    ///
    /// ```
    /// # created: 2025-01-02T15:04:05+01:00
    /// # public key: age1...
    /// AGE-SECRET-KEY-1...
    /// ```
    ///
    /// - Parameters:
    ///   - created: The creation time, written in RFC 3339 in the local time zone.
    /// - Returns: The text, ending in a newline.
    public func identityFileContents(created: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone.current
        return "# created: \(formatter.string(from: created))\n# public key: \(recipient.string)\n\(string)\n"
    }

    /// Writes ``identityFileContents(created:)`` to a new file, atomically, with mode 0600.
    ///
    /// An existing file is never replaced: losing a secret key loses every file encrypted to it.
    ///
    /// - Parameters:
    ///   - path: The file to create.
    ///   - created: The creation time written in the file.
    /// - Throws: ``GreenlightError`` when the file exists or cannot be written (checked first); nothing is left behind.
    public func writeIdentityFile(toPath path: String, created: Date = Date()) throws {
        try OutputTarget.check(outputs: [path], reading: [])
        let text = Array(identityFileContents(created: created).utf8)
        try AgeAtomicOutput.write(toPath: path, mode: 0o600, overwrite: false) { try $0.write(text) }
    }
}
