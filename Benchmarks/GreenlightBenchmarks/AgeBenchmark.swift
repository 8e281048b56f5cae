// age streaming encryption speed and memory (docs/PERFORMANCE.md, issue 4):
//
//   swift build -c release && .build/release/GreenlightBenchmarks age [--mib 512]
//
// Encrypts and decrypts a file of --mib MiB (in the page cache) to an X25519 recipient through the library,
// best of 3, as MB/s of plaintext per second of this process's CPU time (user + system) and of wall time;
// then the same with the `age` tool (Debian package age) when installed, in the same run.
import Foundation
import GreenlightCore
import GreenlightPrivacy

func runAgeBenchmark(_ arguments: [String]) {
    var mib = 512
    var args = arguments.makeIterator()
    while let a = args.next() {
        switch a {
        case "--mib": mib = Int(args.next() ?? "") ?? mib
        default: fatalError("unknown option \(a)")
        }
    }
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("gl-age-bench-\(getpid())")
    try! FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    let plain = work.appendingPathComponent("plain").path, sealed = work.appendingPathComponent("plain.age").path
    let back = work.appendingPathComponent("back").path
    // Incompressible-looking content, written once.
    var block = [UInt8](repeating: 0, count: 1 << 20)
    var state: UInt64 = 0x243F_6A88_85A3_08D3
    for i in block.indices {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        block[i] = UInt8(truncatingIfNeeded: state >> 56)
    }
    _ = FileManager.default.createFile(atPath: plain, contents: nil)
    let h = FileHandle(forWritingAtPath: plain)!
    for _ in 0..<mib { h.write(Data(block)) }
    try! h.close()
    let bytes = Double(mib << 20)
    let identity = AgeX25519Identity.generate()
    print("age v1, X25519 recipient, \(mib) MiB plaintext in the page cache; \(ProcessInfo.processInfo.activeProcessorCount) cores")

    func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }
    func best(_ body: () throws -> Void) -> (cpu: Double, wall: Double) {
        var cpu = Double.infinity, wall = Double.infinity
        for _ in 0..<3 {
            unlink(back)
            let c0 = cpuSeconds(), w0 = ContinuousClock.now
            try! body()
            cpu = min(cpu, cpuSeconds() - c0)
            wall = min(wall, (ContinuousClock.now - w0).seconds)
        }
        return (cpu, wall)
    }
    let enc = best {
        unlink(sealed)
        try AgeEncryptor.encrypt(fileAtPath: plain, toFileAtPath: sealed, recipients: [identity.recipient])
    }
    let dec = best { try AgeDecryptor.decrypt(fileAtPath: sealed, toFileAtPath: back, identities: [identity]) }
    print(String(format: "greenlight encrypt: %7.0f MB/s per CPU second, %7.0f MB/s wall", bytes / enc.cpu / 1e6, bytes / enc.wall / 1e6))
    print(String(format: "greenlight decrypt: %7.0f MB/s per CPU second, %7.0f MB/s wall", bytes / dec.cpu / 1e6, bytes / dec.wall / 1e6))

    guard let age = ["/usr/bin/age", "/usr/local/bin/age"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        print("age tool not installed: no reference figure (apt-get install age)")
        return
    }
    let key = work.appendingPathComponent("key.txt").path
    try! identity.writeIdentityFile(toPath: key)
    func timeTool(_ args: [String]) -> Double {
        var wall = Double.infinity
        for _ in 0..<3 {
            unlink(back)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: age)
            p.arguments = args
            let w0 = ContinuousClock.now
            try! p.run()
            p.waitUntilExit()
            precondition(p.terminationStatus == 0, "age failed")
            wall = min(wall, (ContinuousClock.now - w0).seconds)
        }
        return wall
    }
    let ageSealed = work.appendingPathComponent("tool.age").path
    let te = timeTool(["-r", identity.recipient.string, "-o", ageSealed, plain])
    let td = timeTool(["-d", "-i", key, "-o", back, ageSealed])
    print(String(format: "age tool encrypt:   %7.0f MB/s wall", bytes / te / 1e6))
    print(String(format: "age tool decrypt:   %7.0f MB/s wall", bytes / td / 1e6))
}
