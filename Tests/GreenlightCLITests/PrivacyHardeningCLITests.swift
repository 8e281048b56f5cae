import Foundation
import GreenlightCore
import GreenlightTestSupport
import Testing

/// Results that were not delivered, outputs checked before the work, outputs that are inputs, text encodings,
/// CSV defects, terminal escapes and signals, across every `privacy` command.
@Suite("greenlight privacy: delivery, preflight, encodings, escapes")
struct PrivacyHardeningCLITests {
    static let patients = TestSupport.sharedData.appendingPathComponent("pii/patients-en_US.csv").path
    static let notes = TestSupport.sharedData.appendingPathComponent("pii/notes-en_US.jsonl").path

    /// Runs greenlight through /bin/sh with `redirect` applied, e.g. `> /dev/full` or `>&-`.
    static func sh(_ args: [String], _ redirect: String) throws -> TestSupport.Result {
        try TestSupport.run("/bin/sh", ["-c", "exec \"$0\" \"$@\" \(redirect)", CLI.binary] + args)
    }

    static func fernetKey(in dir: URL) throws -> String {
        let key = dir.appendingPathComponent("fernet.key").path
        try CLI.run(["privacy", "keygen", "--fernet"]).stdout.write(toFile: key, atomically: true, encoding: .utf8)
        return key
    }

