import ArgumentParser
import Foundation
import GreenlightCompress
import GreenlightCore
import GreenlightMeter
import GreenlightTensors
import GreenlightTestSupport
import Testing
@testable import greenlight

/// Flags parsed and resolved in-process, as swift-argument-parser's own tests do: fast, and the library
/// configuration a command would run with is checked directly. End-to-end tests that spawn the binary stay
/// for what only a process shows (exit codes through `main`, signals, stdout delivery).
@Suite("commands parse and resolve in-process")
struct CommandParseTests {
    /// The exit status the root would give for parsing `arguments`, or 0 when they parse.
    static func parseStatus(_ arguments: [String]) -> Int32 {
        do {
            _ = try Greenlight.parseAsRoot(arguments)
            return 0
        } catch {
            return ExitCodePolicy.standard.status(for: error)
        }
    }

    @Test func runResolvesToTheMeasurement() throws {
        let run = try #require(try Greenlight.parseAsRoot(
            ["run", "--interval", "0.5", "--rapl", "psys", "--no-gpu", "--intensity", "100", "--pue", "1.2",
             "--json", "r.json", "--timeline", "t.jsonl", "--", "python", "train.py"]) as? Run)
        let job = try run.options.resolve()
        #expect(job.command == ["python", "train.py"])
        #expect(job.configuration.interval == .milliseconds(500))
        #expect(job.configuration.rapl == .psys)
        #expect(!job.configuration.enableNVML && job.configuration.enableRAPL)
        #expect(job.configuration.pue == 1.2)
        #expect(job.outputs.jsonPath == "r.json" && job.timelinePath == "t.jsonl")
        let dram = try Run.parse(["--rapl-dram", "--", "true"])
        #expect(try dram.options.resolve().configuration.rapl == .packagesAndDRAM)
    }

    @Test("bad usage is 64 for every command, whichever check refuses it", arguments: [
        ["run"],
        ["run", "--interval", "0", "--", "true"],
        ["run", "--rapl", "sideways", "--", "true"],
        ["run", "--rapl-dram", "--rapl", "psys", "--", "true"],
        ["run", "--pue", "0.5", "--", "true"],
        ["run", "--intensity", "-1", "--", "true"],
        ["run", "--units", "3", "--", "true"],
        ["estimate", "--gpu", "H100"],
        ["estimate", "--gpu", "H100", "--hours", "1", "--precision", "fp12"],
        ["estimate", "--gpu", "H100", "--hours", "1", "--country", "DEU", "--cloud", "gcp:x"],
        ["hardware", "--cpu-tdp", "nan"],
        ["compress", "m.safetensors", "--prune", "foo"],
        ["compress", "m.safetensors", "--format", "foo"],
        ["compress", "m.safetensors", "--type", "q3_K"],
        ["compress", "m.safetensors", "--prune", "2:4", "--sparsity", "0.3"],
        ["inspect", "m.gguf", "--json"],
        ["run", "--stage", "pretraining", "--", "true"],
        ["run", "--tag", "team", "--", "true"],
        ["run", "--tag", "bad key=x", "--", "true"],
        ["estimate", "--gpu", "H100", "--hours", "1", "--tag", "a=1", "--tag", "a=2"],
        ["compress", "m.safetensors", "--model", ""],
    ])
    func badUsageIs64(_ arguments: [String]) {
        #expect(Self.parseStatus(arguments) == 64, "\(arguments)")
    }

    @Test func estimateResolvesToTheRequest() throws {
        let estimate = try Estimate.parse(["--gpu", "H100", "--count", "8", "--params", "7e9", "--tokens", "2e12",
                                           "--precision", "half", "--country", "FRA"])
        let request = try estimate.options.resolve()
        #expect(request.device == "H100" && request.count == 8)
        #expect(request.precision == .fp16)
        #expect(request.location == .country("FRA", region: nil))
        guard case .training(let n, let d) = request.work else { Issue.record("work \(request.work)"); return }
        #expect(n == 7e9 && d == 2e12)
    }

    @Test func compressResolvesToTheJob() throws {
        let compress = try Compress.parse(["dir/model.safetensors", "--type", "Q4_K", "--token-embedding-type", "q8_0",
                                           "--prune", "global", "--sparsity", "0.3", "--intensity", "50", "--threads", "2"])
        let job = try compress.options.resolve()
        #expect(job.options.policy.type == .q4_K && job.options.policy.tokenEmbeddingType == .q8_0)
        #expect(job.options.pruning == .globalMagnitude(sparsity: 0.3))
        #expect(job.options.format == .gguf && job.options.threads == 2)
        #expect(job.resolvedOutput == "dir-Q4_K.gguf")
        #expect(job.meter.location == .explicit(CarbonIntensity(gramsPerKilowattHour: 50)))
        let dry = try Compress.parse(["m.safetensors", "--prune", "2:4", "--format", "safetensors", "--type", "f32", "--dry-run"])
        let dryJob = try dry.options.resolve()
        #expect(dryJob.options.pruning == .twoFour && dryJob.options.format == .safetensors && dryJob.resolvedOutput == nil)
    }

    @Test func contextFlagsLandInTheReportContext() throws {
        let run = try Run.parse(["--stage", "fine-tuning", "--model", "llama-3-8b", "--task", "text-generation",
                                 "--tag", "team=nlp", "--tag", "cost-centre=a=b", "--", "true"])
        #expect(try run.options.resolve().configuration.context == ReportContext(
            stage: .fineTuning, model: "llama-3-8b", task: "text-generation", tags: ["team": "nlp", "cost-centre": "a=b"]))
        #expect(try Run.parse(["--", "true"]).options.resolve().configuration.context == nil)
        let estimate = try Estimate.parse(["--gpu", "H100", "--hours", "1", "--stage", "training"])
        #expect(try estimate.options.resolve().context == ReportContext(stage: .training))
        // compress states its own stage unless told otherwise.
        #expect(try Compress.parse(["m.safetensors"]).options.resolve().meter.context == ReportContext(stage: .compression))
        #expect(try Compress.parse(["m.safetensors", "--stage", "evaluation"]).options.resolve().meter.context?.stage == .evaluation)
        #expect(Run.helpMessage().contains("fine-tuning"))
    }

    @Test func inspectJSONIsAPath() throws {
        #expect(try Inspect.parse(["m.gguf", "--json", "out.json"]).options.json == "out.json")
        #expect(try Inspect.parse(["m.gguf"]).options.json == nil)
    }

    @Test func typedOptionsListTheirChoicesInHelp() {
        let help = Compress.helpMessage()
        for choice in ["magnitude", "global", "2:4", "gguf", "safetensors", "Q4_K", "Q8_0"] {
            #expect(help.contains(choice), "\(choice) in compress --help")
        }
        #expect(Estimate.helpMessage().contains("bf16"))
    }
}

