import Foundation

/// Reads the data files shipped in `Sources/GreenlightCore/Resources` (copied as a folder by SwiftPM).
enum BundledResource {
    /// The contents of `Resources/<name>`.
    ///
    /// - Throws: ``GreenlightError`` when the file is missing from the bundle or unreadable.
    static func data(named name: String) throws -> Data {
        let url = URL(fileURLWithPath: name)
        let base = url.deletingPathExtension().lastPathComponent
        let ext = url.pathExtension
        guard let found = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Resources") else {
            throw GreenlightError.io("bundled resource Resources/\(name) is missing from \(Bundle.module.bundlePath)")
        }
        do {
            return try Data(contentsOf: found)
        } catch {
            throw GreenlightError.io("cannot read bundled resource \(found.path): \(error.localizedDescription)")
        }
    }

    /// Loads a bundled resource that the build guarantees; a failure is a packaging bug, not a user error.
    static func load<T>(_ name: String, _ parse: (Data) throws -> T) -> T {
        do {
            return try parse(data(named: name))
        } catch {
            fatalError("Greenlight's bundled data file Resources/\(name) could not be loaded (a packaging bug): \(error)")
        }
    }
}
