import CGreenlightShims

/// The temporary files of this process that a fatal signal must not leave behind.
///
/// ``AtomicFileWriter`` registers every named temporary file here while it exists. A program that writes files
/// calls ``installSignalCleanup()`` once at start: `SIGINT`, `SIGTERM`, `SIGHUP`, `SIGQUIT` and `SIGPIPE` then
/// unlink them (async-signal-safe) before the process dies of the signal as it would have. `greenlight run`
/// installs its own forwarding handlers over these while the command runs.
public enum TemporaryFiles {
    /// Installs the cleanup handlers (once; signals already ignored stay ignored).
    ///
    /// - Throws: ``GreenlightError`` when sigaction fails.
    public static func installSignalCleanup() throws {
        guard greenlight_install_temp_cleanup() == 0 else {
            throw GreenlightError.unsupported("cannot install signal handlers for temporary-file cleanup")
        }
    }

    /// Registers `path` for removal on a fatal signal; returns a token for ``unregister(_:)``.
    public static func register(_ path: String) -> Int32 { greenlight_temp_register(path) }

    /// Forgets a registration (the file was renamed into place or removed).
    public static func unregister(_ token: Int32) { greenlight_temp_unregister(token) }
}

extension TemporaryFiles {
    /// Unlinks every registered file now, as the signal handler would; returns how many (for tests).
    package static func unlinkAllNow() -> Int { Int(greenlight_temp_unlink_all()) }
}
