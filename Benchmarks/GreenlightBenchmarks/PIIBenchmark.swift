// PII detection and anonymization throughput, one thread (so MB/s per core). Usage (release build, figures
// go to docs/PRIVACY.md):
//
//   swift build -c release --product GreenlightBenchmarks
//   .build/release/GreenlightBenchmarks pii [--corpus ../shared/data/pii/notes-en_US.jsonl]
//       [--patients ../shared/data/pii/patients-en_US.csv] [--megabytes 32] [--runs 3] [--per-type]
//
// The free text is the notes corpus's texts, repeated to --megabytes; MB is 10^6 bytes of UTF-8 input.
import Foundation
import GreenlightCore
import GreenlightPrivacy

func runPIIBenchmark(_ arguments: [String]) {
    var corpus = "../shared/data/pii/notes-en_US.jsonl"
    var patients = "../shared/data/pii/patients-en_US.csv"
    var megabytes = 32.0
    var runs = 3
    var perType = false
    var args = arguments.makeIterator()
    while let a = args.next() {
        switch a {
        case "--corpus": corpus = args.next() ?? corpus
        case "--patients": patients = args.next() ?? patients
        case "--megabytes": megabytes = Double(args.next() ?? "") ?? megabytes
        case "--runs": runs = Int(args.next() ?? "") ?? runs
        case "--per-type": perType = true
        default: fatalError("unknown option \(a)")
        }
    }
    let (notes, texts, bytes) = loadTexts(corpus: corpus, megabytes: megabytes)
    let measure = PIIMeasure(runs: runs)
    print("PII benchmark, one thread, \(texts.count) notes (\(notes.count) distinct), \(PIIAnalyzer.version)")
    if perType { benchmarkPerType(texts, bytes: bytes, measure: measure) }
    benchmarkRegex(texts, measure: measure)
    let key = Fernet.generateKey()
    let replace = try! AnonymizerConfig(yaml: "entities: {DEFAULT: {operator: replace}}")
    benchmarkFreeText(texts, bytes: bytes, replace: replace, key: key, measure: measure)
    benchmarkFiles(texts, patients: patients, replace: replace, key: key, measure: measure)
}

/// The notes corpus's texts, and those texts repeated to `megabytes` MB with their size in bytes.
private func loadTexts(corpus: String, megabytes: Double) -> (notes: [String], texts: [String], bytes: Int) {
    guard let data = FileManager.default.contents(atPath: corpus) else { fatalError("cannot read \(corpus)") }
    let notes: [String] = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
        (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["text"] as? String
    }
    var texts: [String] = []
    var bytes = 0
    while Double(bytes) < megabytes * 1e6 {
        for t in notes {
            texts.append(t)
            bytes += t.utf8.count
        }
    }
    return (notes, texts, bytes)
}

/// Runs a body `runs` times over `bytes` bytes of input and prints the median and best rates.
private struct PIIMeasure {
    let runs: Int
    let clock = ContinuousClock()

    func run(_ label: String, bytes: Int, _ body: () throws -> Int) {
        var rates: [Double] = []
        var check = 0
        for _ in 0..<runs {
            let t0 = clock.now
            check = (try? body()) ?? -1
            let seconds = (clock.now - t0).seconds
            rates.append(Double(bytes) / seconds / 1e6)
        }
        rates.sort()
        print(String(format: "%@: %.1f MB/s median, %.1f best, over %.1f MB × %d runs (check %d)",
                     label, rates[rates.count / 2], rates.last!, Double(bytes) / 1e6, runs, check))
    }
}

/// Where the time goes: one recognizer at a time, and the per-call overhead.
private func benchmarkPerType(_ texts: [String], bytes: Int, measure: PIIMeasure) {
    // Where the time goes: one recognizer at a time.
    for type in PIIEntityType.allCases {
        let a = PIIAnalyzer(entities: [type])
        measure.run("detect \(type.rawValue) only", bytes: bytes) { texts.reduce(0) { $0 + a.analyze($1).count } }
    }
    let none = PIIAnalyzer(entities: [])
    measure.run("detect nothing (per-call overhead)", bytes: bytes) { texts.reduce(0) { $0 + none.analyze($1).count } }
}

