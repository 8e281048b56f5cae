import Glibc
import GreenlightCore
import GreenlightMeter

/// Turns `run`'s flags into one library call, with the timeline file around it.
enum RunGlue {
    static func measure(
        _ command: [String], configuration: MeterConfiguration, timelinePath: String?, waitForTree: Bool
    ) throws -> (outcome: CommandRunner.Outcome, timelineError: (any Error)?) {
        unblockForwardedSignals()
        guard let timelinePath else {
            return (try CommandRunner.run(command, configuration: configuration, adoptUnseenOrphans: true, waitForTree: waitForTree), nil)
        }
        let writer = try TimelineWriter(path: timelinePath)
        // onSample runs on this thread, between samples: a plain local records the first write error.
        var writeError: (any Error)?
        let outcome: CommandRunner.Outcome
        do {
            outcome = try CommandRunner.run(
                command, configuration: configuration, adoptUnseenOrphans: true, waitForTree: waitForTree
            ) { sample in
                guard writeError == nil else { return }
                do { try writer.append(sample) } catch { writeError = error }
            }
        } catch {
            writer.discard()
            throw error
        }
        // A timeline that could not be written whole is not published, but the measurement stands.
        if writeError == nil {
            do { try writer.finish() } catch { writeError = error }
        }
        if writeError != nil { writer.discard() }
        return (outcome, writeError)
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
