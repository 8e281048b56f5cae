import Glibc
import GreenlightCore
import GreenlightMeter

/// Turns `run`'s flags into one library call, with the timeline file around it.
enum RunGlue {
    static func measure(_ command: [String], configuration: MeterConfiguration, timelinePath: String?) throws -> CommandRunner.Outcome {
        try configuration.validate()
        unblockForwardedSignals()
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

/// A parent may start us with signals blocked (libdispatch worker threads block them, and spawned
/// processes inherit the mask): forwarding would then never see SIGTERM or SIGINT.
private func unblockForwardedSignals() {
    var set = sigset_t()
    sigemptyset(&set)
    for signo in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2] { sigaddset(&set, signo) }
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
}

/// The first timeline write error, set on the sampling thread and read after it ends.
private final class FailureBox: @unchecked Sendable {
    var error: (any Error)?
}
