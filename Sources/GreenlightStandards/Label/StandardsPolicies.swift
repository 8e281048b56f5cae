public import GreenlightCore
import Foundation

/// What this module adds to `greenlight check`: the label metrics and the `builtin:energy-label` pack.
public enum StandardsPolicies {
    /// The report model's metrics and the energy label's.
    public static let catalogue: MetricCatalogue = {
        // The names differ from the report model's by construction (`label.*`); a test checks it.
        (try? MetricCatalogue.standard.adding(EnergyLabel.self)) ?? .standard
    }()

    /// The packs shipped here, by name.
    public static let packs: [String: String] = {
        var out: [String: String] = [:]
        for name in ["energy-label"] {
            guard let url = Bundle.module.url(forResource: name, withExtension: "yaml", subdirectory: "Resources/Packs"),
                  let text = try? String(contentsOf: url, encoding: .utf8)
            else { fatalError("Greenlight's bundled Resources/Packs/\(name).yaml could not be loaded (a packaging bug)") }
            out[name] = text
        }
        return out
    }()
}
