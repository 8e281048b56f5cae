import FuzzSupport
import GreenlightPrivacy

// Generalization hierarchies of `privacy kanon` from YAML (date, zip, numeric widths, category trees), and every
// hierarchy that loads used at each of its levels on a few values, as the k-anonymity search does.

let probes = ["2024-02-29", "12345", "42", "-7.5", "flu", "*", "", "respiratory", "1e308"]

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let yaml = String(decoding: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    guard let hierarchies = try? GeneralizationHierarchy.hierarchies(yaml: yaml) else { return 0 }
    for (_, h) in hierarchies {
        let hierarchy = h ?? GeneralizationHierarchy.numeric(fitting: [1, 5, 99, -3])
        let height = hierarchy.height
        precondition(height >= 0)
        for level in 0...min(height + 1, 64) {
            _ = hierarchy.levelName(level)
            for value in probes { _ = try? hierarchy.generalize(value, level: level) }
        }
    }
    return 0
}

writeSeedsIfRequested {
    [
        ("all", Array("""
        birth_date: date
        zip: zip
        zip3: {zip: 3}
        visits: {numeric: [5, 10, 20]}
        income: numeric
        diagnosis:
          categories:
            "*":
              respiratory: [flu, bronchitis, pneumonia]
              digestive: [gastritis, gastric ulcer, stomach cancer]

        """.utf8)),
        ("widths", Array("x: {numeric: [0.5, 1e300]}\n".utf8)),
        ("deep", Array("c: {categories: {\"*\": {a: {b: {c: [d, e]}}, f: [g]}}}\n".utf8)),
    ]
}

runLibFuzzer(testOneInput)
