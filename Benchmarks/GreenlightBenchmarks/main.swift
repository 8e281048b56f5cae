// Measures the meter's own cost: CPU used by `greenlight run` while it samples an idle command, and the
// start-up latency of `greenlight run -- true`. Usage (release build, figures go to docs/PERFORMANCE.md):
//
//   swift build -c release && .build/release/GreenlightBenchmarks [--seconds 20] [--runs 30]
//
// It spawns the real `greenlight` binary built beside it, so the figures are the CLI's, start to end.
import Foundation
import GreenlightCore

struct Options {
    var seconds = 20.0
    var runs = 30
    var greenlight: String

    init() {
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        greenlight = exe.deletingLastPathComponent().appendingPathComponent("greenlight").path
        var args = CommandLine.arguments.dropFirst().makeIterator()
        while let a = args.next() {
            switch a {
            case "--seconds": seconds = Double(args.next() ?? "") ?? seconds
            case "--runs": runs = Int(args.next() ?? "") ?? runs
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

// 1. Overhead at 10 Hz: the marginal CPU of sampling, from two runs of different length, so that the
// one-off start-up and report writing (measured separately below) cancel out.
func meterRun(_ seconds: Double) -> (wall: Double, cpu: Double) {
    let r = timed([options.greenlight, "run", "--quiet", "--interval", "0.1", "--", "/bin/sleep", "\(seconds)"])
    return (r.wall, r.cpu)
}
let short = meterRun(2)
let long = meterRun(2 + options.seconds)
let marginalCPU = max(long.cpu - short.cpu, 0)
let marginalWall = long.wall - short.wall
print(String(format: "overhead: greenlight run --interval 0.1 -- sleep: %.1f ms CPU per %.2f s of sampling = %.4f %% of one core (%.1f µs per sample); whole %.0f s run incl. start-up: %.1f ms CPU = %.4f %%",
             marginalCPU * 1000, marginalWall, marginalCPU / marginalWall * 100, marginalCPU / (marginalWall * 10) * 1e6,
             long.wall, long.cpu * 1000, long.cpu / long.wall * 100))

// 2. Start-up: wall time of `greenlight run -- true`, minus `true` alone.
var withMeter: [Double] = []
var bare: [Double] = []
for _ in 0..<options.runs {
    bare.append(timed(["/bin/true"]).wall)
    withMeter.append(timed([options.greenlight, "run", "--quiet", "--", "/bin/true"]).wall)
}
print(String(format: "start-up: greenlight run -- true: median %.1f ms (min %.1f ms); /bin/true alone: median %.2f ms; %d runs",
             median(withMeter) * 1000, (withMeter.min() ?? 0) * 1000, median(bare) * 1000, options.runs))
