import Foundation
import GreenlightCore
import GreenlightTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hostile inputs and faults for the commands of the measure pillar (issue 10): no trap, no silent loss.
@Suite("hardening: run, estimate, hardware and the CLI root")
struct HardeningCLITests {
    @Test("non-finite and out-of-range numbers are usage errors, not traps", arguments: [
        ["run", "--interval", "nan", "--", "true"],
        ["run", "--interval", "inf", "--", "true"],
        ["run", "--interval", "1e12", "--", "true"],
        ["run", "--interval=-0.5", "--", "true"],
        ["run", "--cpu-tdp", "nan", "--", "true"],
        ["run", "--pue", "inf", "--", "true"],
        ["run", "--intensity", "nan", "--", "true"],
        ["run", "--embodied-kg", "1e300", "--", "true"],
        ["run", "--lifetime-years", "0", "--", "true"],
        ["run", "--machine-share", "2", "--", "true"],
        ["run", "--unit", "x", "--units", "nan", "--", "true"],
        ["hardware", "--cpu-tdp=-inf"],
        ["estimate", "--gpu", "H100", "--hours", "nan"],
        ["estimate", "--gpu", "H100", "--hours", "1e300"],
        ["estimate", "--gpu", "H100", "--count", "0", "--hours", "1"],
        ["estimate", "--gpu", "H100", "--flops", "1e3", "--mfu", "nan"],
        ["estimate", "--gpu", "H100", "--hours", "1", "--utilization", "1.5"],
        ["compress", "m.safetensors", "--threads", "0"],
        ["compress", "m.safetensors", "--threads", "100000000"],
        ["compress", "m.safetensors", "--prune", "magnitude", "--sparsity", "nan"],
    ])
    func numbersAreRangeChecked(arguments: [String]) throws {
        let r = try CLI.run(arguments)
        #expect(r.status == 64, "\(arguments): \(r.status) \(r.stderr)")
        #expect(r.stderr.contains("must be"), "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
    }