    @Test("a result printed to a full or closed stdout is an error; dp then charges nothing and writes no report")
    func undeliveredResults() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = try Self.fernetKey(in: dir)
        let plain = dir.appendingPathComponent("plain.txt").path
        try "secret\n".write(toFile: plain, atomically: true, encoding: .utf8)
        let token = dir.appendingPathComponent("token").path
        #expect(try CLI.run(["privacy", "encrypt", "--fernet-key-file", key, "-i", plain, "-o", token]).status == 0)
        let identity = dir.appendingPathComponent("id.txt").path
        #expect(try CLI.run(["privacy", "keygen", "--age", "-o", identity]).status == 0)
        let recipient = try #require(try String(contentsOfFile: identity, encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("# public key: ") }?.dropFirst("# public key: ".count))
        let commands: [[String]] = [
            ["privacy", "encrypt", "-r", String(recipient), "-i", plain],
            ["privacy", "keygen", "--fernet"],
            ["privacy", "keygen", "--age"],
            ["privacy", "encrypt", "--fernet-key-file", key, "-i", plain],
            ["privacy", "decrypt", "--fernet-key-file", key, "-i", token],
            ["privacy", "scan", Self.patients],
            ["privacy", "evaluate", Self.notes],
            ["privacy", "detect", Self.notes],
        ]
        for args in commands {
            for redirect in ["> /dev/full", ">&-"] {
                let r = try Self.sh(args, redirect)
                #expect(r.status == 2, "\(args) \(redirect): exit \(r.status)")
                #expect(r.stderr.contains("standard output"), "\(args) \(redirect): \(r.stderr)")
            }
        }
        // dp: no ledger before, none after; with a ledger, the same bytes after; never a report.
        let ledger = dir.appendingPathComponent("ledger.json"), json = dir.appendingPathComponent("dp.json")
        let dp = ["privacy", "dp", Self.patients, "--ledger", ledger.path, "--budget", "1", "--query", "count", "--epsilon", "0.1", "--json", json.path]
        let first = try Self.sh(dp, "> /dev/full")
        #expect(first.status == 2 && first.stderr.contains("No space left on device"), "\(first.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ledger.path) && !FileManager.default.fileExists(atPath: json.path))
        #expect(try CLI.run(dp).status == 0)
        let before = try Data(contentsOf: ledger)
        try FileManager.default.removeItem(at: json)
        for redirect in ["> /dev/full", ">&-"] {
            let r = try Self.sh(dp, redirect)
            #expect(r.status == 2, "\(redirect): \(r.stderr)")
            #expect(try Data(contentsOf: ledger) == before, "\(redirect): the undelivered answer was charged")
            #expect(!FileManager.default.fileExists(atPath: json.path))
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test("outputs that cannot be written are refused before any work: nothing written, nothing charged")
    func outputsCheckedFirst() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = try Self.fernetKey(in: dir)
        let plain = dir.appendingPathComponent("plain.txt").path
        try "secret\n".write(toFile: plain, atomically: true, encoding: .utf8)
        let identity = dir.appendingPathComponent("id.txt").path
        #expect(try CLI.run(["privacy", "keygen", "--age", "-o", identity]).status == 0)
        let recipient = try #require(try String(contentsOfFile: identity, encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("# public key: ") }?.dropFirst("# public key: ".count))
        let age = dir.appendingPathComponent("plain.age").path
        #expect(try CLI.run(["privacy", "encrypt", "-r", String(recipient), "-i", plain, "-o", age]).status == 0)
        let config = dir.appendingPathComponent("c.yaml").path
        try "columns:\n  name: {operator: redact}\n".write(toFile: config, atomically: true, encoding: .utf8)
        let good = dir.appendingPathComponent("good.out").path
        let ledger = dir.appendingPathComponent("ledger.json").path
        // A missing directory, a directory as the target, a directory that cannot be written (/proc).
        let bad = [dir.appendingPathComponent("missing/out").path, dir.path, "/proc/greenlight-out"]
        for target in bad {
            let cases: [[String]] = [
                ["privacy", "encrypt", "--fernet-key-file", key, "-i", plain, "-o", target],
                ["privacy", "encrypt", "--fernet-key-file", key, "-i", plain, "-o", good, "--json", target],
                ["privacy", "encrypt", "-r", String(recipient), "-i", plain, "-o", target],
                ["privacy", "decrypt", "-I", identity, "-i", age, "-o", good, "--json", target],
                ["privacy", "anonymize", Self.patients, "--config", config, "-o", good, "--json", target],
                ["privacy", "anonymize", Self.patients, "--config", config, "-o", target],
                ["privacy", "kanon", Self.patients, "--qi", "zip", "--k", "2", "-o", good, "--json", target],
                ["privacy", "detect", Self.notes, "-o", good, "--json", target],
                ["privacy", "scan", Self.patients, "--json", target],
                ["privacy", "dp", Self.patients, "--ledger", ledger, "--budget", "1", "--query", "count", "--epsilon", "0.1", "--json", target],
                ["privacy", "dp", Self.patients, "--ledger", target, "--budget", "1", "--query", "count", "--epsilon", "0.1"],
            ]
            for args in cases {
                let r = try CLI.run(args)
                #expect(r.status == 2, "\(args): exit \(r.status) \(r.stderr)")
                #expect(r.stderr.contains("cannot write"), "\(args): \(r.stderr)")
                #expect(r.stdout.isEmpty, "\(args): printed \(r.stdout)")
                #expect(!FileManager.default.fileExists(atPath: good), "\(args): did the work")
                #expect(!FileManager.default.fileExists(atPath: ledger), "\(args): charged ε")
            }
        }
    }

