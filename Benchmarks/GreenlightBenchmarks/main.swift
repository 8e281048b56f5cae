// Measures the meter's own cost: CPU used by `greenlight run` while it samples an idle command (its threads'
// on-CPU time from schedstat, start-up excluded), and the start-up latency of `greenlight run -- true`. Usage (release build, figures go to docs/PERFORMANCE.md):
//
//   swift build -c release && .build/release/GreenlightBenchmarks [--seconds 20] [--runs 30]
//
// Other suites, each in its own file: `GreenlightBenchmarks quantize ...`, `GreenlightBenchmarks age ...`,
// `GreenlightBenchmarks pii ...`.
//
// It spawns the real `greenlight` binary built beside it, so the figures are the CLI's, start to end.
import Foundation
import GreenlightCore
import GreenlightMeter
import CGreenlightShims

switch CommandLine.arguments.dropFirst().first {
case "quantize":
    runQuantizeBenchmark(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
case "age":
    runAgeBenchmark(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
case "pii":
    runPIIBenchmark(Array(CommandLine.arguments.dropFirst(2)))
    exit(0)
case "tree-loop":
    // The tree sampler alone, back to back: CPU per ProcessTreeMonitor.sample() of an idle `sleep`, or with
    // `busy` of `timeout` over a spinning `sh`. Usage: tree-loop [N] [busy]
    let busyTree = CommandLine.arguments.dropFirst(3).first == "busy"
    let child = try! ChildProcess.spawn(
        busyTree ? ["/usr/bin/timeout", "100", "/bin/sh", "-c", "while :; do :; done"] : ["/bin/sleep", "100"],
        forwardSignals: false)
    usleep(100_000)   // let timeout start sh
    let monitor = ProcessTreeMonitor(root: child)
    let n = Int(CommandLine.arguments.dropFirst(2).first ?? "") ?? 200_000
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let before = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
    for _ in 0..<n { _ = monitor.sample() }
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let after = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
    print(String(format: "ProcessTreeMonitor.sample(): %.2f µs of CPU each (%d samples)", (after - before) / Double(n), n))
    child.sendSignal(busyTree ? SIGTERM : SIGKILL)   // timeout passes SIGTERM on to sh
    exit(0)
case "bare-sampler":
    // What an idle sample costs with nothing but its system calls: wait (ChildProcess.waitForExit, a futex wait
    // with a deadline; `nanosleep`: a plain sleep), then one pread of its schedstat, every INTERVAL seconds for
    // SECONDS; prints this thread's CPU per wake-up. Usage: bare-sampler INTERVAL SECONDS [nanosleep|tree]
    // (`tree`: ChildProcess.waitForExit, then ProcessTreeMonitor.sample() instead of the pread)
    // (CLOCK_THREAD_CPUTIME_ID: the sampling thread's user + system time).
    let interval = Double(CommandLine.arguments[2]) ?? 0.1
    let seconds = Double(CommandLine.arguments[3]) ?? 20
    let child = try! ChildProcess.spawn(["/bin/sleep", "\(Int(seconds) + 5)"], forwardSignals: false)
    let fd = open("/proc/\(child.pid)/schedstat", O_RDONLY)
    var buffer = [UInt8](repeating: 0, count: 256)
    func threadCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) * 1e6 + Double(t.tv_nsec) / 1e3
    }
    let wakes = Int(seconds / interval)
    let step = Int64(interval * 1e9)
    let sleepOnly = CommandLine.arguments.count > 4 && CommandLine.arguments[4] == "nanosleep"
    let withTree = CommandLine.arguments.count > 4 && CommandLine.arguments[4] == "tree"
    let monitor = ProcessTreeMonitor(root: child)
    var next = greenlight_monotonic_ns()
    let before = threadCPU()
    for _ in 0..<wakes {
        next += step
        if sleepOnly {
            var request = timespec(tv_sec: 0, tv_nsec: Int(step))
            nanosleep(&request, nil)
        } else {
            _ = child.waitForExit(untilMonotonicNanoseconds: next)
        }
        if withTree {
            _ = monitor.sample()
        } else {
            _ = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 256, 0) }
        }
    }
    let wait = sleepOnly ? "nanosleep" : "ChildProcess.waitForExit"
    let work = withTree ? "ProcessTreeMonitor.sample()" : "schedstat pread"
    print(String(format: "bare sampler (%@ + %@): %.1f µs of CPU per wake-up", wait, work, (threadCPU() - before) / Double(wakes)))
    child.sendSignal(SIGKILL)
    exit(0)
case "sleeper":
    // The floor: a thread that only wakes every INTERVAL seconds and does nothing.
    let interval = Double(CommandLine.arguments[2]) ?? 0.1
    let until = ContinuousClock.now + .seconds(Double(CommandLine.arguments[3]) ?? 10)
    var next = ContinuousClock.now
    while next < until {
        next += .seconds(interval)
        var request = timespec(tv_sec: 0, tv_nsec: Int(interval * 1e9))
        nanosleep(&request, nil)
    }
    exit(0)
default:
    break
}

struct Options {
    var seconds = 20.0
    var runs = 30
    var interval = 0.1
    var greenlight: String