@Suite("one exit-code policy, one error shape")
struct ExitCodePolicyTests {
    let policy = ExitCodePolicy.standard

    @Test func codesMapToStatuses() {
        #expect(policy.status(for: GreenlightError.invalidArgument("x", parameter: "pue")) == 64)
        #expect(policy.status(for: ValidationError("x")) == 64)
        #expect(policy.status(for: GreenlightError.requirementsNotMet("x")) == 1)
        for e in [GreenlightError.invalidInput("x"), .notFound("x"), .io("x"), .unsupported("x"), .undeliveredOutput("x")] {
            #expect(policy.status(for: e) == 2, "\(e.code)")
        }
        #expect(policy.status(for: ExitCode(7)) == 7)
        #expect(policy.status(for: SystemError(errno: ENOENT)) == 2, "anything else stopped the work: 2")
    }

    @Test func theCLINamesTheFlagLibrariesDoNot() {
        let range = GreenlightError.invalidArgument("the PUE must be a number ≥ 1.0 (got 0.5)", parameter: "pue")
        #expect(ErrorText.render(range) == "greenlight: error: --pue: the PUE must be a number ≥ 1.0 (got 0.5)")
        let utf8 = GreenlightError.invalidInput("notes.txt is not UTF-8", parameter: .init("encoding", suggestion: "latin1"))
        #expect(ErrorText.message(utf8) == "notes.txt is not UTF-8 (--encoding latin1)")
        let io = GreenlightError.io("cannot write out.json", cause: SystemError(errno: ENOSPC), remedy: "free some space")
        #expect(io.message == "cannot write out.json: \(String(cString: strerror(ENOSPC))); free some space")
        #expect((io.cause as? SystemError)?.code == ENOSPC)
    }

    /// Every parameter name a library gives an error has a flag to show: read from the sources, so a new
    /// parameter without a flag fails here rather than printing `--cpuTDP`.
    @Test func everyLibraryParameterHasAFlag() throws {
        let sources = TestSupport.repositoryRoot.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" && !$0.path.contains("/greenlight/") } ?? []
        let pattern = try Regex(#"parameter: (?:\.init\()?"([A-Za-z]+)""#)
        var names = Set<String>()
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: pattern) { if let name = match[1].substring { names.insert(String(name)) } }
        }
        #expect(!names.isEmpty)
        for name in names.sorted() { #expect(FlagNames.table[name] != nil, "parameter \(name) has no flag in FlagNames.table") }
    }
}
