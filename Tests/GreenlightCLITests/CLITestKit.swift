import Foundation
import GreenlightCore
import GreenlightTestSupport
import Testing

/// Runs the `greenlight` binary built beside the test bundle.
enum CLI {
    static let binary: String = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("greenlight").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        for config in ["debug", "release"] {
            let p = TestSupport.repositoryRoot.appendingPathComponent(".build/\(config)/greenlight").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return beside
    }()

    static func run(_ arguments: [String]) throws -> TestSupport.Result {
        try TestSupport.run(binary, arguments)
    }

    static func report(at url: URL) throws -> Report {
        try Report.decode(from: Data(contentsOf: url))
    }
}

/// Validates a JSON file against docs/report.schema.json with Python's `jsonschema`, the reference
/// implementation. Returns nil when valid, else the validator's message. Returns nil when Python or jsonschema
/// is missing (``PythonOracle`` records a failure in CI, which installs it).
func schemaViolation(of file: URL) throws -> String? {
    guard let python = PythonOracle.module("jsonschema") else { return nil }
    let schema = TestSupport.repositoryRoot.appendingPathComponent("docs/report.schema.json").path
    let script = """
        import json, sys, jsonschema
        jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))
        print("OK")
        """
    let r = try TestSupport.run(python, ["-c", script, schema, file.path])
    return r.status == 0 && r.stdout.contains("OK") ? nil : r.stderr
}

extension CLI {
    /// Runs `script` with `/bin/sh -c`, `$G` naming the greenlight binary: for redirections a test needs
    /// (`> /dev/full`, `2>&-`, `ulimit -f`).
    static func shell(_ script: String) throws -> TestSupport.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["G"] = binary
        return try TestSupport.run("/bin/sh", ["-c", script], environment: environment)
    }
}
