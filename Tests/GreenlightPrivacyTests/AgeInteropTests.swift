import Foundation
import GreenlightCore
import GreenlightPrivacy
import GreenlightTestSupport
import Testing

/// The reference `age` tool (Debian package `age`: `age`, `age-keygen`), required in CI.
enum AgeTool {
    /// The `age` binary, or nil after printing why the test is skipped (recording an issue in CI).
    static func find(_ name: String = "age", for test: String) -> String? {
        if let path = TestSupport.which(name) { return path }
        if TestSupport.inCI {
            Issue.record("\(name) is missing in CI: install the Debian package age (apt-get install -y age)")
        } else {
            print("skipping \(test): \(name) is not installed (apt-get install -y age)")
        }
        return nil
    }

    /// Drives `age` in a pseudo-terminal with Python's `pty` module, answering every passphrase prompt: age reads
    /// passphrases only from a terminal.
    static let ptyScript = """
        import os, pty, sys
        passphrase = sys.argv[1].encode()
        pid, fd = pty.fork()
        if pid == 0:
            os.execvp(sys.argv[2], sys.argv[2:])
        out = b''
        while True:
            try:
                data = os.read(fd, 1024)
            except OSError:
                break
            if not data:
                break
            out += data
            if b'passphrase' in data.lower():
                os.write(fd, passphrase + b'\\n')
        _, status = os.waitpid(pid, 0)
        sys.stderr.write(out.decode(errors='replace'))
        sys.exit(os.waitstatus_to_exitcode(status))
        """
}

@Suite("age interoperability with the age tool", .serialized)
struct AgeInteropTests {
    @Test("X25519 both ways: age decrypts ours, we decrypt age's, with keys from either side", arguments: [0, 1, 65536, 65537, 1_000_000])
    func x25519(size: Int) throws {
        guard let age = AgeTool.find(for: "X25519 interop"), let keygen = AgeTool.find("age-keygen", for: "X25519 interop") else { return }
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plaintext = agePseudoRandomBytes(size, seed: 77 &+ UInt64(size))
        let plain = dir.appendingPathComponent("plain").path
        try plaintext.write(to: URL(fileURLWithPath: plain))

        // (a) Our identity file; age encrypts to our recipient and decrypts our file with our identity file.
        let ours = AgeX25519Identity.generate()
        let ourKey = dir.appendingPathComponent("ours.txt").path
        try ours.writeIdentityFile(toPath: ourKey)
        let ourFile = dir.appendingPathComponent("ours.age").path
        try AgeEncryptor.encrypt(fileAtPath: plain, toFileAtPath: ourFile, recipients: [ours.recipient])
        let back1 = dir.appendingPathComponent("back1").path
        let d1 = try TestSupport.run(age, ["-d", "-i", ourKey, "-o", back1, ourFile])
        #expect(d1.status == 0, "age -d: \(d1.stderr)")
        #expect(try ageOutput(back1) == plaintext)

        // (b) age-keygen's identity; age encrypts, we decrypt.
        let theirKey = dir.appendingPathComponent("theirs.txt").path
        let k = try TestSupport.run(keygen, ["-o", theirKey])
        #expect(k.status == 0, "age-keygen: \(k.stderr)")
        let theirs = try AgeX25519Identity.readIdentityFile(atPath: theirKey)
        let ageFile = dir.appendingPathComponent("theirs.age").path
        let e = try TestSupport.run(age, ["-r", theirs[0].recipient.string, "-r", ours.recipient.string, "-o", ageFile, plain])
        #expect(e.status == 0, "age -r: \(e.stderr)")
        let back2 = dir.appendingPathComponent("back2").path
        try AgeDecryptor.decrypt(fileAtPath: ageFile, toFileAtPath: back2, identities: theirs)
        #expect(try Data(contentsOf: URL(fileURLWithPath: back2)) == plaintext)
        try FileManager.default.removeItem(atPath: back2)
        try AgeDecryptor.decrypt(fileAtPath: ageFile, toFileAtPath: back2, identities: [ours])
        #expect(try Data(contentsOf: URL(fileURLWithPath: back2)) == plaintext)

        // (c) Ours to several recipients, one of them age-keygen's: age decrypts with its own key.
        let multi = dir.appendingPathComponent("multi.age").path
        try AgeEncryptor.encrypt(fileAtPath: plain, toFileAtPath: multi, recipients: [AgeX25519Identity.generate().recipient, theirs[0].recipient])
        let back3 = dir.appendingPathComponent("back3").path
        let d3 = try TestSupport.run(age, ["-d", "-i", theirKey, "-o", back3, multi])
        #expect(d3.status == 0, "age -d: \(d3.stderr)")
        #expect(try ageOutput(back3) == plaintext)
    }