/// Why the recognizers are hand-written: the e-mail pattern alone with Swift Regex, on a tenth of the text,
/// against the hand-written e-mail recognizer on the same tenth.
private func benchmarkRegex(_ texts: [String], measure: PIIMeasure) {
    let tenth = Array(texts.prefix(texts.count / 10))
    let tenthBytes = tenth.reduce(0) { $0 + $1.utf8.count }
    let email = try! Regex(#"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"#)
    measure.run("e-mail only, Swift Regex", bytes: tenthBytes) { tenth.reduce(0) { $0 + $1.matches(of: email).count } }
    let emailOnly = PIIAnalyzer(entities: [.emailAddress])
    measure.run("e-mail only, hand-written", bytes: tenthBytes) { tenth.reduce(0) { $0 + emailOnly.analyze($1).count } }
}

/// Detection and free-text anonymization, all in memory.
private func benchmarkFreeText(
    _ texts: [String], bytes: Int, replace: AnonymizerConfig, key: String, measure: PIIMeasure
) {
    let analyzer = PIIAnalyzer()
    measure.run("detect (analyze, all types)", bytes: bytes) {
        texts.reduce(0) { $0 + analyzer.analyze($1).count }
    }
    measure.run("detect (analyze, all but PERSON)", bytes: bytes) {
        let a = PIIAnalyzer(entities: Set(PIIEntityType.allCases).subtracting([.person]))
        return texts.reduce(0) { $0 + a.analyze($1).count }
    }
    measure.run("anonymize free text (replace)", bytes: bytes) {
        var a = try Anonymizer(config: replace)
        return try texts.reduce(0) { $0 + (try a.anonymizeText($1)).utf8.count }
    }
    let pseudonyms = try! AnonymizerConfig(yaml: "entities: {DEFAULT: {operator: pseudonymize}}")
    measure.run("anonymize free text (pseudonymize)", bytes: bytes) {
        var a = try Anonymizer(config: pseudonyms, key: key)
        return try texts.reduce(0) { $0 + (try a.anonymizeText($1)).utf8.count }
    }
}

/// End to end through files: JSON Lines (parse, anonymize, serialize) and the patients CSV (CSV.swift).
private func benchmarkFiles(
    _ texts: [String], patients: String, replace: AnonymizerConfig, key: String, measure: PIIMeasure
) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("greenlight-pii-bench-\(getpid())")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let jsonl = dir.appendingPathComponent("notes.jsonl").path
    var lines = Data()
    for (k, t) in texts.enumerated() {
        lines.append(try! JSONSerialization.data(withJSONObject: ["id": k, "text": t]))
        lines.append(0x0A)
    }
    guard FileManager.default.createFile(atPath: jsonl, contents: lines) else { fatalError("cannot write \(jsonl)") }
    measure.run("anonymize JSON Lines file (replace)", bytes: lines.count) {
        var a = try Anonymizer(config: replace)
        return try a.anonymizeFile(inputPath: jsonl, outputPath: dir.appendingPathComponent("out.jsonl").path).rows
    }
    if let size = (try? FileManager.default.attributesOfItem(atPath: patients))?[.size] as? Int {
        let config = try! AnonymizerConfig(yaml: """
            columns: {name: {operator: pseudonymize}, email: {operator: mask, chars: 6}, ssn: {operator: redact}, phone: {operator: replace}}
            """)
        measure.run("anonymize patients CSV (CSV.swift)", bytes: size) {
            var a = try Anonymizer(config: config, key: key)
            return try a.anonymizeFile(inputPath: patients, outputPath: dir.appendingPathComponent("out.csv").path).rows
        }
    }
}
