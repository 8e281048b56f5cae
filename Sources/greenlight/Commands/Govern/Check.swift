import ArgumentParser
import Foundation
import GreenlightCore
import GreenlightPolicy
import GreenlightStandards

struct Check: GreenlightCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check reports against policies: a green light, or the rules they breach and why.",
        discussion: """
            A policy is YAML (docs/POLICY.md): rules with an assertion over report metrics (energy.total <= 5 kWh), \
            a selector (when: {stage: training}), a severity and an action (enforce or warn), and exceptions with an \
            owner and an expiry date. Built-in packs: builtin:sci, builtin:sci-ai, builtin:eu-ai-act-gpai, builtin:energy-label.
            Exit status, as conftest's: 0 no failure; 1 a failure (an enforced rule breached, or one that cannot be \
            evaluated); with --fail-on-warn, 2 a failure and 1 warnings only. 3: a policy or report that cannot be \
            read or is malformed (file, line and column are named). 64: bad flags.
            Example: greenlight check --policy policy.yaml --policy builtin:sci --format github run.json
            """
    )

    static var exitCodePolicy: ExitCodePolicy { ExitCodePolicy(requirementsNotMet: 1, inputError: 3, usage: 64) }

    @OptionGroup var options: CheckOptions

    func run() throws {
        if options.listMetrics {
            try writeOut(options.format == .json ? try MetricListing.json(StandardsPolicies.catalogue) : MetricListing.text(StandardsPolicies.catalogue))
            return
        }
        let outcome = try options.resolve().run()
        // The formatters escape what came from files; colour codes must pass.
        if let text = outcome.text { try writeResultBytes(Data(text.utf8)) }
        if outcome.exitStatus != 0 { throw ExitCode(outcome.exitStatus) }
    }
}

/// `check`'s flags.
struct CheckOptions: ParsableArguments {
    @Option(name: [.short, .customLong("policy")], help: ArgumentHelp("A policy file, or builtin:NAME (repeatable).", valueName: "policy"))
    var policies: [String] = []

    @Argument(help: "The Greenlight reports (JSON) to check.")
    var reports: [String] = []

    @Flag(help: "Check the reports as one pipeline: additive metrics (energy, emissions, time, FLOP) summed.")
    var combine = false

    @Option(help: "Output format.")
    var format: CheckFormat = .text

    @Option(name: .shortAndLong, help: "Write the output here (atomically) instead of stdout.")
    var output: String?

    @Flag(name: .customLong("fail-on-warn"), help: "Warnings fail too: exit 2 on a failure, 1 on warnings only.")
    var failOnWarn = false

    @Flag(name: .customLong("list-metrics"), help: "List the metrics policies can name (with --format json, as JSON).")
    var listMetrics = false

    @Flag(name: .customLong("no-color"), help: "No colour in the text format (also when NO_COLOR is set or stdout is not a terminal).")
    var noColor = false

    func validate() throws {
        if listMetrics {
            guard format == .text || format == .json else { throw ValidationError("--list-metrics prints text or JSON (--format json)") }
            return
        }
        if policies.isEmpty { throw ValidationError("give a policy: --policy FILE or --policy builtin:sci") }
        if reports.isEmpty { throw ValidationError("give the report(s) to check, e.g. greenlight check --policy p.yaml run.json") }
    }
}