    @Test("age rejects our file when altered, as we reject age's")
    func tamperBothWays() throws {
        guard let age = AgeTool.find(for: "tamper interop") else { return }
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let id = AgeX25519Identity.generate()
        let key = dir.appendingPathComponent("key").path
        try id.writeIdentityFile(toPath: key)
        var file = try AgeEncryptor.encrypt(agePseudoRandomBytes(100_000), recipients: [id.recipient])
        file[file.count - 3] ^= 1
        let bad = dir.appendingPathComponent("bad.age")
        try file.write(to: bad)
        let r = try TestSupport.run(age, ["-d", "-i", key, "-o", dir.appendingPathComponent("out").path, bad.path])
        #expect(r.status != 0)

        let plain = dir.appendingPathComponent("p").path
        try agePseudoRandomBytes(100_000).write(to: URL(fileURLWithPath: plain))
        let theirs = dir.appendingPathComponent("theirs.age").path
        #expect(try TestSupport.run(age, ["-r", id.recipient.string, "-o", theirs, plain]).status == 0)
        var data = try Data(contentsOf: URL(fileURLWithPath: theirs))
        data[data.count - 3] ^= 1
        #expect(throws: GreenlightError.self) { try AgeDecryptor.decrypt(data, identities: [id]) }
    }

    @Test("passphrases both ways through a pseudo-terminal: age -d decrypts ours, we decrypt age -p's")
    func passphrase() throws {
        guard let age = AgeTool.find(for: "passphrase interop") else { return }
        guard let python = PythonOracle.module("pty") else { return }
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let passphrase = "Grüße, correct horse battery staple"
        let plaintext = agePseudoRandomBytes(150_000)
        let plain = dir.appendingPathComponent("plain").path
        try plaintext.write(to: URL(fileURLWithPath: plain))

        // Ours (work factor 12 to keep the test fast; age accepts up to 22) → age -d.
        let ours = dir.appendingPathComponent("ours.age").path
        try AgeEncryptor.encrypt(fileAtPath: plain, toFileAtPath: ours, recipients: [AgeScryptRecipient(passphrase: passphrase, workFactor: 12)])
        let back1 = dir.appendingPathComponent("back1").path
        let d = try TestSupport.run(python, ["-c", AgeTool.ptyScript, passphrase, age, "-d", "-o", back1, ours])
        #expect(d.status == 0, "age -d: \(d.stderr)")
        #expect(try ageOutput(back1) == plaintext)

        // age -p (its default work factor, 18) → ours.
        let theirs = dir.appendingPathComponent("theirs.age").path
        let e = try TestSupport.run(python, ["-c", AgeTool.ptyScript, passphrase, age, "-p", "-o", theirs, plain])
        #expect(e.status == 0, "age -p: \(e.stderr)")
        let header = String(decoding: try Data(contentsOf: URL(fileURLWithPath: theirs)).prefix(200), as: UTF8.self)
        #expect(header.contains("-> scrypt "))
        let back2 = dir.appendingPathComponent("back2").path
        try AgeDecryptor.decrypt(fileAtPath: theirs, toFileAtPath: back2, identities: [AgeScryptIdentity(passphrase: passphrase)])
        #expect(try Data(contentsOf: URL(fileURLWithPath: back2)) == plaintext)
        #expect(throws: AgeErrorMessages.noMatch) {
            try AgeDecryptor.decrypt(Data(contentsOf: URL(fileURLWithPath: theirs)), identities: [AgeScryptIdentity(passphrase: "wrong")])
        }
    }
}

/// The public messages, as a user sees them.
enum AgeErrorMessages {
    static let noMatch = GreenlightError.invalidInput("no identity matched any of the age file's recipients (wrong key or passphrase?)")
}

/// What `age -o PATH` wrote: age opens its output lazily, so an empty plaintext leaves no file at all.
private func ageOutput(_ path: String) throws -> Data {
    FileManager.default.fileExists(atPath: path) ? try Data(contentsOf: URL(fileURLWithPath: path)) : Data()
}
