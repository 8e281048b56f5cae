import ArgumentParser
import GreenlightCore

extension LocationOptions {
    /// The location query the carbon database answers.
    func resolve() throws -> LocationQuery {
        if let intensity { return .explicit(CarbonIntensity(gramsPerKilowattHour: intensity)) }
        if let country { return .country(country, region: region) }
        if let cloud {
            let parts = cloud.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--cloud must be PROVIDER:REGION, e.g. gcp:europe-west1")
            }
            return .cloud(provider: parts[0], region: parts[1])
        }
        return .none
    }
}
