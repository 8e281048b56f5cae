import ArgumentParser
import GreenlightCore
import GreenlightPrivacy
import Testing
@testable import greenlight

/// The privacy commands' flags, parsed and resolved in-process into the library's jobs.
@Suite("privacy commands parse and resolve in-process")
struct PrivacyParseTests {
    @Test func encryptAndDecryptResolveToTheirKeys() throws {
        let fernet = try Privacy.Encrypt.parse(["--fernet-key-file", "k", "-i", "in", "-o", "out", "--json", "r.json"]).options.resolve()
        #expect(fernet.operation == .encrypt && fernet.key == .fernetFile("k"))
        #expect(fernet.inputPath == "in" && fernet.outputPath == "out" && fernet.reportPath == "r.json")
        #expect(try Privacy.Encrypt.parse(["-r", "age1a", "-r", "age1b"]).options.resolve().key == .ageRecipients(["age1a", "age1b"]))
        #expect(try Privacy.Encrypt.parse(["--passphrase-file", "p", "--work-factor", "10"]).options.resolve().key
                == .agePassphraseFile("p", workFactor: 10))
        let decrypt = try Privacy.Decrypt.parse(["--fernet-key", "-abc", "--ttl", "600"]).options.resolve()
        #expect(decrypt.operation == .decrypt && decrypt.key == .fernet("-abc") && decrypt.ttl == .seconds(600))
        #expect(try Privacy.Decrypt.parse(["-I", "a", "-I", "b"]).options.resolve().key == .ageIdentityFiles(["a", "b"]))
    }

    @Test func kanonResolvesToAMeasureOrARelease() throws {
        let measure = try Privacy.KAnon.parse(["t.csv", "--qi", "zip, age", "--measure", "--k", "3"]).options.resolve()
        #expect(measure.release == nil && measure.quasiIdentifiers == ["zip", "age"] && measure.k == 3)
        let release = try Privacy.KAnon.parse(["t.csv", "--qi", "zip", "--k", "5", "-o", "o.csv", "--drop", "name,", "--keep", "email",
                                                "--pseudonymize", "id", "--key-file", "key", "--suppress", "0.1", "--encoding", "latin-1"])
            .options.resolve()
        #expect(release.release == KAnonymityJob.Release(outputPath: "o.csv", drop: ["name"], keep: ["email"], pseudonymize: ["id"],
                                                         keyFile: "key", suppressionLimit: 0.1))
        #expect(release.encoding == .latin1)
    }

    @Test func dpResolvesToTheQuery() throws {
        let job = try Privacy.DP.parse(["d.csv", "--query", "mean", "--column", "bill", "--lower", "-5", "--upper", "5", "--epsilon", "0.5",
                                        "--delta", "1e-6", "--mechanism", "gaussian", "--budget", "2", "--delta-budget", "1e-5"]).options.resolve()
        #expect(job.query == .mean(column: "bill") && job.mechanism == .gaussian)
        #expect(job.lower == -5 && job.upper == 5 && job.delta == 1e-6 && job.epsilonBudget == 2 && job.deltaBudget == 1e-5)
        #expect(job.ledgerPath == nil && job.dataset == nil)
        #expect(try Privacy.DP.parse(["d.csv", "--query", "count", "--epsilon", "1", "--budget", "1"]).options.resolve().mechanism == .laplace)
    }

    @Test func piiCommandsResolve() throws {
        let detect = try Privacy.Detect.parse(["r.jsonl", "--entities", "EMAIL_ADDRESS, PHONE_NUMBER", "--text-field", "body"]).options.resolve()
        #expect(detect.scanner.analyzer.entities == [.emailAddress, .phoneNumber] && detect.scanner.textField == "body" && detect.outputPath == nil)
        #expect(try Privacy.Evaluate.parse(["r.jsonl", "--score", "PERSON,EMAIL_ADDRESS"]).options.resolve().scoring == ["PERSON", "EMAIL_ADDRESS"])
        #expect(try Privacy.Scan.parse(["t.csv", "--sample", "10"]).options.resolve().sampleRows == 10)
        let anonymize = try Privacy.Anonymize.parse(["t.csv", "--config", "c.yaml", "-o", "o.csv"]).options.resolve()
        #expect(anonymize.configPath == "c.yaml" && anonymize.outputPath == "o.csv" && anonymize.encoding == .utf8)
        // An unknown entity type is bad data in a list the parser cannot check: the library's error.
        #expect(throws: GreenlightError.self) { try Privacy.Detect.parse(["r.jsonl", "--entities", "SHOE_SIZE"]).options.resolve() }
    }

    @Test("bad privacy usage is 64, whichever check refuses it", arguments: [
        ["privacy", "dp", "d.csv", "--query", "median", "--epsilon", "1", "--budget", "1"],
        ["privacy", "dp", "d.csv", "--query", "count", "--epsilon", "1", "--budget", "1", "--mechanism", "cauchy"],
        ["privacy", "dp", "d.csv", "--query", "sum", "--epsilon", "1", "--budget", "1"],
        ["privacy", "dp", "d.csv", "--query", "count", "--epsilon", "1", "--budget", "1", "--mechanism", "gaussian"],
        ["privacy", "scan", "t.csv", "--encoding", "ebcdic"],
        ["privacy", "scan", "t.csv", "--sample", "0"],
        ["privacy", "kanon", "t.csv", "--qi", "zip", "-o", "o.csv"],
        ["privacy", "kanon", "t.csv", "--qi", "zip", "--measure", "--drop", "name"],
        ["privacy", "encrypt", "--fernet-key", "k", "-r", "age1x"],
        ["privacy", "decrypt", "-I", "id", "--ttl", "5"],
        ["privacy", "keygen"],
    ])
    func badUsageIs64(_ arguments: [String]) {
        #expect(CommandParseTests.parseStatus(arguments) == 64, "\(arguments)")
    }

    @Test func helpSaysWhatTheGroupIsAndListsChoices() {
        let group = Privacy.helpMessage()
        #expect(group.contains("Protect data") && group.contains("kanon") && group.contains("dp"))
        let dp = Privacy.DP.helpMessage()
        for choice in ["count", "sum", "mean", "laplace", "gaussian", "utf-8", "latin1"] { #expect(dp.contains(choice), "\(choice) in dp --help") }
    }
}
