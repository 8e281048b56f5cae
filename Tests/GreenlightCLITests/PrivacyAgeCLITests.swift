import Foundation
import GreenlightTestSupport
import Testing

/// Spawns processes with their standard streams wired to files and pipes, and reports each one's peak memory.
enum AgeCLIProcess {
    struct Outcome {
        var status: Int32
        /// Peak resident set size, KiB (VmHWM polled while it ran; wait4's ru_maxrss would include the
        /// test process's own size, which exec carries over to the child).
        var maxRSSKiB: Int
    }

    /// Polls VmHWM in /proc/PID/status of some processes until stopped; the high-water mark only grows, so
    /// the last value read before exit is the peak up to then.
    final class PeakWatcher: @unchecked Sendable {
        private let lock = NSLock()
        private var peaks: [pid_t: Int] = [:]
        private var running = true
        private let thread: Thread

        init(_ pids: [pid_t]) {
            let box = Box()
            thread = Thread { box.watcher?.poll(pids) }
            box.watcher = self
            thread.start()
        }

        private final class Box: @unchecked Sendable { weak var watcher: PeakWatcher? }

        private func poll(_ pids: [pid_t]) {
            while lock.withLock({ running }) {
                for pid in pids {
                    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                          let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
                    else { continue }
                    lock.withLock { peaks[pid] = max(peaks[pid] ?? 0, kib) }
                }
                usleep(2_000)
            }
        }

        func stop() -> [pid_t: Int] {
            lock.withLock { running = false }
            return lock.withLock { peaks }
        }
    }

    static func spawn(_ argv: [String], stdin: Int32, stdout: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        let cargs = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, cargs, environ)
        guard rc == 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot spawn \(argv[0]): \(rc)"]) }
        return pid
    }

    static func wait(_ pid: pid_t, peaks: [pid_t: Int] = [:]) -> Outcome {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let exited = status & 0x7F == 0
        return Outcome(status: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), maxRSSKiB: peaks[pid] ?? -1)
    }

    /// A pipe whose ends are closed on exec (dup2 onto 0/1 clears that on the copy).
    static func pipe() -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        _ = Glibc.pipe(&fds)
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }
}

@Suite("greenlight privacy with age, end to end", .serialized)
struct PrivacyAgeCLITests {
    static func shell(_ command: String) throws -> TestSupport.Result {
        try TestSupport.run("/bin/sh", ["-c", command])
    }

