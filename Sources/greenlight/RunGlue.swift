import Glibc
import GreenlightCore
import GreenlightMeter

/// Turns `run`'s flags into one library call, with the timeline file around it.
enum RunGlue {
    static func measure(_ command: [String], configuration: MeterConfiguration, timelinePath: String?) throws -> CommandRunner.Outcome {
        unblockForwardedSignals()
        guard let timelinePath else {
            return try CommandRunner.run(command, configuration: configuration, adoptUnseenOrphans: true)
        }
        let writer = try TimelineWriter(path: timelinePath)
        // onSample runs on this thread, between samples: a plain local records the first write error.
        var writeError: (any Error)?
        do {
            let outcome = try CommandRunner.run(command, configuration: configuration, adoptUnseenOrphans: true) { sample in
                guard writeError == nil else { return }
                do { try writer.append(sample) } catch { writeError = error }
            }
            if let writeError { throw writeError }
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