    init() {
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        greenlight = exe.deletingLastPathComponent().appendingPathComponent("greenlight").path
        var args = CommandLine.arguments.dropFirst().makeIterator()
        while let a = args.next() {
            switch a {
            case "--seconds": seconds = Double(args.next() ?? "") ?? seconds
            case "--runs": runs = Int(args.next() ?? "") ?? runs
            case "--interval": interval = Double(args.next() ?? "") ?? interval
            case "--greenlight": greenlight = args.next() ?? greenlight
            default: fatalError("unknown option \(a)")
            }
        }
    }
}

/// Spawns a command, waits, and returns wall time and the CPU time of it and its reaped children.
func timed(_ argv: [String]) -> (wall: Double, cpu: Double, status: Int32) {
    var pid: pid_t = 0
    let cargs = argv.map { strdup($0) } + [nil]
    defer { cargs.forEach { free($0) } }
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    defer { posix_spawn_file_actions_destroy(&actions) }
    let clock = ContinuousClock()
    let t0 = clock.now
    guard posix_spawn(&pid, argv[0], &actions, nil, cargs, environ) == 0 else { fatalError("cannot spawn \(argv[0])") }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let wall = (clock.now - t0).seconds
    let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return (wall, cpu, status)
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

let options = Options()
guard FileManager.default.isExecutableFile(atPath: options.greenlight) else {
    fatalError("greenlight binary not found at \(options.greenlight); build it first (swift build -c release)")
}
let cpuModel = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
    .split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?
    .trimmingCharacters(in: .whitespaces) ?? "unknown"
print("machine: \(cpuModel), \(ProcessInfo.processInfo.activeProcessorCount) logical CPUs")

// 1. Overhead at 10 Hz: on-CPU time of every greenlight thread (/proc/PID/task/*/schedstat, in ns) read
// twice while it samples an idle `sleep`, after start-up and before the report: only the sampling counts.
func onCPUNanoseconds(_ pid: pid_t) -> UInt64 {
    guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { return 0 }
    var sum: UInt64 = 0
    for tid in tasks {
        if let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/schedstat", encoding: .utf8),
           let first = text.split(separator: " ").first, let ns = UInt64(first) {
            sum += ns
        }
    }
    return sum
}

func onCPU(of argv: [String], seconds: Double) -> (cpu: Double, wall: Double) {
    var pid: pid_t = 0
    let cargs = argv.map { strdup($0) } + [nil]
    defer { cargs.forEach { free($0) } }
    guard posix_spawn(&pid, argv[0], nil, nil, cargs, environ) == 0 else { fatalError("cannot spawn \(argv[0])") }
    Thread.sleep(forTimeInterval: 2)
    let clock = ContinuousClock()
    let t0 = clock.now
    let c0 = onCPUNanoseconds(pid)
    Thread.sleep(forTimeInterval: seconds)
    let c1 = onCPUNanoseconds(pid)
    let wall = (clock.now - t0).seconds
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    return (Double(c1 - c0) / 1e9, wall)
}

let interval = String(options.interval)
let samplesPerSecond = 1 / options.interval
let overhead = onCPU(of: [options.greenlight, "run", "--quiet", "--interval", interval, "--", "/bin/sleep", "\(options.seconds + 4)"],
                     seconds: options.seconds)
print(String(format: "overhead: greenlight run --interval %@ -- sleep: %.2f ms on-CPU over %.2f s of sampling = %.4f %% of one core (%.1f µs per sample)",
             interval, overhead.cpu * 1000, overhead.wall, overhead.cpu / overhead.wall * 100,
             overhead.cpu / (overhead.wall * samplesPerSecond) * 1e6))
// The same with a command that keeps one CPU busy under a waiting parent (`timeout` → `sh` spinning): every
// sample then finds the tree changed and reads it in full. Both figures go into docs/PERFORMANCE.md.
let busy = onCPU(of: [options.greenlight, "run", "--quiet", "--interval", interval, "--", "/usr/bin/timeout",
                      "\(Int(options.seconds) + 4)", "/bin/sh", "-c", "while :; do :; done"], seconds: options.seconds)
print(String(format: "overhead: greenlight run --interval %@ -- timeout … sh -c 'while :; do :; done': %.2f ms on-CPU over %.2f s = %.4f %% of one core (%.1f µs per sample)",
             interval, busy.cpu * 1000, busy.wall, busy.cpu / busy.wall * 100,
             busy.cpu / (busy.wall * samplesPerSecond) * 1e6))
// The floor on this machine: a process that only wakes up at the same rate and does nothing else.
let floor = onCPU(of: [CommandLine.arguments[0], "sleeper", interval, "\(options.seconds + 4)"], seconds: options.seconds)
print(String(format: "floor: a thread waking every %@ s and doing nothing: %.4f %% of one core (%.1f µs per wake-up)",
             interval, floor.cpu / floor.wall * 100, floor.cpu / (floor.wall * samplesPerSecond) * 1e6))

// 2. Start-up: wall time of `greenlight run -- true`, minus `true` alone.
var withMeter: [Double] = []
var bare: [Double] = []
for _ in 0..<options.runs {
    bare.append(timed(["/bin/true"]).wall)
    withMeter.append(timed([options.greenlight, "run", "--quiet", "--", "/bin/true"]).wall)
}
print(String(format: "start-up: greenlight run -- true: median %.1f ms (min %.1f ms); /bin/true alone: median %.2f ms; %d runs",
             median(withMeter) * 1000, (withMeter.min() ?? 0) * 1000, median(bare) * 1000, options.runs))
