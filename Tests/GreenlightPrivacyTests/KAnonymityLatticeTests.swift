import Foundation
import GreenlightCore
import GreenlightPrivacy
import GreenlightTestSupport
import Testing

@Suite("k-anonymity: lattice search, suppression limit, loss")
struct KAnonymityLatticeTests {
    static let zips = try! CSVTable(header: ["id", "zip", "s"], rows: [
        ["1", "47801", "a"], ["2", "47802", "b"], ["3", "47803", "a"], ["4", "47804", "b"], ["5", "99999", "a"],
    ])

    @Test("the suppression limit decides between suppressing one row and generalising everything")
    func suppressionLimit() throws {
        // k = 2. Without suppression only zip level 5 (*) works: loss 1.
        // One row (20 %) may go: level 1 gives 4780* ×4 and 9999* ×1; suppressing 99999 leaves one class.
        // NCP: 4780* covers 4 of 5 distinct zips, (4 − 1)/(5 − 1) = 0.75 per cell; the suppressed row costs 1.
        // Loss = (4 · 0.75 + 1) / 5 = 0.8 < 1.
        let strict = try KAnonymity.anonymize(
            Self.zips, quasiIdentifiers: ["zip"], sensitive: nil, requirements: AnonymityRequirements(k: 2, suppressionLimit: 0.19))
        #expect(strict.levels == ["zip": 5])
        #expect(strict.summary.informationLoss.value == 1)
        #expect(strict.suppressedRows.isEmpty)
        #expect(strict.summary.kReached == 5)

        let loose = try KAnonymity.anonymize(
            Self.zips, quasiIdentifiers: ["zip"], sensitive: nil, requirements: AnonymityRequirements(k: 2, suppressionLimit: 0.2))
        #expect(loose.levels == ["zip": 1])
        #expect(loose.suppressedRows == [4])
        #expect(abs(loose.summary.informationLoss.value - 0.8) < 1e-12)
        #expect(loose.summary.suppressedRows == 1)
        #expect(loose.summary.kReached == 4)
        #expect(loose.summary.equivalenceClasses == 1)
        #expect(loose.summary.generalization == ["zip": "4-digit prefix"])
        #expect(loose.summary.informationLoss.method.source == "ncp-suppression-v1")
        let csv = String(decoding: try loose.csvData(dropping: ["id"]), as: UTF8.self)
        #expect(csv == "zip,s\n4780*,a\n4780*,b\n4780*,a\n4780*,b\n")
    }

    @Test("the least-loss node wins among incomparable qualifying nodes")
    func leastLoss() throws {
        let table = try CSVTable(header: ["age", "sex"], rows: [
            ["21", "M"], ["22", "M"], ["23", "F"], ["24", "F"], ["35", "M"], ["36", "F"],
        ])
        // k = 2, age ranges of width 10 then *, sex to * in one step (6 distinct ages, 2 sexes).
        // (age 1, sex 0): (20s,M) 2, (20s,F) 2, (30s,M) 1, (30s,F) 1 → fails without suppression.
        // (age 1, sex 1): 20s ×4, 30s ×2 → qualifies; age cells (4·3/5 + 2·1/5) = 2.8, sex 6 → 8.8/12 ≈ 0.733.
        // (age 2, sex 0): M ×3, F ×3 → qualifies; age 6, sex 0 → 6/12 = 0.5. The best.
        let hierarchies = ["age": try GeneralizationHierarchy.numeric(widths: [10])]
        let r = try KAnonymity.anonymize(
            table, quasiIdentifiers: ["age", "sex"], sensitive: nil, hierarchies: hierarchies,
            requirements: AnonymityRequirements(k: 2))
        #expect(r.levels == ["age": 2, "sex": 0])
        #expect(r.summary.informationLoss.value == 0.5)
        // With a third of the rows allowed to go, (age 1, sex 0) suppresses the two 30s rows:
        // (4 · 3/5 + 0 + 2 · 2) / 12 ≈ 0.533, still worse than 0.5.
        let r2 = try KAnonymity.anonymize(
            table, quasiIdentifiers: ["age", "sex"], sensitive: nil, hierarchies: hierarchies,
            requirements: AnonymityRequirements(k: 2, suppressionLimit: 0.34))
        #expect(r2.levels == ["age": 2, "sex": 0])
    }

