#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CGreenlightShims
import Foundation

/// Checks an output path before any work starts, so that a command never does its work only to fail at the end.
///
/// Every command calls ``check(_:notSameAs:append:)`` for each file it will write, before it reads its inputs
/// in earnest: a missing or unwritable directory, a directory or a device as the target, and an output that is
/// one of the inputs (the same device and inode, whatever the names, links included) are refused up front.
public enum OutputTarget {
    /// Refuses an output path that cannot be written, or that is the same file as one of `inputs`.
    ///
    /// - Parameters:
    ///   - path: The file the command will write (atomically, or appended to with `append`).
    ///   - inputs: Files the command reads; an output that is one of them would destroy it.
    ///   - append: The file is appended to in place (a CSV log): it must then be writable itself.
    /// - Throws: ``GreenlightError`` (invalid input) saying what is wrong with the path and how to fix it.
    public static func check(_ path: String, notSameAs inputs: [String] = [], append: Bool = false) throws {
        let shown = TerminalText.escaped(path)
        let slash = path.lastIndex(of: "/")
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !path.isEmpty, !base.isEmpty, base != ".", base != ".." else {
            throw GreenlightError.invalidInput("cannot write '\(shown)': not a file name; give a path to a file")
        }
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let directory = dir.isEmpty ? "/" : dir
        try checkDestination(path, directory: directory)

        var target = stat()
        let exists = stat(path, &target) == 0
        if exists {
            for input in inputs {
                var source = stat()
                guard stat(input, &source) == 0 else { continue }
                if source.st_dev == target.st_dev && source.st_ino == target.st_ino {
                    let alias = input == path ? "" : " (\(TerminalText.escaped(input)))"
                    throw GreenlightError.invalidInput(
                        "refusing to write \(shown): it is the same file as the input\(alias) and would destroy it; choose another output path")
                }
            }
        }
        if append && exists {
            guard access(path, W_OK) == 0 else {
                throw AtomicFileWriter.writeError(.invalidInput, path: path, errno: errno)
            }
            return
        }
        // The probe leaves nothing behind: an unnamed O_TMPFILE file, else access(2).
        let probe = greenlight_open_tmpfile(directory, 0o600)
        if probe >= 0 {
            close(probe)
            return
        }
        let probeError = errno
        if probeError == EACCES || probeError == EPERM || probeError == EROFS || probeError == ENOSPC || probeError == EDQUOT {
            throw AtomicFileWriter.writeError(.invalidInput, path: path, errno: probeError)
        }
        // No O_TMPFILE on this filesystem: a named probe, registered for signal cleanup, created and removed.
        let name = (directory == "/" ? "/" : directory + "/") + ".greenlight-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let slot = TemporaryFiles.register(name)
        defer { TemporaryFiles.unregister(slot) }
        let fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw AtomicFileWriter.writeError(.invalidInput, path: path, errno: errno)
        }
        close(fd)
        unlink(name)
    }

    /// Refuses a target that is a directory or not a regular file, and a directory that does not exist.
    ///
    /// Renaming over a device or a FIFO (`/dev/null`, `/dev/stdout`) would replace the device node itself.
    /// Checks, before any work, every file a command will write: each must be writable, none may be one of
    /// the files it reads (by device and inode: links included), and no two may be the same file; with
    /// `stdout`, standard output (when redirected to a file) may not be an input either.
    ///
    /// - Parameters:
    ///   - outputs: The paths to be written; nil entries are skipped.
    ///   - inputs: The paths read; nil entries and `-` (standard input) are skipped.
    ///   - stdout: Whether the result also goes to standard output.
    /// - Throws: ``GreenlightError`` saying which path and why.
    public static func check(outputs: [String?], reading inputs: [String?], stdout: Bool = false) throws {
        let ins = inputs.compactMap { $0 }.filter { $0 != "-" }
        let outs = outputs.compactMap { $0 }
        for output in outs { try check(output, notSameAs: ins) }
        for (i, a) in outs.enumerated() {
            for b in outs[(i + 1)...] where sameFile(a, b) {
                // Two of the caller's paths clash: a usage error, whichever two they are.
                throw GreenlightError(.invalidInput,
                    "\(TerminalText.escaped(a)) and \(TerminalText.escaped(b)) are the same file: two outputs of one command cannot share a path; give each its own")
            }
        }
        guard stdout else { return }
        var out = stat()
        guard fstat(STDOUT_FILENO, &out) == 0, (out.st_mode & S_IFMT) == S_IFREG else { return }
        for input in ins {
            var st = stat()
            if stat(input, &st) == 0, st.st_dev == out.st_dev, st.st_ino == out.st_ino {
                throw GreenlightError.invalidInput(
                    "refusing to write to standard output: it is the input \(TerminalText.escaped(input)) and would destroy it; redirect elsewhere or use -o")
            }
        }
    }

    /// Whether two paths name one file: the same inode when both exist, else the same resolved directory and name.
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        if stat(a, &sa) == 0, stat(b, &sb) == 0 { return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino }
        func resolved(_ p: String) -> String {
            let url = URL(fileURLWithPath: p)
            return url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent).path
        }
        return resolved(a) == resolved(b)
    }

    static func checkDestination(_ path: String, directory: String) throws {
        let shown = TerminalText.escaped(path)
        var st = stat()
        guard stat(directory, &st) == 0 else {
            throw GreenlightError.invalidInput(
                "cannot write \(shown): directory \(TerminalText.escaped(directory)) does not exist; create it first")
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            throw GreenlightError.invalidInput("cannot write \(shown): \(TerminalText.escaped(directory)) is not a directory")
        }
        guard stat(path, &st) == 0 else { return }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR:
            throw GreenlightError.invalidInput("cannot write \(shown): it is a directory; give a file path, e.g. \(shown)/report.json")
        default:
            throw GreenlightError.invalidInput(
                "cannot write \(shown): it is not a regular file (\(fileKind(st.st_mode))); give a path to a regular file")
        }
    }

    static func fileKind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        case S_IFDIR: "a directory"
        default: "a special file"
        }
    }
}
