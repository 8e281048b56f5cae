import Foundation
import GreenlightCore
import GreenlightPrivacy
import GreenlightTestSupport
import Testing

@Suite("k-anonymity: generalisation hierarchies")
struct KAnonymityHierarchyTests {
    @Test("dates: month, year, decade, *")
    func dates() throws {
        let h = GeneralizationHierarchy.date
        #expect(h.height == 4)
        #expect(try (0...4).map { try h.generalize("1984-03-12", level: $0) } == ["1984-03-12", "1984-03", "1984", "1980-1989", "*"])
        #expect((0...4).map(h.levelName) == ["none", "month", "year", "decade", "*"])
        #expect(throws: GreenlightError.invalidInput("'12/03/1984' is not a date YYYY-MM-DD")) { try h.generalize("12/03/1984", level: 1) }
    }

    @Test("zip codes: 5 → 4 → 3 → 2 → 1 digit prefixes → *")
    func zips() throws {
        let h = GeneralizationHierarchy.zip()
        #expect(h.height == 5)
        #expect(try (0...5).map { try h.generalize("47825", level: $0) } == ["47825", "4782*", "478**", "47***", "4****", "*"])
        #expect(h.levelName(2) == "3-digit prefix")
    }

    @Test("numbers: aligned ranges of growing width, then *")
    func numbers() throws {
        let h = try GeneralizationHierarchy.numeric(widths: [5, 10, 50])
        #expect(h.height == 4)
        #expect(try (0...4).map { try h.generalize("23", level: $0) } == ["23", "[20, 25)", "[20, 30)", "[0, 50)", "*"])
        #expect(try h.generalize("-3", level: 1) == "[-5, 0)")
        #expect(try h.generalize("2.5", level: 1) == "[0, 5)")
        #expect(h.levelName(2) == "ranges of width 10")
        #expect(throws: GreenlightError.self) { try h.generalize("abc", level: 1) }
        #expect(throws: GreenlightError.self) { try GeneralizationHierarchy.numeric(widths: [10, 5]) }
        #expect(throws: GreenlightError.self) { try GeneralizationHierarchy.numeric(widths: [0]) }
        // Span 0…100: base is the first of 1, 2, 5, 10 × 10ⁿ at least 100/32 = 3.125, i.e. 5; doubling to ≥ 100.
        let fitted = GeneralizationHierarchy.numeric(fitting: [0, 37, 100])
        #expect(fitted == (try GeneralizationHierarchy.numeric(widths: [5, 10, 20, 40, 80, 160])))
    }

    static let yaml = """
        birth_date: date
        zip: {zip: 5}
        visits: {numeric: [5, 10, 20]}
        bill: numeric
        diagnosis:
          categories:
            "*":
              respiratory: [flu, bronchitis, pneumonia]
              digestive:
                stomach: [gastritis, gastric ulcer]
                other: [stomach cancer]
        sex:
          categories:
            "*": [M, F]
        """

    @Test("YAML: every kind, and a category tree with leaves at different depths")
    func yamlHierarchies() throws {
        let hs = try GeneralizationHierarchy.hierarchies(yaml: Self.yaml)
        #expect(hs.count == 6)
        #expect(try #require(hs["birth_date"]) == .date)
        #expect(try #require(hs["zip"]) == .zip(digits: 5))
        #expect(try #require(hs["visits"]) == (try .numeric(widths: [5, 10, 20])))
        #expect(try #require(hs["bill"]) == nil)
        let diagnosis = try #require(hs["diagnosis"] ?? nil)
        #expect(diagnosis.height == 3)
        #expect(try (0...3).map { try diagnosis.generalize("gastritis", level: $0) } == ["gastritis", "stomach", "digestive", "*"])
        #expect(try (0...3).map { try diagnosis.generalize("flu", level: $0) } == ["flu", "respiratory", "*", "*"])
        #expect(throws: GreenlightError.invalidInput("'malaria' is not in the category hierarchy")) { try diagnosis.generalize("malaria", level: 1) }
        let sex = try #require(hs["sex"] ?? nil)
        #expect(sex.height == 1)
        #expect(try sex.generalize("F", level: 1) == "*")
    }

    @Test("YAML errors name the column")
    func yamlErrors() throws {
        #expect(throws: GreenlightError.invalidInput(
            "hierarchy for column zip: unknown hierarchy 'zipcode'; use date, zip, numeric, {numeric: [widths]} or {categories: tree}"
        )) { try GeneralizationHierarchy.hierarchies(yaml: "zip: zipcode") }
        #expect(throws: GreenlightError.self) { try GeneralizationHierarchy.hierarchies(yaml: "age: {numeric: [10, x]}") }
        #expect(throws: GreenlightError.self) { try GeneralizationHierarchy.hierarchies(yaml: "- a\n- b") }
        #expect(throws: GreenlightError.self) { try GeneralizationHierarchy.hierarchies(yaml: "s: {categories: {'*': [a, a]}}") }
    }

    @Test("inferred hierarchies: dates, zip by name, numbers, else * in one step")
    func inferred() {
        #expect(GeneralizationHierarchy.inferred(column: "birth_date", values: ["1984-03-12", "2001-12-31"]) == .date)
        #expect(GeneralizationHierarchy.inferred(column: "zip", values: ["47825", "03628"]) == .zip(digits: 5))
        #expect(GeneralizationHierarchy.inferred(column: "age", values: ["0", "100"]) == .numeric(fitting: [0, 100]))
        #expect(GeneralizationHierarchy.inferred(column: "sex", values: ["M", "F"]) == .suppressOnly)
    }
}
