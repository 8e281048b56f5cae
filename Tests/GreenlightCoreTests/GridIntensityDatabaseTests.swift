import Foundation
import GreenlightCore
import GreenlightTestSupport
import Testing

/// The raw CodeCarbon files in ../shared, read independently of the generator.
private enum Raw {
    static let dir = TestSupport.sharedData.appendingPathComponent("reference/codecarbon")

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: dir.appendingPathComponent(name))
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func countryIntensity(_ iso3: String) throws -> (Double, Int) {
        let entry = try #require(try json("global_energy_mix.json")[iso3] as? [String: Any])
        return (try #require(entry["carbon_intensity"] as? Double), try #require(entry["year"] as? Int))
    }

    static func impactRow(provider: String, region: String) throws -> [String: String] {
        let text = try String(contentsOf: dir.appendingPathComponent("impact.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        let header = lines.removeFirst().replacingOccurrences(of: "\u{FEFF}", with: "").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for line in lines {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let row = Dictionary(uniqueKeysWithValues: zip(header, cells))
            if row["provider"] == provider && row["region"] == region { return row }
        }
        Issue.record("no \(provider) \(region) in impact.csv")
        return [:]
    }
}

@Suite struct GridIntensityDatabaseTests {
    let db = GridIntensityDatabase.bundled

    @Test func noLocationUsesWorldAverageWithWarning() throws {
        let r = try db.lookup(.none)
        #expect(r.intensity.value.gramsPerKilowattHour == 475)
        #expect(r.intensity.year == 2019)
        #expect(r.intensity.method.kind == .default)
        #expect(r.intensity.method.label == "default:world-average")
        #expect(r.intensity.method.detail?.contains("IEA") == true)
        let note = try #require(r.notes.first { $0.code == "default-intensity" })
        #expect(note.level == .warning)
        // The fix is the location setting; the library names it, the CLI prints its flags.
        #expect(note.parameter == "location")
        #expect(note.text(naming: { "--\($0)" }).hasSuffix("(--location)"))
        let raw = try Raw.json("carbon_intensity_per_source.json")
        #expect(r.intensity.value.gramsPerKilowattHour == (raw["world_average"] as? Double))
    }

    @Test(arguments: ["DEU", "FRA", "USA", "CHN", "IND"])
    func countryMatchesRawFile(_ iso3: String) throws {
        let (expected, year) = try Raw.countryIntensity(iso3)
        for spelling in [iso3, iso3.lowercased(), " \(iso3) "] {
            let r = try db.lookup(.country(spelling, region: nil))
            #expect(abs(r.intensity.value.gramsPerKilowattHour - expected) < 0.001)
            #expect(r.intensity.year == year)
            #expect(r.intensity.location.countryISO3 == iso3)
            #expect(r.intensity.method.label == "estimated:owid-ember")
            #expect(r.intensity.method.detail?.hasSuffix(", \(year)") == true)
            #expect(r.notes.isEmpty)
        }
    }

    @Test func germanyKnownValue() throws {
        let r = try db.lookup(.country("DEU", region: nil))
        #expect(r.intensity.value.gramsPerKilowattHour == 380.95)
        #expect(r.intensity.location.countryName == "Germany")
    }

    @Test(arguments: ["CA", "ca", "California", "CALIFORNIA", "california"])
    func usStateByCodeOrName(_ region: String) throws {
        let raw = try #require(try Raw.json("usa_emissions.json")["california"] as? [String: Any])
        let lbs = try #require(raw["emissions"] as? Double)
        let r = try db.lookup(.country("usa", region: region))
        #expect(abs(r.intensity.value.gramsPerKilowattHour - lbs * 453.59237 / 1000) < 0.001)
        #expect(abs(r.intensity.value.gramsPerKilowattHour - CarbonIntensity(poundsPerMegawattHour: lbs).gramsPerKilowattHour) < 0.001)
        #expect(r.intensity.year == 2023)
        #expect(r.intensity.method.label == "estimated:egrid2023")
        #expect(r.intensity.location.region == "California")
        #expect(r.intensity.location.countryISO3 == "USA")
    }

    @Test func gcpEuropeWest1MatchesImpactCSV() throws {
        let row = try Raw.impactRow(provider: "gcp", region: "europe-west1")
        let r = try db.lookup(.cloud(provider: "gcp", region: "europe-west1"))
        #expect(r.intensity.value.gramsPerKilowattHour == Double(try #require(row["impact"])))
        #expect(r.intensity.location.cloudProvider == "gcp")
        #expect(r.intensity.location.cloudRegion == "europe-west1")
        #expect(r.intensity.location.countryISO3 == "BEL")
        #expect(r.intensity.year == nil)
        #expect(r.intensity.method.label == "estimated:cloud-gcp")
        #expect(r.notes.contains { $0.code == "intensity-year-unknown" })
        // Case-insensitive provider and region.
        #expect(try db.lookup(.cloud(provider: "GCP", region: "Europe-West1")).intensity == r.intensity)
    }

    @Test func misspelledCloudRegionInSourceIsCorrected() throws {
        let r = try db.lookup(.cloud(provider: "gcp", region: "me-central1"))
        #expect(r.intensity.value.gramsPerKilowattHour == 575)
    }

    @Test(arguments: [("SWE", "SE3", 27.0), ("SWE", "se1", 25.9), ("NOR", "NO4", 51.7), ("FIN", "FI", 72.0)])
    func nordicZones(_ country: String, _ zone: String, _ expected: Double) throws {
        let r = try db.lookup(.country(country, region: zone))
        #expect(r.intensity.value.gramsPerKilowattHour == expected)
        #expect(r.intensity.year == 2025)
        #expect(r.intensity.location.region == zone.uppercased())
        #expect(r.intensity.method.label == "estimated:entsoe-nordic")
    }

    @Test func nordicLowerBoundIsNoted() throws {
        let r = try db.lookup(.country("SWE", region: "SE4"))
        #expect(r.notes.contains { $0.code == "intensity-lower-bound" })
    }

    @Test(arguments: ["Beijing", "beijing municipality", "CN-BJ", "bj"])
    func chineseProvince(_ region: String) throws {
        let r = try db.lookup(.country("CHN", region: region))
        #expect(r.intensity.value.gramsPerKilowattHour == 555.4)
        #expect(r.intensity.year == 2023)
        #expect(r.intensity.location.region == "Beijing")
        #expect(r.notes.contains { $0.code == "intensity-co2-only" })
    }

    @Test func canadianProvinceRecomputedFromRawMix() throws {
        let mix = try #require(try Raw.json("canada_energy_mix.json")["quebec"] as? [String: Double])
        let f = try Raw.json("carbon_intensity_per_source.json")
        func factor(_ k: String) -> Double { (f[k] as? Double) ?? Double(f[k] as? Int ?? 0) }
        let total = try #require(mix["total"])
        let expected = [
            ("coal", "coal"), ("naturalGas", "natural_gas"), ("petroleum", "petroleum"), ("nuclear", "nuclear"),
            ("hydro", "hydroelectricity"), ("wind", "wind"), ("solar", "solar"), ("biomass", "biomass"),
            ("tidal", "hydroelectricity"),
        ].reduce(0.0) { $0 + (mix[$1.0] ?? 0) / total * factor($1.1) }
        for spelling in ["Quebec", "QC", "quebec"] {
            let r = try db.lookup(.country("CAN", region: spelling))
            #expect(abs(r.intensity.value.gramsPerKilowattHour - expected) < 0.001)
            #expect(r.intensity.year == nil)
            #expect(r.intensity.method.label == "estimated:canada-mix")
            #expect(r.intensity.method.detail?.contains("year not stated") == true)
        }
    }

    @Test func explicitIntensity() throws {
        let r = try db.lookup(.explicit(CarbonIntensity(gramsPerKilowattHour: 123)))
        #expect(r.intensity.value.gramsPerKilowattHour == 123)
        #expect(r.intensity.method == Method(.user, "intensity", detail: "given by the user"))
        #expect(r.notes.isEmpty)
        #expect(throws: GreenlightError.self) { try db.lookup(.explicit(CarbonIntensity(gramsPerKilowattHour: -1))) }
        #expect(throws: GreenlightError.self) { try db.lookup(.explicit(CarbonIntensity(gramsPerKilowattHour: .nan))) }
    }

    @Test(arguments: [("GER", "DEU (Germany)"), ("Germany", "DEU (Germany)"), ("germny", "DEU (Germany)"), ("FRANCE", "FRA (France)")])
    func unknownCountrySuggests(_ input: String, _ suggestion: String) throws {
        // The suggestion is what the user acts on, so the message is checked for it.
        let error = try #require(expectCode(.notFound) { try db.lookup(.country(input, region: nil)) })
        #expect(error.message.contains(suggestion), "\(error.message)")
    }

    @Test func unknownRegionListsValidOnes() throws {
        // The suggested and listed regions are what the user acts on, so the message is checked for them.
        let error = try #require(expectCode(.notFound) { try db.lookup(.country("USA", region: "Califronia")) })
        #expect(error.message.contains("CA (California)"))
        #expect(error.message.contains("AK, AL"))
        let nordic = try #require(expectCode(.notFound) { try db.lookup(.country("SWE", region: "SE5")) })
        #expect(nordic.message.contains("SE1, SE2, SE3, SE4"))
        expectCode(.notFound) { try db.lookup(.country("DEU", region: "Bavaria")) }
    }

    @Test func unknownCloudSuggests() throws {
        // The suggestion is what the user acts on, so the message is checked for it.
        let region = try #require(expectCode(.notFound) { try db.lookup(.cloud(provider: "gcp", region: "europe-west33")) })
        #expect(region.message.contains("europe-west3"))
        let provider = try #require(expectCode(.notFound) { try db.lookup(.cloud(provider: "gpc", region: "us-east1")) })
        #expect(provider.message.contains("gcp"))
    }

    @Test func listings() {
        #expect(db.countries.count == 213)
        #expect(db.regions(ofCountry: "usa").count == 51)
        #expect(db.regions(ofCountry: "CAN").count == 13)
        #expect(db.regions(ofCountry: "DEU").isEmpty)
        #expect(db.cloudRegions(provider: "gcp").count == 40)
    }
}