    @Test("frontier-scale plans give a report of years, not a trap", arguments: [
        ["--flops", "6e24"], ["--params", "7e10", "--tokens", "1.5e13"], ["--hours", "2.6e6"], ["--flops", "1e30"],
    ])
    func frontierEstimates(work: [String]) throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("plan.json")
        let r = try CLI.run(["estimate", "--quiet", "--gpu", "H100", "--json", json.path] + work)
        #expect(r.status == 0, "\(r.stderr)")
        let report = try CLI.report(at: json)
        let energy = try #require(report.energy)
        #expect(energy.host.total.joules.isFinite && energy.host.total.joules > 3.6e9 * 1000)  // > 1 GWh
        #expect(try schemaViolation(of: json) == nil)
    }

    @Test("a result printed to a full disk is an error (exit 2), not a silent exit 0")
    func fullStdout() throws {
        for command in ["$G hardware", "$G --help", "$G --version", "$G estimate --gpu H100 --hours 1 --json /dev/stdout"] {
            let r = try CLI.shell("\(command) > /dev/full")
            #expect(r.status == 2, "\(command): \(r.status) \(r.stderr)")
            #expect(!r.stderr.contains("Fatal error"), "\(command): \(r.stderr)")
        }
        let closed = try CLI.shell("$G hardware >&-")
        #expect(closed.status == 2, "\(closed.stderr)")
        #expect(closed.stderr.contains("standard output"))
    }

    @Test("run keeps the command's exit code with stderr closed or full, and with stdout closed")
    func runWithClosedStreams() throws {
        for (script, code) in [
            ("$G run -- true 2>&-", Int32(0)), ("$G run -- sh -c 'exit 3' 2>&-", 3),
            ("$G run -- sh -c 'exit 4' 2>/dev/full", 4), ("$G run -q -- sh -c 'exit 5' >&-", 5),
        ] {
            let r = try CLI.shell(script)
            #expect(r.status == code, "\(script): \(r.status) \(r.stderr)")
        }
    }

    @Test("a closed stderr is not taken over by the report file")
    func closedStderrDoesNotBecomeTheReport() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("run.json")
        let r = try CLI.shell("$G run --json '\(json.path)' -- true 2>&-")
        #expect(r.status == 0)
        // The summary would have gone into the report had the report's descriptor become 2.
        _ = try CLI.report(at: json)
    }

    @Test("an output that cannot be written is refused before the command runs", arguments: [
        "missing/run.json", "dir", "/dev/null", "ro/run.json",
    ])
    func outputsCheckedFirst(target: String) throws {
        let dir = try TestSupport.temporaryDirectory()
        defer {
            chmod(dir.appendingPathComponent("ro").path, 0o755)
            try? FileManager.default.removeItem(at: dir)
        }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("dir"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("ro"), withIntermediateDirectories: true)
        chmod(dir.appendingPathComponent("ro").path, 0o555)
        if target.hasPrefix("ro/"), getuid() == 0 { return }  // root writes anywhere: no read-only directory here
        let path = target.hasPrefix("/") ? target : dir.appendingPathComponent(target).path
        let marker = dir.appendingPathComponent("ran")
        for flag in ["--json", "--csv", "--timeline"] {
            let r = try CLI.run(["run", "-q", flag, path, "--", "/bin/sh", "-c", "touch '\(marker.path)'"])
            #expect(r.status == 2, "\(flag) \(target): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("cannot write"), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: marker.path), "the command ran although \(flag) \(target) cannot be written")
        }
    }

    @Test("a CSV that is not CodeCarbon's is refused before the command runs")
    func foreignCSVCheckedFirst() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("other.csv")
        try Data("a,b,c\n1,2,3\n".utf8).write(to: csv)
        let marker = dir.appendingPathComponent("ran")
        let r = try CLI.run(["run", "-q", "--csv", csv.path, "--", "/bin/sh", "-c", "touch '\(marker.path)'"])
        #expect(r.status == 2)
        #expect(!FileManager.default.fileExists(atPath: marker.path))
        #expect(try Data(contentsOf: csv) == Data("a,b,c\n1,2,3\n".utf8))
    }

    @Test("a report that cannot be written at the end goes to stderr, and the command's exit code stands")
    func lateReportFailure() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sub = dir.appendingPathComponent("gone")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        // The command removes the report's directory while it runs.
        let r = try CLI.run(["run", "-q", "--json", sub.appendingPathComponent("r.json").path, "--",
                             "/bin/sh", "-c", "rmdir '\(sub.path)'; exit 7"])
        #expect(r.status == 7, "\(r.stderr)")
        #expect(r.stderr.contains("the report follows"))
        #expect(r.stderr.contains("\"schema\" : \"greenlight-report\""))
    }

    @Test("a disk that fills mid-row leaves no partial CSV row")
    func csvRowWholeOrAbsent() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("emissions.csv")
        // Rows until the next one would cross a 512-byte block: RLIMIT_FSIZE at that block's end (sh's `ulimit -f`
        // counts 512-byte blocks) then cuts the next row's write(2) short, as a disk filling mid-row would.
        var before = Data()
        for _ in 0..<12 {
            let r = try CLI.run(["run", "-q", "--csv", csv.path, "--", "true"])
            #expect(r.status == 0)
            before = try Data(contentsOf: csv)
            if before.count % 512 > 400 { break }
        }
        #expect(before.count % 512 > 400)
        let blocks = before.count / 512 + 1
        let r = try CLI.shell("trap '' XFSZ; ulimit -f \(blocks) && exec $G run -q --csv '\(csv.path)' -- true")
        // The measurement stands (exit code of the command, report on stderr); the file is as it was.
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("cannot write"), "\(r.stderr)")
        #expect(try Data(contentsOf: csv) == before, "a partial row was left behind")
    }

    @Test("SIGTERM reaches the whole tree: no grandchild survives, and the report is written")
    func signalsReachTheTree() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("run.json")
        // A sleep length no other process uses marks the grandchildren.
        let tag = "30.\(UInt32.random(in: 100_000...999_999))"
        let script = "exec sleep \(tag)"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["run", "-q", "--json", json.path, "--", "/bin/sh", "-c",
                       "sh -c '\(script)' & sh -c '\(script)' & wait"]
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait until both grandchildren run.
        var count = 0
        for _ in 0..<100 where count < 2 {
            usleep(50_000)
            count = try pgrepCount(tag)
        }
        #expect(count == 2)
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationStatus == 143)
        var left = 2
        for _ in 0..<40 where left > 0 {
            usleep(50_000)
            left = try pgrepCount(tag)
        }
        #expect(left == 0, "grandchildren survived SIGTERM")
        let report = try CLI.report(at: json)
        #expect(report.notes.contains { $0.code == "child-signaled" })
        #expect(!report.notes.contains { $0.code == "tree-outlived-root" })
    }

    @Test("a daemon that outlives the command is reported; --wait-tree measures it to its end")
    func daemonsOutlivingTheRoot() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("run.json")
        let r = try CLI.run(["run", "-q", "--json", json.path, "--", "/bin/sh", "-c", "sleep 1 & exit 0"])
        #expect(r.status == 0)
        let report = try CLI.report(at: json)
        #expect(report.notes.contains { $0.code == "tree-outlived-root" && $0.parameter == "waitForTree" })
        #expect((report.run?.duration.seconds ?? 9) < 0.9)

        let waited = try CLI.run(["run", "-q", "--wait-tree", "--json", json.path, "--", "/bin/sh", "-c", "sleep 1 & exit 0"])
        #expect(waited.status == 0)
        let full = try CLI.report(at: json)
        #expect(!full.notes.contains { $0.code == "tree-outlived-root" })
        #expect(full.notes.contains { $0.code == "wait-tree" })
        #expect((full.run?.duration.seconds ?? 0) >= 0.95)
    }

    @Test("names from the command line or files reach the terminal with control characters escaped")
    func controlCharactersEscaped() throws {
        let hostile = "no-such-\u{1B}]0;pwned\u{07}-\u{1B}[2J"
        let r = try CLI.run(["run", "--", hostile])
        #expect(r.status == 127)
        #expect(!r.stderr.contains("\u{1B}") && !r.stderr.contains("\u{07}"), "\(r.stderr.debugDescription)")
        #expect(r.stderr.contains("\\x1B]0;pwned\\x07"))
        let csv = try CLI.run(["run", "-q", "--csv", "/tmp/\u{1B}[2J/x.csv", "--", "true"])
        #expect(csv.status == 2)
        #expect(!csv.stderr.contains("\u{1B}"))
    }

    /// Live processes running `sleep TAG` (zombies have an empty cmdline), read from /proc.
    private func pgrepCount(_ tag: String) throws -> Int {
        let entries = try FileManager.default.contentsOfDirectory(atPath: "/proc")
        return entries.filter { name in
            guard Int(name) != nil, let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { return false }
            let argv = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return argv.count == 2 && argv[0].hasSuffix("sleep") && argv[1] == tag
        }.count
    }
}