    @Test("l and t are enforced too: classes failing them are generalised away")
    func lAndT() throws {
        let table = try CSVTable(header: ["zip", "d"], rows: [
            ["47801", "flu"], ["47801", "flu"], ["47802", "cold"], ["47802", "cold"],
        ])
        // k = 2 holds as is, but each class has one disease: l = 2 needs zip level 1 (one class).
        let k = try KAnonymity.anonymize(table, quasiIdentifiers: ["zip"], sensitive: "d", requirements: AnonymityRequirements(k: 2))
        #expect(k.levels == ["zip": 0])
        #expect(k.summary.lReached == 1)
        // EMD of {flu, flu} against ½ flu, ½ cold: ½(½ + ½) = 0.5.
        #expect(k.summary.tReached == 0.5)
        let l = try KAnonymity.anonymize(table, quasiIdentifiers: ["zip"], sensitive: "d", requirements: AnonymityRequirements(k: 2, l: 2))
        #expect(l.levels == ["zip": 1])
        #expect(l.summary.lReached == 2 && l.summary.lRequired == 2)
        let t = try KAnonymity.anonymize(table, quasiIdentifiers: ["zip"], sensitive: "d", requirements: AnonymityRequirements(k: 1, t: 0.4))
        #expect(t.levels == ["zip": 1])
        #expect(t.summary.tReached == 0)
        let e = try KAnonymity.anonymize(table, quasiIdentifiers: ["zip"], sensitive: "d", requirements: AnonymityRequirements(k: 1, entropyL: 2))
        #expect(e.levels == ["zip": 1])
        #expect(throws: GreenlightError.self) {
            try KAnonymity.anonymize(table, quasiIdentifiers: ["zip"], sensitive: nil, requirements: AnonymityRequirements(k: 1, l: 2))
        }
    }

    @Test("requirements are validated; an impossible k is a clear error")
    func invalid() throws {
        #expect(throws: GreenlightError.invalidInput("k must be at least 1, got 0")) { try AnonymityRequirements(k: 0) }
        #expect(throws: GreenlightError.self) { try AnonymityRequirements(k: 2, suppressionLimit: 1.5) }
        #expect(throws: GreenlightError.self) { try AnonymityRequirements(k: 2, t: -0.1) }
        #expect(throws: GreenlightError.self) {
            try KAnonymity.anonymize(Self.zips, quasiIdentifiers: ["zip"], sensitive: nil, requirements: AnonymityRequirements(k: 6))
        }
        let bad = try CSVTable(header: ["d"], rows: [["1984-01-01"], ["soon"]])
        #expect(throws: GreenlightError.invalidInput("line 3: column d: 'soon' is not a date YYYY-MM-DD")) {
            try KAnonymity.anonymize(bad, quasiIdentifiers: ["d"], sensitive: nil, hierarchies: ["d": .date],
                                     requirements: AnonymityRequirements(k: 2))
        }
    }

    @Test("the patients table reaches k = 5, l = 2 within 2 % suppression, checked again on the output")
    func patients() throws {
        let path = TestSupport.sharedData.appendingPathComponent("pii/patients-en_US.csv").path
        try #require(FileManager.default.fileExists(atPath: path), "missing \(path)")
        let table = try CSVTable(contentsOfFile: path)
        let qis = ["birth_date", "zip", "sex"]
        let r = try KAnonymity.anonymize(
            table, quasiIdentifiers: qis, sensitive: "diagnosis",
            requirements: AnonymityRequirements(k: 5, l: 2, suppressionLimit: 0.02))
        #expect(r.summary.rows == 5000)
        #expect(r.summary.kReached >= 5)
        #expect(r.summary.suppressedRows <= 100)
        #expect(r.summary.informationLoss.value > 0 && r.summary.informationLoss.value < 1)
        // Measure the released file independently of the search.
        let out = try CSVTable(csv: String(decoding: try r.csvData(dropping: ["patient_id", "name", "email", "phone", "ssn"]), as: UTF8.self))
        #expect(out.header == ["birth_date", "zip", "sex", "diagnosis", "visits", "bill"])
        #expect(out.rowCount == 5000 - r.summary.suppressedRows)
        let m = try KAnonymity.measure(out, quasiIdentifiers: qis, sensitive: "diagnosis")
        #expect(m.kReached == r.summary.kReached)
        #expect(m.lReached == r.summary.lReached)
        #expect(m.equivalenceClasses == r.summary.equivalenceClasses)
    }

    @Test("the release plan drops direct identifiers by default and says why; explicit choices win")
    func releasePlan() throws {
        let table = try CSVTable(header: ["name", "email", "zip", "city", "diagnosis", "note"], rows: (0..<20).map {
            ["Person \($0)", "p\($0)@example.com", "1234\($0 % 10)", "Town", "flu", "n\($0 % 3)"]
        })
        let plan = try ReleasePlan(table: table, quasiIdentifiers: ["zip"], sensitive: "diagnosis")
        #expect(plan.dropped == ["name", "email"])
        #expect(plan.droppedByDefault == ["name", "email"])
        let email = try #require(plan.columns.first { $0.name == "email" })
        #expect(email.classification == .directIdentifier && email.reason == "direct-identifier (values: 100% EMAIL_ADDRESS): dropped by default")
        #expect(plan.columns.map(\.operation) == [.drop, .drop, .generalize, .keep, .keep, .keep])
        #expect(plan.warnings.count == 1 && plan.warnings[0].hasPrefix("city looks like a quasi-identifier"))
        let chosen = try ReleasePlan(table: table, quasiIdentifiers: ["zip"], sensitive: nil, pseudonymize: ["name"], keep: ["email"])
        #expect(chosen.dropped.isEmpty && chosen.pseudonymized == ["name"])
        #expect(chosen.treatments.first { $0.column == "email" }?.reason?.hasSuffix("kept as asked") == true)
        #expect(throws: GreenlightError.invalidInput("column zip is given two roles: quasi-identifier and drop; give it one")) {
            try ReleasePlan(table: table, quasiIdentifiers: ["zip"], sensitive: nil, drop: ["zip"])
        }
    }
}
