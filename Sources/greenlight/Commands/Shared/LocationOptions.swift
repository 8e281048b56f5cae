import ArgumentParser

/// Where the electricity came from: `--country`/`--region`, `--cloud` or an explicit `--intensity`.
struct LocationOptions: ParsableArguments {
    @Option(help: "Country of the machine, ISO 3166-1 alpha-3 (e.g. DEU, USA, FRA).")
    var country: String?

    @Option(help: "Region within --country: US state (CA), Canadian or Chinese province, Nordic zone (SE3).")
    var region: String?

    @Option(help: "Cloud region as PROVIDER:REGION (e.g. gcp:europe-west1).")
    var cloud: String?

    @Option(help: "Grid carbon intensity in gCO2e/kWh, overriding any dataset.")
    var intensity: Double?

    func validate() throws {
        if let intensity { try checkRange("--intensity", intensity, 0...10_000, unit: "gCO2e/kWh") }
        let given = [country != nil, cloud != nil, intensity != nil].filter { $0 }.count
        guard given <= 1 else { throw ValidationError("give only one of --country, --cloud, --intensity") }
        if region != nil && country == nil { throw ValidationError("--region needs --country") }
    }
}
