import Foundation
import GreenlightCore
import GreenlightPrivacy
import GreenlightTestSupport
import Testing

@Suite("k-anonymity, l-diversity, t-closeness: measures on hand-checked tables")
struct KAnonymityMeasureTests {
    /// Li, Li, Venkatasubramanian 2007, Table 5 (their 0.167-close table): three classes of three rows.
    /// Salaries are in thousands; the class label stands in for the generalised zip and age.
    static let paperTable = """
        class,salary,disease
        A,3,gastric ulcer
        A,5,stomach cancer
        A,9,pneumonia
        B,6,gastritis
        B,11,flu
        B,8,bronchitis
        C,4,gastritis
        C,7,bronchitis
        C,10,stomach cancer
        """

    @Test("salary, ordered distance: max EMD 1/6 as in the paper; k = 3, distinct l = 3, entropy l = 3")
    func paperSalary() throws {
        let table = try CSVTable(csv: Self.paperTable)
        let s = try KAnonymity.measure(table, quasiIdentifiers: ["class"], sensitive: "salary")
        // Table: 9 salaries 3…11, q = 1/9 each, m = 9, EMD = Σ|cumulative (p − q)| / 8.
        // A {3,5,9}: p − q in ninths = +2,−1,+2,−1,−1,−1,+2,−1,−1; cumulative 2,1,3,2,1,0,2,1,0 → 12/9 / 8 = 1/6.
        // B {6,8,11}: −1,−1,−1,+2,−1,+2,−1,−1,+2; cumulative −1,−2,−3,−1,−2,0,−1,−2,0 → 12/9 / 8 = 1/6.
        // C {4,7,10}: −1,+2,−1,−1,+2,−1,−1,+2,−1; cumulative −1,1,0,−1,1,0,−1,1,0 → 6/9 / 8 = 1/12.
        #expect(abs(try #require(s.tReached) - 1.0 / 6) < 1e-12)
        #expect(s.kReached == 3)
        #expect(s.equivalenceClasses == 3)
        #expect(s.lReached == 3)
        // Three distinct values, one each: entropy ln 3, entropy l = 3.
        #expect(abs(try #require(s.entropyLReached) - 3) < 1e-12)
        #expect(s.suppressedRows == 0)
        #expect(s.informationLoss.value == 0)
        #expect(s.generalization == ["class": "none"])
    }

    @Test("disease, equal distance: max EMD 5/9")
    func paperDisease() throws {
        let table = try CSVTable(csv: Self.paperTable)
        let s = try KAnonymity.measure(table, quasiIdentifiers: ["class"], sensitive: "disease")
        // q: gastric ulcer 1/9, gastritis 2/9, stomach cancer 2/9, flu 1/9, bronchitis 2/9, pneumonia 1/9.
        // A {gastric ulcer, stomach cancer, pneumonia}, ninths |p − q| = 2,2,1,1,2,2 → ½ · 10/9 = 5/9.
        // B {gastritis, flu, bronchitis}: 1,1,2,2,1,1 → 4/9.  C {gastritis, bronchitis, stomach cancer}: all 1 → 3/9.
        #expect(abs(try #require(s.tReached) - 5.0 / 9) < 1e-12)
        #expect(s.lReached == 3)
    }

    @Test("{3k, 4k, 5k} against salaries 3k…11k: EMD 0.375 (the paper's motivating example)")
    func paperMotivating() throws {
        let rows = (3...11).map { ["\($0 <= 5 ? "low" : "high")", "\($0)"] }
        let table = try CSVTable(header: ["band", "salary"], rows: rows)
        let s = try KAnonymity.measure(table, quasiIdentifiers: ["band"], sensitive: "salary")
        // low: cumulative in ninths 2,4,6,5,4,3,2,1,0 → 27/9 / 8 = 0.375.
        // high {6…11}, p = 1/6: cumulative in 18ths −2,−4,−6,−5,−4,−3,−2,−1,0 → 27/18 / 8 = 0.1875.
        #expect(abs(try #require(s.tReached) - 0.375) < 1e-12)
        #expect(s.kReached == 3)
        #expect(s.lReached == 3)
    }

    @Test("entropy l of a skewed class: {a, a, b} gives exp(H) = 3 / 2^(2/3) ≈ 1.8899")
    func entropyL() throws {
        let table = try CSVTable(header: ["g", "s"], rows: [["x", "a"], ["x", "a"], ["x", "b"], ["y", "a"], ["y", "b"], ["y", "c"]])
        let s = try KAnonymity.measure(table, quasiIdentifiers: ["g"], sensitive: "s")
        // H = −(2/3 ln 2/3 + 1/3 ln 1/3) = ln 3 − (2/3) ln 2 ≈ 0.63651; exp ≈ 1.88988. Class y: 3.
        #expect(abs(try #require(s.entropyLReached) - 3 / pow(2, 2.0 / 3)) < 1e-12)
        #expect(s.lReached == 2)
        // Equal distance, q = (a 1/2, b 1/3, c 1/6). x: p = (2/3, 1/3, 0) → ½(1/6 + 0 + 1/6) = 1/6.
        // y: p = (1/3, 1/3, 1/3) → ½(1/6 + 0 + 1/6) = 1/6.
        #expect(abs(try #require(s.tReached) - 1.0 / 6) < 1e-12)
    }

    @Test("k over several quasi-identifiers, and k only without a sensitive column")
    func kOnly() throws {
        let table = try CSVTable(header: ["a", "b", "c"], rows: [
            ["1", "x", "p"], ["1", "x", "q"], ["1", "y", "p"], ["2", "y", "p"], ["2", "y", "q"], ["1", "x", "q"],
        ])
        let s = try KAnonymity.measure(table, quasiIdentifiers: ["a", "b"], sensitive: nil)
        // (1,x) ×3, (1,y) ×1, (2,y) ×2.
        #expect(s.kReached == 1)
        #expect(s.equivalenceClasses == 3)
        #expect(s.lReached == nil && s.tReached == nil && s.entropyLReached == nil)
    }

    @Test("an unknown column is named and the header listed")
    func unknownColumn() throws {
        let table = try CSVTable(header: ["a", "b"], rows: [["1", "2"]])
        #expect(throws: GreenlightError.invalidInput("unknown column zip; the header is: a,b")) {
            try KAnonymity.measure(table, quasiIdentifiers: ["zip"], sensitive: nil)
        }
        #expect(throws: GreenlightError.self) { try KAnonymity.measure(table, quasiIdentifiers: ["a"], sensitive: "a") }
    }

    @Test("a row with the wrong number of fields is reported with its line, counting quoted line breaks")
    func corruptRow() throws {
        #expect(throws: GreenlightError.invalidInput("t.csv: line 3: 1 field, but the header has 2 (a,b)")) {
            try CSVTable(csv: "a,b\n1,2\n3\n", name: "t.csv")
        }
        // The quoted field spans lines 2–3, so the short row is on line 4.
        #expect(throws: GreenlightError.invalidInput("t.csv: line 4: 3 fields, but the header has 2 (a,b)")) {
            try CSVTable(csv: "a,b\n\"x\ny\",2\n1,2,3\n", name: "t.csv")
        }
        let ok = try CSVTable(csv: "\u{FEFF}a,b\r\n\"x, \"\"y\"\"\",2\r\n")
        #expect(ok.header == ["a", "b"])
        #expect(ok.columns[0] == ["x, \"y\""])
        #expect(ok.rowCount == 1)
    }
}
