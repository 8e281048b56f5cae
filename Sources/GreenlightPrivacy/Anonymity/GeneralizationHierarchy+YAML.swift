import Foundation
import GreenlightCore
import Yams

extension GeneralizationHierarchy {
    /// Reads hierarchies from YAML: a mapping from column name to a hierarchy.
    ///
    /// A hierarchy is `date`, `zip` (optionally `{zip: 5}` for the digit count), `numeric` (widths fitted
    /// to the data), `{numeric: [5, 10, 20]}` (widths per level), or `{categories: TREE}`, where a tree is a
    /// mapping from a node to its children (a tree again or a list of values):
    ///
    /// ```yaml
    /// birth_date: date
    /// zip: zip
    /// visits: {numeric: [5, 10, 20]}
    /// diagnosis:
    ///   categories:
    ///     "*":
    ///       respiratory: [flu, bronchitis, pneumonia]
    ///       digestive: [gastritis, gastric ulcer, stomach cancer]
    /// ```
    ///
    /// `numeric` without widths is returned as `nil` for the caller to fit with ``numeric(fitting:)``.
    ///
    /// - Parameter yaml: The file's text.
    /// - Returns: Hierarchies by column; `nil` values ask for one fitted to the data.
    /// - Throws: ``GreenlightError`` naming the column whose entry is malformed.
    /// Reads the hierarchies file at `path` for `table`: each `numeric` without widths is fitted to its column.
    ///
    /// - Throws: ``GreenlightError`` when the file cannot be read (with the system's reason), is malformed
    ///   (naming the file and the column), or names a column the table lacks.
    public static func hierarchies(fileAtPath path: String, for table: CSVTable) throws -> [String: GeneralizationHierarchy] {
        let data = try InputFile.contents(path, what: "the hierarchy file")
        let parsed: [String: GeneralizationHierarchy?]
        do {
            parsed = try hierarchies(yaml: String(decoding: data, as: UTF8.self))
        } catch let error as GreenlightError {
            throw error.prefixed("\(path): ")
        }
        var result: [String: GeneralizationHierarchy] = [:]
        for (column, hierarchy) in parsed {
            let values = table.columns[try table.columnIndex(column)]
            result[column] = hierarchy ?? .numeric(fitting: values.compactMap { Double($0) })
        }
        return result
    }

    public static func hierarchies(yaml: String) throws -> [String: GeneralizationHierarchy?] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw GreenlightError.invalidInput("hierarchy file is not valid YAML: \(error)")
        }
        guard let root else { return [:] }
        guard let mapping = root.mapping else {
            throw GreenlightError.invalidInput("hierarchy file must map column names to hierarchies")
        }
        var result: [String: GeneralizationHierarchy?] = [:]
        for (key, value) in mapping {
            guard let column = key.string else { throw GreenlightError.invalidInput("hierarchy file: column names must be text") }
            do {
                result[column] = try hierarchy(value)
            } catch let error as GreenlightError {
                throw GreenlightError.invalidInput("hierarchy for column \(column): \(error.message)")
            }
        }
        return result
    }

    private static func hierarchy(_ node: Node) throws -> GeneralizationHierarchy? {
        if let name = node.string {
            switch name {
            case "date": return .date
            case "zip": return .zip()
            case "numeric": return nil
            default: throw GreenlightError.invalidInput("unknown hierarchy '\(name)'; use date, zip, numeric, {numeric: [widths]} or {categories: tree}")
            }
        }
        guard let mapping = node.mapping, mapping.count == 1, let (key, value) = mapping.first.map({ ($0.key, $0.value) }) else {
            throw GreenlightError.invalidInput("expected date, zip, numeric, {zip: digits}, {numeric: [widths]} or {categories: tree}")
        }
        switch key.string {
        case "zip":
            guard let digits = value.int, digits > 0 else { throw GreenlightError.invalidInput("zip takes a positive digit count") }
            return .zip(digits: digits)
        case "numeric":
            guard let list = value.sequence else { throw GreenlightError.invalidInput("numeric takes a list of widths") }
            let widths = try list.map { item -> Double in
                guard let w = item.int.map(Double.init) ?? item.float else {
                    throw GreenlightError.invalidInput("numeric width '\(item.string ?? "?")' is not a number")
                }
                return w
            }
            return try .numeric(widths: widths)
        case "categories":
            var paths: [String: [String]] = [:]
            try collectLeaves(value, ancestors: [], into: &paths)
            return try .categories(ancestors: paths)
        default:
            throw GreenlightError.invalidInput("unknown hierarchy '\(key.string ?? "?")'")
        }
    }

    /// Walks a tree, recording each leaf's ancestors nearest first.
    private static func collectLeaves(_ node: Node, ancestors: [String], into paths: inout [String: [String]]) throws {
        if let leaf = node.string {
            guard paths.updateValue(ancestors, forKey: leaf) == nil else {
                throw GreenlightError.invalidInput("value '\(leaf)' appears twice in the tree")
            }
        } else if let list = node.sequence {
            for item in list { try collectLeaves(item, ancestors: ancestors, into: &paths) }
        } else if let mapping = node.mapping {
            for (key, children) in mapping {
                guard let name = key.string else { throw GreenlightError.invalidInput("tree nodes must be text") }
                try collectLeaves(children, ancestors: [name] + ancestors, into: &paths)
            }
        }
    }

    /// The hierarchy used for a column the user gave none for: dates when every value is `YYYY-MM-DD`, zip
    /// prefixes when the name says zip or postcode and the values are digits, numeric ranges when every
    /// value is a number, otherwise `*` in one step.
    ///
    /// - Parameters:
    ///   - column: The column name.
    ///   - values: The column's values.
    public static func inferred(column: String, values: [String]) -> GeneralizationHierarchy {
        if !values.isEmpty, values.allSatisfy({ (try? GeneralizationHierarchy.date.generalize($0, level: 1)) != nil }) {
            return .date
        }
        let lower = column.lowercased()
        if ["zip", "postcode", "postal"].contains(where: lower.contains),
           values.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }) {
            return .zip(digits: values.map(\.utf8.count).max() ?? 5)
        }
        let numbers = values.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        if !values.isEmpty, numbers.count == values.count { return .numeric(fitting: numbers) }
        return .suppressOnly
    }
}
