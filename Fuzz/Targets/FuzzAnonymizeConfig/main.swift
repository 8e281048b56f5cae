import Foundation
import FuzzSupport
import GreenlightPrivacy

// The YAML config of `privacy anonymize` (AnonymizerConfig: Yams, then every key, operator and option), and a
// config that loads applied once: an Anonymizer with a fixed key running its operators over a value and a text.

let key = "dGhpcyBpcyBhIGZpeGVkIGZ1enogZmVybmV0IGtleSE="

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let yaml = String(decoding: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    guard let config = try? AnonymizerConfig(yaml: yaml, source: "fuzz.yaml", baseDirectory: "/nonexistent") else { return 0 }
    _ = (config.needsKey, config.detect.count)
    guard var anonymizer = try? Anonymizer(config: config, key: key) else { return 0 }
    for (name, op) in config.columns {
        _ = try? anonymizer.apply(op, to: "Ada Lovelace <ada@example.com> 555-0100", label: name)
        _ = try? anonymizer.apply(op, to: "", label: name)
    }
    _ = try? anonymizer.anonymizeText("Call Ada Lovelace at +1 202-555-0100 or ada@example.com, SSN 078-05-1120.")
    return 0
}

writeSeedsIfRequested {
    [
        ("full", Array("""
        key_file: secret.key
        text_field: text
        detect: [EMAIL_ADDRESS, PHONE_NUMBER, PERSON, US_SSN]
        columns:
          name:  {operator: pseudonymize, domain: person, length: 16}
          email: {operator: mask, char: "*", chars: 6, from_end: false}
          ssn:   {operator: redact}
          bill:  {operator: encrypt}
          notes: {operator: entities}
          age:   {operator: keep}
          city:  {operator: replace, value: "<CITY>"}
        entities:
          EMAIL_ADDRESS: {operator: replace, value: "<EMAIL>"}
          PERSON: {operator: pseudonymize, domain: person}
          PHONE_NUMBER: {operator: mask, chars: 4, from_end: true}
          DEFAULT: {operator: replace}

        """.utf8)),
        ("minimal", Array("columns:\n  email: redact\n".utf8)),
        ("anchors", Array("base: &b {operator: mask}\ncolumns:\n  a: *b\n  b: {<<: *b, chars: 2}\n".utf8)),
    ]
}

runLibFuzzer(testOneInput)