    @Test("an output that is an input (same inode: the name, a hard link, a symbolic link) is refused, the input intact")
    func outputIsInput() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = try Self.fernetKey(in: dir)
        let data = dir.appendingPathComponent("data.csv").path
        try FileManager.default.copyItem(atPath: Self.patients, toPath: data)
        let hard = dir.appendingPathComponent("hard.csv").path, soft = dir.appendingPathComponent("soft.csv").path
        try FileManager.default.linkItem(atPath: data, toPath: hard)
        try FileManager.default.createSymbolicLink(atPath: soft, withDestinationPath: data)
        let notes = dir.appendingPathComponent("notes.jsonl").path
        try FileManager.default.copyItem(atPath: Self.notes, toPath: notes)
        let config = dir.appendingPathComponent("c.yaml").path
        try "columns:\n  name: {operator: redact}\n".write(toFile: config, atomically: true, encoding: .utf8)
        let original = try Data(contentsOf: URL(fileURLWithPath: data))
        let out = dir.appendingPathComponent("out").path
        for alias in [data, hard, soft] {
            let cases: [[String]] = [
                ["privacy", "encrypt", "--fernet-key-file", key, "-i", data, "-o", alias],
                ["privacy", "encrypt", "--fernet-key-file", key, "-i", data, "-o", out, "--json", alias],
                ["privacy", "decrypt", "--fernet-key-file", key, "-i", data, "-o", alias],
                ["privacy", "encrypt", "--fernet-key-file", key, "-i", alias, "-o", key],
                ["privacy", "scan", data, "--json", alias],
                ["privacy", "anonymize", data, "--config", config, "-o", alias],
                ["privacy", "anonymize", data, "--config", config, "-o", out, "--json", alias],
                ["privacy", "kanon", data, "--qi", "zip", "--k", "2", "-o", alias],
                ["privacy", "kanon", data, "--qi", "zip", "--measure", "--json", alias],
                ["privacy", "dp", data, "--ledger", alias, "--budget", "1", "--query", "count", "--epsilon", "0.1"],
                ["privacy", "dp", data, "--ledger", out, "--budget", "1", "--query", "count", "--epsilon", "0.1", "--json", alias],
            ]
            for args in cases {
                let r = try CLI.run(args)
                #expect(r.status == 2, "\(args): exit \(r.status) \(r.stderr)")
                #expect(r.stderr.contains("is the same file as the input"), "\(args): \(r.stderr)")
                #expect(try Data(contentsOf: URL(fileURLWithPath: data)) == original, "\(args): the input changed")
                #expect(!FileManager.default.fileExists(atPath: out), "\(args)")
            }
        }
        let detect = try CLI.run(["privacy", "detect", notes, "-o", notes])
        #expect(detect.status == 2 && detect.stderr.contains("is the same file as the input"), "\(detect.stderr)")
        // Two outputs on one file, and stdout redirected onto the input.
        let twice = try CLI.run(["privacy", "encrypt", "--fernet-key-file", key, "-i", data, "-o", out, "--json", out])
        #expect(twice.status == 2 && twice.stderr.contains("the same file"), "\(twice.stderr)")
        let ontoInput = try Self.sh(["privacy", "detect", notes], ">> '\(notes)'")
        #expect(ontoInput.status == 2 && ontoInput.stderr.contains("standard output: it is the input"), "\(ontoInput.stderr)")
    }

    @Test("invalid UTF-8 is the same error, with line and column, in every command that reads text; --encoding latin1 transcodes")
    func encodings() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The review's file: line 11 holds Latin-1 bytes (José García).
        var lines = try Data(contentsOf: URL(fileURLWithPath: Self.patients)).split(separator: 0x0A, omittingEmptySubsequences: false).prefix(40).map { Array($0) }
        lines[10] = Array("10,Jos".utf8) + [0xE9] + Array(" Garc".utf8) + [0xED] + Array("a,jg@example.com,555-0100,123-45-6789,1980-01-01,47825,M,flu,1,10.00\r".utf8)
        let csv = dir.appendingPathComponent("latin1.csv")
        try Data(lines.joined(separator: [0x0A])).write(to: csv)
        let jsonl = dir.appendingPathComponent("latin1.jsonl")
        try Data(Array("{\"text\": \"ok\"}\n{\"text\": \"Jos".utf8) + [0xE9] + Array("\"}\n".utf8)).write(to: jsonl)
        let config = dir.appendingPathComponent("c.yaml").path
        try "columns:\n  name: {operator: redact}\n".write(toFile: config, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out.csv").path
        let csvMessage = "\(csv.path): line 11, column 7: invalid UTF-8 (bytes 0xE9 0x20 0x47 0x61)"
        let csvCommands: [[String]] = [
            ["privacy", "scan", csv.path],
            ["privacy", "anonymize", csv.path, "--config", config, "-o", out],
            ["privacy", "kanon", csv.path, "--qi", "zip", "--k", "1", "-o", out],
            ["privacy", "kanon", csv.path, "--qi", "zip", "--measure"],
            ["privacy", "dp", csv.path, "--ledger", dir.appendingPathComponent("l.json").path, "--budget", "1", "--query", "count", "--epsilon", "0.1"],
        ]
        for args in csvCommands {
            let r = try CLI.run(args)
            #expect(r.status == 2, "\(args): exit \(r.status)")
            #expect(r.stderr.contains(csvMessage) && r.stderr.contains("(--encoding latin1)"), "\(args): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        for command in ["detect", "evaluate"] {
            let r = try CLI.run(["privacy", command, jsonl.path])
            #expect(r.status == 2 && r.stderr.contains("\(jsonl.path): line 2, column 14: invalid UTF-8"), "\(command): \(r.stderr)")
        }
        let latin = try CLI.run(["privacy", "kanon", csv.path, "--qi", "zip", "--k", "1", "--keep", "name", "-o", out, "--encoding", "latin1"])
        #expect(latin.status == 0, "\(latin.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("José García"))
        let unknown = try CLI.run(["privacy", "scan", csv.path, "--encoding", "ebcdic"])
        // --encoding is an enum: the parser refuses the value (usage, 64) and lists the choices.
        #expect(unknown.status == 64 && unknown.stderr.contains("'ebcdic' is invalid for '--encoding") && unknown.stderr.contains("'latin1'"),
                "\(unknown.stderr)")
        // Direct identifiers the config leaves alone are warned about.
        let utf = dir.appendingPathComponent("utf8.csv").path
        try FileManager.default.copyItem(atPath: Self.patients, toPath: utf)
        let warned = try CLI.run(["privacy", "anonymize", utf, "--config", config, "-o", out])
        #expect(warned.status == 0 && warned.stderr.contains("warning: columns classified as direct identifiers have no operator in \(config) and are kept as they are: patient_id, email, phone, ssn"), "\(warned.stderr)")
        // A 0xFF in the last field of the file: an error, not a row silently dropped.
        let ff = dir.appendingPathComponent("ff.csv")
        try Data(Array("name,zip\nAda,1".utf8) + [0xFF]).write(to: ff)
        try FileManager.default.removeItem(atPath: out)
        let anon = try CLI.run(["privacy", "anonymize", ff.path, "--config", config, "-o", out])
        #expect(anon.status == 2 && anon.stderr.contains("line 2, column 6: invalid UTF-8 (bytes 0xFF)"), "\(anon.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("CSV defects are named: an unterminated quote says where it starts")
    func csvDefects() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("q.csv")
        let header = "patient_id,name,email,phone,ssn,birth_date,zip,sex,diagnosis,visits,bill"
        try "\(header)\n\"1,Ada,a@example.com,555,123-45-6789,1980-01-01,47825,F,flu,1,1\n2,Bob,b@example.com,555,123-45-6789,1980-01-01,47825,M,flu,1,1\n"
            .write(to: csv, atomically: true, encoding: .utf8)
        for args in [["privacy", "scan", csv.path], ["privacy", "kanon", csv.path, "--qi", "zip", "--measure"]] {
            let r = try CLI.run(args)
            #expect(r.status == 2 && r.stderr.contains("unterminated quoted field starting at line 2, column 1"), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("but the header has"))
        }
    }

    @Test("control characters from files are escaped in everything printed: scan's table, kanon's figures and errors")
    func escapes() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("esc.csv")
        let evil = "zip\u{1B}]0;pwned\u{07}\u{1B}[2J"
        try "\(evil),sex,n\u{0}ul\n1,F,a\n1,F,b\n".write(to: csv, atomically: true, encoding: .utf8)
        func clean(_ s: String) -> Bool { !s.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" } }
        let scan = try CLI.run(["privacy", "scan", csv.path])
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(clean(scan.stdout) && scan.stdout.contains("zip\\x1B]0;pwned\\x07\\x1B[2J ") && scan.stdout.contains("n\\0ul "), "\(scan.stdout)")
        let measure = try CLI.run(["privacy", "kanon", csv.path, "--qi", evil, "--measure"])
        #expect(measure.status == 0, "\(measure.stderr)")
        #expect(clean(measure.stderr) && measure.stderr.contains("\\x1B[2J"), "\(measure.stderr)")
        let unknown = try CLI.run(["privacy", "kanon", csv.path, "--qi", "nope", "--measure"])
        #expect(unknown.status == 2 && clean(unknown.stderr) && unknown.stderr.contains("the header is: zip\\x1B]0;"), "\(unknown.stderr)")
        let dp = try CLI.run(["privacy", "dp", csv.path, "--ledger", dir.appendingPathComponent("l.json").path, "--dataset", "d\u{1B}[2J",
                              "--budget", "1", "--query", "count", "--epsilon", "0.5"])
        #expect(dp.status == 0 && clean(dp.stderr) && dp.stderr.contains("budget of d\\x1B[2J"), "\(dp.stderr)")
        // A raw ESC in a JSON Lines record: what is wrong, said plainly, and not echoed.
        let jsonl = dir.appendingPathComponent("esc.jsonl")
        try "{\"text\":\"hi \u{1B}]0;pwn\u{07} bob@example.com\"}\n".write(to: jsonl, atomically: true, encoding: .utf8)
        for command in ["detect", "anonymize"] {
            var args = ["privacy", command, jsonl.path]
            if command == "anonymize" {
                let config = dir.appendingPathComponent("c.yaml").path
                try "columns: {}\n".write(toFile: config, atomically: true, encoding: .utf8)
                args += ["--config", config, "-o", dir.appendingPathComponent("o.jsonl").path]
            }
            let r = try CLI.run(args)
            #expect(r.status == 2 && clean(r.stderr) && r.stderr.contains(":1: not a JSON object: Unescaped control character"), "\(command): \(r.stderr)")
        }
    }

    @Test("SIGTERM during decrypt -o leaves no temporary file and no output, and exits non-zero")
    func decryptInterrupted() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let identity = dir.appendingPathComponent("id.txt").path
        #expect(try CLI.run(["privacy", "keygen", "--age", "-o", identity]).status == 0)
        let recipient = try #require(try String(contentsOfFile: identity, encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("# public key: ") }?.dropFirst("# public key: ".count))
        let big = dir.appendingPathComponent("big"), age = dir.appendingPathComponent("big.age").path
        // 300 MB: long enough for the signal to land mid-way.
        let chunk = Data(count: 1 << 20)
        #expect(FileManager.default.createFile(atPath: big.path, contents: nil))
        let handle = try FileHandle(forWritingTo: big)
        for _ in 0..<300 { try handle.write(contentsOf: chunk) }
        try handle.close()
        #expect(try CLI.run(["privacy", "encrypt", "-r", String(recipient), "-i", big.path, "-o", age]).status == 0)
        try FileManager.default.removeItem(at: big)
        let out = dir.appendingPathComponent("out").path
        // posix_spawn with SIGTERM at its default and unblocked: the test runner may ignore or block it, and
        // a child inherits both.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t(), empty = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGTERM)
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = [CLI.binary, "privacy", "decrypt", "-I", identity, "-i", age, "-o", out]
        let cargs = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var pid: pid_t = 0
        try #require(posix_spawn(&pid, CLI.binary, nil, &attr, cargs, environ) == 0)
        usleep(300_000)
        var status: Int32 = 0
        let finishedEarly = waitpid(pid, &status, WNOHANG) == pid
        #expect(!finishedEarly, "decrypt finished before the signal; make the input larger")
        kill(pid, SIGTERM)
        if !finishedEarly { _ = waitpid(pid, &status, 0) }
        // Killed by the signal (status & 0x7f is the signal), or an exit status other than 0.
        #expect((status & 0x7F) == SIGTERM || (status >> 8) & 0xFF != 0, "wait status \(status)")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(!names.contains { $0.hasPrefix(".out.tmp-") }, "\(names)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
