import ArgumentParser

/// Report files, and whether the summary is printed.
struct OutputOptions: ParsableArguments {
    @Option(help: "Write the JSON report here (atomically).")
    var json: String?

    @Option(help: "Append one row to this CSV in CodeCarbon's emissions.csv layout (locked; safe for concurrent runs).")
    var csv: String?

    @Option(help: "Which figures the CSV row carries: process (the tree's share) or machine (host totals).")
    var scope: CSVScope = .process

    @Option(name: .customLong("project-name"), help: "CodeCarbon's project_name column.")
    var projectName: String = "greenlight"

    @Flag(name: .shortAndLong, help: "Do not print the summary on stderr.")
    var quiet = false
}

/// `--scope`: which figures a CodeCarbon CSV row carries.
enum CSVScope: String, ExpressibleByArgument, CaseIterable {
    case process, machine
}
