// Quantization speed and memory (docs/PERFORMANCE.md, issue 3):
//
//   swift build -c release && .build/release/GreenlightBenchmarks quantize [--mib 256] [--stream-gib 4]
//
// 1. Throughput per core of fp32 input for each exact type and the K-quants, 1 and 2 threads, best of 5;
//    gguf-py 0.19.0's numpy quantize on the same data in the same run (python3 with gguf installed).
// 2. The whole MiniLM → Q8_0 GGUF with the release `greenlight compress` (best of 5, with and without the
//    per-tensor error pass).
// 3. Streaming: a generated safetensors file of --stream-gib GiB (16 F32 tensors) → Q8_0; peak RSS of the
//    compress process (VmHWM polled) against 64 MiB + 2 × the largest tensor.
import Foundation
import GreenlightCompress
import GreenlightCore
import GreenlightTensors

func runQuantizeBenchmark(_ arguments: [String]) {
    var mib = 256
    var streamGiB = 4.0
    var args = arguments.makeIterator()
    while let a = args.next() {
        switch a {
        case "--mib": mib = Int(args.next() ?? "") ?? mib
        case "--stream-gib": streamGiB = Double(args.next() ?? "") ?? streamGiB
        default: fatalError("unknown option \(a)")
        }
    }
    let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    let greenlight = exe.appendingPathComponent("greenlight").path
    let root = exe.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("gl-quant-bench-\(getpid())")
    try? FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; input \(mib) MiB of fp32 (normal, σ = 0.02)")

    // 1. Kernels.
    benchmarkKernels(mib: mib)
    benchmarkGGUFPy()
    // 2. MiniLM end to end.
    benchmarkMiniLM(root: root, greenlight: greenlight, work: work)
    // 3. Streaming memory on a large generated file.
    guard streamGiB > 0 else { return }
    benchmarkStreaming(gib: streamGiB, greenlight: greenlight, work: work)
}

