// swift-tools-version:6.1
import PackageDescription

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let cryptoExtras: Target.Dependency = .product(name: "_CryptoExtras", package: "swift-crypto")
let yams: Target.Dependency = .product(name: "Yams", package: "Yams")

var targets: [Target] = [
    // Units, the report model, bundled grid/hardware data, SCI maths, exporters, and the one way files are
    // written (atomic, checked before work starts, removed on a fatal signal).
    .target(
        name: "GreenlightCore",
        dependencies: ["CGreenlightShims"],
        resources: [.copy("Resources")]
    ),
    // Linux calls Swift cannot make directly (variadic prctl, async-signal-safe handlers, O_TMPFILE, stdio).
    .target(name: "CGreenlightShims"),
    // Power sources (RAPL, NVML, estimation), process-tree tracking, sampling and attribution.
    .target(
        name: "GreenlightMeter",
        dependencies: ["GreenlightCore", "CGreenlightShims"]
    ),
    // Privacy: Fernet and age encryption, PII detection and anonymisation, k-anonymity, differential privacy.
    .target(
        name: "GreenlightPrivacy",
        dependencies: ["GreenlightCore", crypto, cryptoExtras, yams]
    ),
    // Tensor file formats: safetensors and GGUF readers and writers, ggml type tables.
    .target(
        name: "GreenlightTensors",
        dependencies: ["GreenlightCore"]
    ),
    // Reduce: quantization kernels, pruning, the compress pipeline and its report.
    .target(
        name: "GreenlightCompress",
        dependencies: ["GreenlightCore", "GreenlightTensors", "GreenlightMeter"]
    ),
    // Govern: policies as code over reports (`check`), their results in CI formats.
    .target(
        name: "GreenlightPolicy",
        dependencies: ["GreenlightCore", yams],
        resources: [.copy("Resources")]
    ),
    // Govern: the standard reports (BoAmps, SCI disclosure, EU AI Act Annex XI sheet, energy label, HTML).
    .target(
        name: "GreenlightStandards",
        dependencies: ["GreenlightCore", "GreenlightPolicy", yams],
        resources: [.copy("Resources")]
    ),
    // The thin CLI: parses arguments, calls the libraries.
    .executableTarget(
        name: "greenlight",
        dependencies: [
            "GreenlightCore", "GreenlightMeter", "GreenlightPrivacy", "GreenlightTensors", "GreenlightCompress",
            "GreenlightPolicy", "GreenlightStandards", argumentParser,
        ]
    ),
    .executableTarget(
        name: "GreenlightBenchmarks",
        dependencies: ["GreenlightCore", "GreenlightMeter", "GreenlightTensors", "GreenlightCompress", "GreenlightPrivacy", "CGreenlightShims"],
        path: "Benchmarks/GreenlightBenchmarks"
    ),
    .target(
        name: "GreenlightTestSupport",
        dependencies: ["GreenlightCore"],
        path: "Tests/GreenlightTestSupport"
    ),
    .testTarget(
        name: "GreenlightCoreTests",
        dependencies: ["GreenlightCore", "GreenlightTestSupport"],
        resources: [.copy("Fixtures")]
    ),
    .testTarget(
        name: "GreenlightMeterTests",
        dependencies: ["GreenlightMeter", "GreenlightCore", "GreenlightTestSupport"],
        resources: [.copy("Fixtures")]
    ),
    .testTarget(
        name: "GreenlightPrivacyTests",
        dependencies: ["GreenlightPrivacy", "GreenlightCore", "GreenlightTestSupport"],
        resources: [.copy("Fixtures")]
    ),
    .testTarget(
        name: "GreenlightTensorsTests",
        dependencies: ["GreenlightTensors", "GreenlightCore", "GreenlightTestSupport"],
        resources: [.copy("Fixtures")]
    ),
    .testTarget(
        name: "GreenlightCompressTests",
        dependencies: ["GreenlightCompress", "GreenlightTensors", "GreenlightCore", "GreenlightTestSupport", crypto],
        resources: [.copy("Fixtures")]
    ),
    .testTarget(
        name: "GreenlightPolicyTests",
        dependencies: ["GreenlightPolicy", "GreenlightCore", "GreenlightTestSupport"]
    ),
    .testTarget(
        name: "GreenlightStandardsTests",
        dependencies: ["GreenlightStandards", "GreenlightPolicy", "GreenlightCore", "GreenlightTestSupport"]
    ),
    .testTarget(
        name: "GreenlightCLITests",
        // The executable too: commands are parsed and resolved in-process (`Run.parse([...])`).
        dependencies: ["greenlight", "GreenlightCore", "GreenlightMeter", "GreenlightCompress", "GreenlightPrivacy", "GreenlightTensors", "GreenlightPolicy", "GreenlightStandards", "GreenlightTestSupport", argumentParser]
    ),
]

// libFuzzer targets (Fuzz/), only with GREENLIGHT_FUZZ=1: they link libFuzzer, so only a sanitized build can link
// them. Scripts/fuzz.sh builds them with -sanitize=fuzzer,address into .build-fuzz.
if Context.environment["GREENLIGHT_FUZZ"] == "1" {
    targets.append(.target(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"))
    targets.append(.target(name: "FuzzSupport", dependencies: ["CLibFuzzer"], path: "Fuzz/Support"))
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzSafetensors", ["GreenlightTensors", "GreenlightCore"]),
        ("FuzzJSONScanner", ["GreenlightTensors"]),
        ("FuzzGGUF", ["GreenlightTensors", "GreenlightCore"]),
        ("FuzzAgeHeader", ["GreenlightPrivacy"]),
        ("FuzzAgeStream", ["GreenlightPrivacy", crypto]),
        ("FuzzFernet", ["GreenlightPrivacy", crypto]),
        ("FuzzCSV", ["GreenlightPrivacy"]),
        ("FuzzJSONL", ["GreenlightPrivacy"]),
        ("FuzzAnonymizeConfig", ["GreenlightPrivacy"]),
        ("FuzzHierarchyYAML", ["GreenlightPrivacy"]),
        ("FuzzReport", ["GreenlightCore"]),
        ("FuzzProcStat", ["GreenlightMeter"]),
        ("FuzzPolicy", ["GreenlightPolicy", "GreenlightCore"]),
    ]
    for fuzz in fuzzTargets {
        targets.append(.executableTarget(
            name: fuzz.name,
            dependencies: fuzz.dependencies + ["FuzzSupport"],
            path: "Fuzz/Targets/\(fuzz.name)"
        ))
    }
}

for target in targets where target.name != "CGreenlightShims" && target.name != "CLibFuzzer" {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}

let package = Package(
    name: "Greenlight",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "greenlight", targets: ["greenlight"]),
        .library(name: "GreenlightCore", targets: ["GreenlightCore"]),
        .library(name: "GreenlightMeter", targets: ["GreenlightMeter"]),
        .library(name: "GreenlightPrivacy", targets: ["GreenlightPrivacy"]),
        .library(name: "GreenlightTensors", targets: ["GreenlightTensors"]),
        .library(name: "GreenlightCompress", targets: ["GreenlightCompress"]),
        .library(name: "GreenlightPolicy", targets: ["GreenlightPolicy"]),
        .library(name: "GreenlightStandards", targets: ["GreenlightStandards"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: targets,
    swiftLanguageModes: [.v6]
)