    @Test("keygen --age prints an identity file as age-keygen does; -o writes it 0600 and never overwrites")
    func keygen() throws {
        let r = try CLI.run(["privacy", "keygen", "--age"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("# created: 20"))
        #expect(lines[1].hasPrefix("# public key: age1") && lines[1].count == "# public key: ".count + 62)
        #expect(lines[2].hasPrefix("AGE-SECRET-KEY-1") && lines[2].count == 74)

        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("key.txt").path
        let w = try CLI.run(["privacy", "keygen", "--age", "-o", path])
        #expect(w.status == 0, "\(w.stderr)")
        #expect(w.stdout.isEmpty)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let publicKey = try #require(text.split(separator: "\n").first { $0.hasPrefix("# public key: ") }).dropFirst("# public key: ".count)
        #expect(w.stderr.contains("Public key: \(publicKey)"))
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let again = try CLI.run(["privacy", "keygen", "--age", "-o", path])
        #expect(again.status != 0)
        #expect(again.stderr.contains("exists"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["key.txt"])

        let both = try CLI.run(["privacy", "keygen", "--age", "--fernet"])
        #expect(both.status != 0 && both.stderr.contains("--age or --fernet"))
        #expect(try CLI.run(["privacy", "keygen", "--fernet"]).stdout.count == 45)
    }

    @Test("encrypt -r (repeatable) and decrypt -I (repeatable): round trips through files and standard streams")
    func roundTrip() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let k1 = dir.appendingPathComponent("k1").path, k2 = dir.appendingPathComponent("k2").path
        #expect(try CLI.run(["privacy", "keygen", "--age", "-o", k1]).status == 0)
        #expect(try CLI.run(["privacy", "keygen", "--age", "-o", k2]).status == 0)
        func recipient(_ path: String) throws -> String {
            String(try #require(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("# public key: ") }).dropFirst(14))
        }
        let plain = dir.appendingPathComponent("plain.bin").path, enc = dir.appendingPathComponent("f.age").path
        let back = dir.appendingPathComponent("back.bin").path
        let bytes = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) })
        try bytes.write(to: URL(fileURLWithPath: plain))
        let e = try CLI.run(["privacy", "encrypt", "-r", try recipient(k1), "--recipient", try recipient(k2), "-i", plain, "-o", enc])
        #expect(e.status == 0, "\(e.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: enc)).starts(with: Data("age-encryption.org/v1\n".utf8)))
        for key in [k1, k2] {
            try? FileManager.default.removeItem(atPath: back)
            let d = try CLI.run(["privacy", "decrypt", "-I", key, "-i", enc, "-o", back])
            #expect(d.status == 0, "\(d.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: back)) == bytes)
        }
        // Standard input and output.
        let b = CLI.binary
        let s = try Self.shell("'\(b)' privacy encrypt -r \(try recipient(k1)) < '\(plain)' | '\(b)' privacy decrypt -I '\(k2)' -I '\(k1)' > '\(back)'")
        #expect(s.status == 0, "\(s.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: back)) == bytes)
    }

    @Test("passphrase files: round trip, and a wrong passphrase fails")
    func passphrase() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pass = dir.appendingPathComponent("pass").path, wrong = dir.appendingPathComponent("wrong").path
        try Data("s3cret phrase\n".utf8).write(to: URL(fileURLWithPath: pass))
        try Data("s3cret phrase!\n".utf8).write(to: URL(fileURLWithPath: wrong))
        let plain = dir.appendingPathComponent("plain").path, enc = dir.appendingPathComponent("p.age").path
        let back = dir.appendingPathComponent("back").path
        try Data("hello age\n".utf8).write(to: URL(fileURLWithPath: plain))
        let e = try CLI.run(["privacy", "encrypt", "--passphrase-file", pass, "--work-factor", "10", "-i", plain, "-o", enc])
        #expect(e.status == 0, "\(e.stderr)")
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: enc)).prefix(100), as: UTF8.self).contains("-> scrypt "))
        let bad = try CLI.run(["privacy", "decrypt", "--passphrase-file", wrong, "-i", enc, "-o", back])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("no identity matched"))
        #expect(!FileManager.default.fileExists(atPath: back))
        let d = try CLI.run(["privacy", "decrypt", "--passphrase-file", pass, "-i", enc, "-o", back])
        #expect(d.status == 0, "\(d.stderr)")
        #expect(try String(contentsOfFile: back, encoding: .utf8) == "hello age\n")
    }

    @Test("exactly one mode: clear errors for none, several, or options of another mode")
    func modes() throws {
        let r = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"
        let fernet = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
        for args in [["privacy", "encrypt"], ["privacy", "encrypt", "-r", r, "--fernet-key", fernet],
                     ["privacy", "encrypt", "-r", r, "--passphrase-file", "/dev/null"]] {
            let x = try CLI.run(args)
            #expect(x.status != 0)
            #expect(x.stderr.contains("choose one of -r/--recipient"), "\(x.stderr)")
        }
        for args in [["privacy", "decrypt"], ["privacy", "decrypt", "-I", "/x", "--fernet-key", fernet],
                     ["privacy", "decrypt", "-I", "/x", "--passphrase-file", "/y"]] {
            let x = try CLI.run(args)
            #expect(x.status != 0)
            #expect(x.stderr.contains("choose one of -I/--identity"), "\(x.stderr)")
        }
        let ttl = try CLI.run(["privacy", "decrypt", "-I", "/x", "--ttl", "5"])
        #expect(ttl.status != 0 && ttl.stderr.contains("--ttl applies to Fernet"))
        let wf = try CLI.run(["privacy", "encrypt", "-r", r, "--work-factor", "5"])
        #expect(wf.status != 0 && wf.stderr.contains("--work-factor applies to --passphrase-file"))
        let badRecipient = try CLI.run(["privacy", "encrypt", "-r", "age1nope", "-i", "/dev/null", "-o", "/tmp/never-\(UUID())"])
        #expect(badRecipient.status == 2 && badRecipient.stderr.contains("invalid age recipient"))
        let missing = try CLI.run(["privacy", "decrypt", "-I", "/nonexistent/key", "-i", "/dev/null", "-o", "/tmp/never-\(UUID())"])
        #expect(missing.status == 2 && missing.stderr.contains("cannot read identity file"))
    }

    @Test("decryption errors: clear message, exit 2, and no output file (wrong key, truncated, altered, trailing data)")
    func failures() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let k1 = dir.appendingPathComponent("k1").path, k2 = dir.appendingPathComponent("k2").path
        #expect(try CLI.run(["privacy", "keygen", "--age", "-o", k1]).status == 0)
        #expect(try CLI.run(["privacy", "keygen", "--age", "-o", k2]).status == 0)
        let r1 = String(try #require(try String(contentsOfFile: k1, encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("# public key: ") }).dropFirst(14))
        let plain = dir.appendingPathComponent("plain").path, enc = dir.appendingPathComponent("f.age").path
        try Data((0..<150_000).map { UInt8(truncatingIfNeeded: $0) }).write(to: URL(fileURLWithPath: plain))
        #expect(try CLI.run(["privacy", "encrypt", "-r", r1, "-i", plain, "-o", enc]).status == 0)
        let good = try Data(contentsOf: URL(fileURLWithPath: enc))
        let out = dir.appendingPathComponent("out").path

        let wrongKey = try CLI.run(["privacy", "decrypt", "-I", k2, "-i", enc, "-o", out])
        #expect(wrongKey.status == 2)
        #expect(wrongKey.stderr.contains("greenlight: error: no identity matched"))
        #expect(!FileManager.default.fileExists(atPath: out))

        var altered = good
        altered[good.count - 100] ^= 4
        let cases: [(String, Data)] = [("truncated", good.prefix(good.count - 1)), ("truncated at a chunk", good.prefix(good.count - 20_000)),
                                       ("altered", altered), ("trailing data", good + Data("x".utf8))]
        let bad = dir.appendingPathComponent("bad.age").path
        for (name, data) in cases {
            try data.write(to: URL(fileURLWithPath: bad))
            let r = try CLI.run(["privacy", "decrypt", "-I", k1, "-i", bad, "-o", out])
            #expect(r.status == 2, "\(name)")
            #expect(r.stderr.contains("age payload did not authenticate"), "\(name): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out), "\(name)")
        }
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["k1", "k2", "plain", "f.age", "bad.age"])
    }

    @Test("memory stays bounded: 256 MiB through encrypt | decrypt, each process under 32 MiB peak RSS")
    func boundedMemory() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = dir.appendingPathComponent("k").path
        #expect(try CLI.run(["privacy", "keygen", "--age", "-o", key]).status == 0)
        let recipient = String(try #require(try String(contentsOfFile: key, encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("# public key: ") }).dropFirst(14))
        let feed = AgeCLIProcess.pipe(), middle = AgeCLIProcess.pipe()
        let devNull = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(devNull) }
        let enc = try AgeCLIProcess.spawn([CLI.binary, "privacy", "encrypt", "-r", recipient], stdin: feed.read, stdout: middle.write)
        let dec = try AgeCLIProcess.spawn([CLI.binary, "privacy", "decrypt", "-I", key], stdin: middle.read, stdout: devNull)
        let watcher = AgeCLIProcess.PeakWatcher([enc, dec])
        close(feed.read)
        close(middle.read)
        close(middle.write)
        let total = 256 << 20
        let block = [UInt8](repeating: 0x5A, count: 1 << 20)
        var written = 0
        while written < total {
            let n = block.withUnsafeBytes { write(feed.write, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            written += n
        }
        close(feed.write)
        // Stop watching once both are zombies (their status file no longer has VmHWM).
        var info = siginfo_t()
        _ = waitid(P_PID, id_t(enc), &info, WEXITED | WNOWAIT)
        _ = waitid(P_PID, id_t(dec), &info, WEXITED | WNOWAIT)
        let peaks = watcher.stop()
        let e = AgeCLIProcess.wait(enc, peaks: peaks), d = AgeCLIProcess.wait(dec, peaks: peaks)
        #expect(e.maxRSSKiB > 0 && d.maxRSSKiB > 0)
        #expect(written == total)
        #expect(e.status == 0 && d.status == 0)
        print("greenlight privacy encrypt | decrypt of 256 MiB: peak RSS \(e.maxRSSKiB / 1024) MiB and \(d.maxRSSKiB / 1024) MiB")
        #expect(e.maxRSSKiB < 32 * 1024)
        #expect(d.maxRSSKiB < 32 * 1024)
    }

    @Test("the age tool decrypts what the CLI encrypts and the CLI decrypts what age encrypts")
    func ageInterop() throws {
        guard let age = TestSupport.which("age") else {
            if TestSupport.inCI { Issue.record("age is missing in CI: apt-get install -y age") } else { print("skipping CLI age interop: age is not installed") }
            return
        }
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = dir.appendingPathComponent("k").path
        #expect(try CLI.run(["privacy", "keygen", "--age", "-o", key]).status == 0)
        let recipient = String(try #require(try String(contentsOfFile: key, encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("# public key: ") }).dropFirst(14))
        let plain = dir.appendingPathComponent("plain").path
        let bytes = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        try bytes.write(to: URL(fileURLWithPath: plain))
        let ours = dir.appendingPathComponent("ours.age").path, theirs = dir.appendingPathComponent("theirs.age").path
        #expect(try CLI.run(["privacy", "encrypt", "-r", recipient, "-i", plain, "-o", ours]).status == 0)
        let back1 = dir.appendingPathComponent("b1").path, back2 = dir.appendingPathComponent("b2").path
        let d = try TestSupport.run(age, ["-d", "-i", key, "-o", back1, ours])
        #expect(d.status == 0, "\(d.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: back1)) == bytes)
        let e = try TestSupport.run(age, ["-r", recipient, "-o", theirs, plain])
        #expect(e.status == 0, "\(e.stderr)")
        let mine = try CLI.run(["privacy", "decrypt", "-I", key, "-i", theirs, "-o", back2])
        #expect(mine.status == 0, "\(mine.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: back2)) == bytes)
    }
}