/// Throughput of `Quantizer.quantize` on `mib` MiB of N(0, 0.02) values per type, 1 and 2 threads, best of 5.
private func benchmarkKernels(mib: Int) {
    let count = mib << 18
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    let input = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
    for i in 0..<count {
        // Box–Muller on a xorshift stream: cheap and good enough for benchmark data.
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        let u1 = Double(state >> 11 | 1) / 9_007_199_254_740_992
        let u2 = Double(state & 0xFFFF_FFFF) / 4_294_967_296
        input[i] = Float(0.02 * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
    }
    let output = UnsafeMutableRawBufferPointer.allocate(byteCount: count * 4, alignment: 64)
    let inputBytes = Double(count * 4)
    print("\nthroughput, GB/s of fp32 input (best of 5):")
    print("type   1 thread  2 threads  scaling")
    for type in [GGMLType.q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .f16, .bf16, .q4_K, .q6_K] {
        let bytes = type.byteCount(elements: count)!
        let dst = UnsafeMutableRawBufferPointer(rebasing: output[0..<bytes])
        func best(_ threads: Int) -> Double {
            var t = Double.infinity
            for _ in 0..<5 {
                let start = ContinuousClock.now
                try! Quantizer.quantize(UnsafeBufferPointer(input), to: type, into: dst, threads: threads)
                t = min(t, (ContinuousClock.now - start).seconds)
            }
            return inputBytes / t / 1e9
        }
        let one = best(1), two = best(2)
        print(String(format: "%-6@ %8.2f  %9.2f  %6.2f×", type.name, one, two, two / one))
    }
    input.deallocate()
    output.deallocate()
}

/// gguf-py's numpy quantize on the same kind of data, as the reference.
private func benchmarkGGUFPy() {
    // gguf-py on 64 MiB (numpy is slower; the rate does not depend on the size at this scale).
    let py = """
        import time, numpy as np
        from gguf.quants import quantize
        from gguf.constants import GGMLQuantizationType as T
        x = np.random.default_rng(1).normal(0, 0.02, size=(4096, 4096)).astype(np.float32)
        for name in ["Q8_0", "Q4_0"]:
            best = min((lambda: (lambda t0: (quantize(x, T[name]), time.perf_counter() - t0)[1])(time.perf_counter()))() for _ in range(3))
            print(f"gguf-py {name:5} {x.nbytes / best / 1e9:8.2f} GB/s (numpy, 1 thread)")
        """
    print("\nreference in the same run:")
    print(shell("python3", ["-c", py]).output.trimmingCharacters(in: .whitespacesAndNewlines))
}

/// The whole MiniLM → Q8_0 GGUF with the release `greenlight compress`, with and without the error pass.
private func benchmarkMiniLM(root: URL, greenlight: String, work: URL) {
    let miniLM = root.deletingLastPathComponent().appendingPathComponent("shared/data/models/all-MiniLM-L6-v2/model.safetensors").path
    if FileManager.default.fileExists(atPath: miniLM) {
        print("\nMiniLM (\(miniLM)) → Q8_0 GGUF with greenlight compress (wall time of the whole command, best of 5):")
        for extra in [[], ["--no-error"]] {
            var t = Double.infinity
            for _ in 0..<5 {
                let start = ContinuousClock.now
                let r = shell(greenlight, ["compress", miniLM, "--type", "q8_0", "-o", work.appendingPathComponent("m.gguf").path, "-q"] + extra)
                precondition(r.status == 0, r.output)
                t = min(t, (ContinuousClock.now - start).seconds)
            }
            print(String(format: "  %@: %.3f s", extra.isEmpty ? "with error measurement" : "--no-error", t))
        }
    }
}

/// Peak RSS of `greenlight compress` streaming a generated safetensors file of `gib` GiB to Q8_0.
private func benchmarkStreaming(gib streamGiB: Double, greenlight: String, work: URL) {
    let tensors = 16
    let perTensor = Int(streamGiB * Double(1 << 30)) / tensors / 4 / 4096 * 4096   // elements, whole 4096-wide rows
    let big = work.appendingPathComponent("big.safetensors").path
    let specs = (0..<tensors).map { SafetensorsTensorSpec(name: "layer.\($0).weight", dtype: .f32, shape: [perTensor / 4096, 4096]) }
    let chunk = [Float]((0..<(1 << 20)).map { Float(($0 % 251) - 125) * 1e-3 })
    let genStart = ContinuousClock.now
    try! SafetensorsWriter.write(to: big, tensors: specs) { w in
        for _ in 0..<tensors {
            var left = perTensor
            while left > 0 {
                let n = min(left, chunk.count)
                try chunk.withUnsafeBytes { try w.write(UnsafeRawBufferPointer(rebasing: $0[0..<(n * 4)])) }
                left -= n
            }
        }
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: big)[.size] as? Int) ?? 0
    print(String(format: "\nstreaming: generated %.2f GiB (%d F32 tensors of %d MiB) in %.1f s", Double(size) / Double(1 << 30),
                 tensors, (perTensor * 4) >> 20, (ContinuousClock.now - genStart).seconds))
    let start = ContinuousClock.now
    let (status, peakKiB) = runWatchingPeak(greenlight, ["compress", big, "--type", "q8_0", "-o", work.appendingPathComponent("big.gguf").path, "-q"])
    let bound = 64 + 2 * ((perTensor * 4) >> 20)
    print(String(format: "  greenlight compress → Q8_0: exit %d, %.1f s, peak RSS %d MiB (bound 64 MiB + 2 × %d MiB = %d MiB)",
                 status, (ContinuousClock.now - start).seconds, peakKiB >> 10, (perTensor * 4) >> 20, bound))
}

private func shell(_ exe: String, _ args: [String]) -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe.hasPrefix("/") ? exe : "/usr/bin/env")
    p.arguments = exe.hasPrefix("/") ? args : [exe] + args
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try! p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Runs a command and polls its VmHWM (wait4's ru_maxrss would include this process's own size, which exec
/// carries over).
private func runWatchingPeak(_ exe: String, _ args: [String]) -> (status: Int32, peakKiB: Int) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    try! p.run()
    var peak = 0
    while p.isRunning {
        if let text = try? String(contentsOfFile: "/proc/\(p.processIdentifier)/status", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kib = Int(line.split(separator: " ")[1]) {
            peak = max(peak, kib)
        }
        usleep(5_000)
    }
    p.waitUntilExit()
    return (p.terminationStatus, peak)
}
