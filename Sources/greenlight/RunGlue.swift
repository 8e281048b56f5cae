import GreenlightCore
import GreenlightMeter

/// Turns `run`'s flags into one library call, with the timeline file around it.
enum RunGlue {
    static func measure(_ command: [String], configuration: MeterConfiguration, timelinePath: String?) throws -> CommandRunner.Outcome {
        try configuration.validate()
        guard let timelinePath else {
            return try CommandRunner.run(command, configuration: configuration, adoptUnseenOrphans: true)
        }
        let writer = try TimelineWriter(path: timelinePath)
        let failure = FailureBox()
        do {
            let outcome = try CommandRunner.run(command, configuration: configuration, adoptUnseenOrphans: true) { sample in
                do { try writer.append(sample) } catch { failure.error = error }
            }
            if let error = failure.error { writer.discard(); throw error }
            try writer.finish()
            return outcome
        } catch {
            writer.discard()
            throw error
        }
    }
}

/// The first timeline write error, set on the sampling thread and read after it ends.
private final class FailureBox: @unchecked Sendable {
    var error: (any Error)?
}
