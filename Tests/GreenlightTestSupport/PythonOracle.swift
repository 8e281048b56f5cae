import Foundation
import Synchronization
public import Testing

/// The Python reference implementations (gguf-py, jsonschema, pyca cryptography) that oracle tests run.
///
/// A test asks for `python3` with the modules its script imports. When Python or a module is missing the
/// oracle half is skipped with a printed reason, except in CI (`CI=true`, ``TestSupport/inCI``), where the
/// oracle must be there and a test failure is recorded instead.
public enum PythonOracle {
    /// `python3`, when it can import every one of `requirements`; otherwise nil, after printing why or, in CI,
    /// recording a test failure that says what to install.
    ///
    /// ```swift
    /// guard let python = PythonOracle.module("gguf", "numpy") else { return }
    /// ```
    ///
    /// - Parameters:
    ///   - requirements: Modules to import (`"gguf"`, `"cryptography.fernet"`); `"gguf==0.19.0"` also requires
    ///     that version of the distribution. None: just `python3`.
    ///   - sourceLocation: Where a failure in CI is reported.
    /// - Returns: The path of `python3`, or nil when the test should skip what needs the oracle.
    public static func module(_ requirements: String..., sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        let probe = probe(requirements)
        if let reason = probe.reason {
            let test = Test.current?.name ?? "this test"
            if TestSupport.inCI {
                Issue.record("Python oracle missing in CI (needed by \(test)): \(reason)", sourceLocation: sourceLocation)
            } else {
                print("skipping the Python oracle of \(test): \(reason)")
            }
        }
        return probe.python
    }

    /// Why `python3` cannot serve `requirements` (with the `pip install` that fixes it), or nil when it can.
    public static func unavailableReason(_ requirements: String...) -> String? { probe(requirements).reason }

    // Probed once per set of requirements: each probe starts a Python interpreter.
    private struct Probe: Sendable {
        var python: String?
        var reason: String?
    }

    private static let probes = Mutex<[[String]: Probe]>([:])

    // Versions the fixtures were generated with, for the install hint of a module asked for without one.
    private static let pinned = ["gguf": "gguf==0.19.0"]

    private static func probe(_ requirements: [String]) -> Probe {
        if let known = probes.withLock({ $0[requirements] }) { return known }
        let result = runProbe(requirements)
        probes.withLock { $0[requirements] = result }
        return result
    }

    private static func runProbe(_ requirements: [String]) -> Probe {
        guard let python = TestSupport.which("python3") else { return Probe(reason: "python3 is not on PATH") }
        guard !requirements.isEmpty else { return Probe(python: python) }
        let script = """
            import importlib, sys
            from importlib.metadata import version
            for requirement in sys.argv[1:]:
                name, _, wanted = requirement.partition("==")
                importlib.import_module(name)
                if wanted and version(name.split(".")[0]) != wanted:
                    sys.exit(f"{name.split('.')[0]} {version(name.split('.')[0])} is installed, not {wanted}")
            """
        let install = requirements.map { requirement in
            let parts = requirement.split(separator: "==", maxSplits: 1).map(String.init)
            let distribution = String(parts[0].split(separator: ".").first ?? "")
            return parts.count == 2 ? "\(distribution)==\(parts[1])" : pinned[distribution] ?? distribution
        }
        let hint = "pip install \(install.joined(separator: " "))"
        guard let result = try? TestSupport.run(python, ["-c", script] + requirements) else {
            return Probe(reason: "python3 could not be started; \(hint)")
        }
        guard result.status == 0 else {
            let why = result.stderr.split(separator: "\n").last.map(String.init) ?? "exit status \(result.status)"
            return Probe(reason: "\(why); \(hint)")
        }
        return Probe(python: python)
    }
}
