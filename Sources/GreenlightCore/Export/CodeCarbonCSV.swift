import Foundation

/// Rows in the layout of CodeCarbon 3.3.2's `emissions.csv`, so that existing dashboards and scripts read
/// Greenlight's figures unchanged.
///
/// Units are CodeCarbon's: `duration` in seconds, `emissions` in kg CO2e, `emissions_rate` in kg/s, powers in
/// W, energies in kWh, `ram_total_size` and `ram_used_gb` in GB of 2^30 bytes (CodeCarbon's `B_TO_GB`).
/// As in CodeCarbon, powers and energies include PUE, and `emissions` is `energy_consumed` × intensity
/// (operational only; embodied carbon is not in the row).
///
/// Component kinds map to CodeCarbon's three columns: `cpu` and `psys` (RAPL's platform domain) to
/// `cpu_*`, `gpu` to `gpu_*`, `dram` and `ram` to `ram_*`.
///
/// Columns Greenlight has no figure for are left empty (`python_version`, `longitude`, `latitude`, and
/// utilisation columns the scope does not define); `water_consumed` and `wue` are 0, CodeCarbon's value when no
/// water usage effectiveness is given. `codecarbon_version` holds the writing tool, e.g. `greenlight-0.1.0`.
/// `timestamp` is the end of the run (an estimate's creation time) in UTC, formatted as CodeCarbon does
/// (`2025-01-31T12:34:56`, no zone; CodeCarbon itself writes local time).
public enum CodeCarbonCSV {
    /// The 38 columns of CodeCarbon 3.3.2's `EmissionsData`, in order.
    public static let header: [String] = [
        "timestamp", "project_name", "run_id", "experiment_id", "duration", "emissions", "emissions_rate",
        "cpu_power", "gpu_power", "ram_power", "cpu_energy", "gpu_energy", "ram_energy", "energy_consumed",
        "water_consumed", "country_name", "country_iso_code", "region", "cloud_provider", "cloud_region", "os",
        "python_version", "codecarbon_version", "cpu_count", "cpu_model", "gpu_count", "gpu_model", "longitude",
        "latitude", "ram_total_size", "tracking_mode", "cpu_utilization_percent", "gpu_utilization_percent",
        "ram_utilization_percent", "ram_used_gb", "on_cloud", "pue", "wue",
    ]

    /// Which figures a row carries.
    public enum Scope: String, Sendable, Hashable, CaseIterable {
        /// The process tree's share of each component (CodeCarbon's `tracking_mode` `process`).
        case process
        /// The whole host (CodeCarbon's `tracking_mode` `machine`).
        case machine
    }

    /// The row for a report: a pure function of the report and the arguments.
    ///
    /// - Parameters:
    ///   - report: A run or estimate report.
    ///   - scope: Process-tree figures (`cpu_energy` = process share of CPU components, …) or host figures.
    ///   - projectName: CodeCarbon's `project_name`.
    ///   - experimentID: CodeCarbon's `experiment_id`.
    /// - Returns: 38 field values in ``header`` order, unquoted.
    public static func row(for report: Report, scope: Scope, projectName: String, experimentID: String) -> [String] {
        let duration = report.run?.duration.seconds ?? report.estimate?.duration.seconds ?? 0
        let energy = report.energy
        let pue = energy?.pue.value ?? 1

        var cpuJ = 0.0, gpuJ = 0.0, ramJ = 0.0
        for c in energy?.components ?? [] {
            let j = (scope == .process ? c.processEnergy : c.energy).joules * pue
            switch c.kind {
            case .cpu, .psys: cpuJ += j
            case .gpu: gpuJ += j
            case .dram, .ram: ramJ += j
            }
        }
        func kWh(_ j: Double) -> String { energy == nil ? "" : num(j / 3.6e6) }
        func watts(_ j: Double) -> String { energy == nil ? "" : num(duration > 0 ? j / duration : 0) }

        var emissions = ""
        var rate = ""
        if let carbon = report.carbon {
            let kg = (scope == .process ? carbon.process : carbon.host).kilograms
            emissions = num(kg)
            rate = num(duration > 0 ? kg / duration : 0)
        }

        let location = report.carbon?.intensity.location
        let host = report.host
        let estimated = report.estimate?.hardware.first
        let estimatedIsGPU = report.energy?.components.first?.kind == .gpu

        var gpuCount = "", gpuModel = "", cpuModel = host?.cpuModel ?? ""
        if let host {
            gpuCount = String(host.gpus.count)
            gpuModel = grouped(host.gpus.map(\.name))
        } else if let estimated {
            if estimatedIsGPU {
                gpuCount = String(estimated.count)
                gpuModel = "\(estimated.count) x \(estimated.model)"
            } else {
                cpuModel = "\(estimated.count) x \(estimated.model)"
            }
        }

        var cpuUtil = "", gpuUtil = "", ramUtil = "", ramUsed = ""
        if let estimate = report.estimate {
            let percent = num(estimate.utilization.value * 100)
            if estimatedIsGPU { gpuUtil = percent } else { cpuUtil = percent }
        } else if scope == .process, let usage = report.process {
            if let cpus = host?.logicalCPUs, cpus > 0, duration > 0 {
                cpuUtil = num(usage.cpuTime.seconds / (duration * Double(cpus)) * 100)
            }
            if let total = host?.memoryBytes, total > 0 {
                ramUtil = num(Double(usage.meanRSSBytes) / Double(total) * 100)
            }
            ramUsed = num(Double(usage.meanRSSBytes) / 1_073_741_824)
        }

        let timestamp = timestampString(report.run?.endedAt ?? report.createdAt)
        return [
            timestamp, projectName, report.id, experimentID, num(duration), emissions, rate,
            watts(cpuJ), watts(gpuJ), watts(ramJ), kWh(cpuJ), kWh(gpuJ), kWh(ramJ), kWh(cpuJ + gpuJ + ramJ),
            "0", location?.countryName ?? "", location?.countryISO3 ?? "", location?.region ?? "",
            location?.cloudProvider ?? "", location?.cloudRegion ?? "", host?.os ?? "",
            "", "\(report.tool.name)-\(report.tool.version)", host?.logicalCPUs.map(String.init) ?? "", cpuModel,
            gpuCount, gpuModel, "", "", host?.memoryBytes.map { num(Double($0) / 1_073_741_824) } ?? "",
            scope.rawValue, cpuUtil, gpuUtil, ramUtil, ramUsed,
            location?.cloudProvider != nil ? "Y" : "N", num(pue), "0",
        ]
    }

    /// One CSV line: fields joined by commas, RFC 4180 quoting for fields with a comma, quote or line break,
    /// terminated by `\n` (as pandas writes on Linux).
    public static func line(_ fields: [String]) -> String {
        fields.map { field in
            guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return field }
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",") + "\n"
    }

    /// Appends the report's row to a CodeCarbon-layout CSV file, safely with concurrent writers.
    ///
    /// Opens the file with `O_APPEND | O_CREAT`, takes an exclusive `flock(2)`, writes the header first when the
    /// file is empty, and writes the row with one `write(2)` call. A file whose header has the same columns in
    /// another order gets the row in its order (as CodeCarbon does); a file with other columns is left untouched.
    ///
    /// - Parameters:
    ///   - report: The report to append.
    ///   - path: The CSV file; created if missing.
    ///   - scope: Process-tree or host figures.
    ///   - projectName: CodeCarbon's `project_name`.
    ///   - experimentID: CodeCarbon's `experiment_id`.
    /// - Throws: ``GreenlightError``: I/O errors naming the path; invalid input when the file's header is not
    ///   CodeCarbon 3.3.2's (nothing is written then).
    public static func append(
        _ report: Report, to path: String, scope: Scope, projectName: String = "greenlight", experimentID: String = ""
    ) throws {
        let fields = row(for: report, scope: scope, projectName: projectName, experimentID: experimentID)
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ioError("cannot open \(path)") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw ioError("cannot lock \(path)") }
        }
        defer { _ = flock(fd, LOCK_UN) }

        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ioError("cannot stat \(path)") }
        var text: String
        if st.st_size == 0 {
            text = line(header) + line(fields)
        } else {
            let existing = try readHeader(fd, path: path)
            var ordered = fields
            if existing != header {
                guard existing.count == header.count, Set(existing) == Set(header) else {
                    throw notCodeCarbon(path, existing)
                }
                let value = Dictionary(uniqueKeysWithValues: zip(header, fields))
                ordered = existing.map { value[$0] ?? "" }
            }
            text = line(ordered)
            // A file that does not end in a newline would glue our row onto its last line.
            var last: UInt8 = 0
            if pread(fd, &last, 1, st.st_size - 1) == 1, last != UInt8(ascii: "\n") {
                text = "\n" + text
            }
        }
        do {
            try writeAll(fd, Array(text.utf8), path: path)
        } catch {
            // A row is whole or absent: cut a partial write (disk full mid-row) back off, still under the lock.
            _ = ftruncate(fd, st.st_size)
            throw error
        }
    }

    /// Checks, before a run starts, that a row could be appended to `path`: its directory exists and it is
    /// writable, and an existing non-empty file has CodeCarbon 3.3.2's columns.
    ///
    /// - Throws: ``GreenlightError`` (invalid input) saying what is wrong; nothing is created or changed.
    public static func checkAppendable(_ path: String) throws {
        try OutputTarget.check(path, append: true)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size > 0 else { return }
        let existing = try readHeader(fd, path: path)
        guard existing != header else { return }
        guard existing.count == header.count, Set(existing) == Set(header) else {
            throw notCodeCarbon(path, existing)
        }
    }

    private static func notCodeCarbon(_ path: String, _ existing: [String]) -> GreenlightError {
        GreenlightError.invalidInput(
            "\(TerminalText.escaped(path)) is not a CodeCarbon 3.3.2 emissions CSV (its header has \(existing.count) columns: "
            + "\(TerminalText.escaped(existing.prefix(6).joined(separator: ",")))…); nothing was written. Use a new file, or move this one away.")
    }

    // MARK: - Helpers

    private static func readHeader(_ fd: Int32, path: String) throws -> [String] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var offset: off_t = 0
        while bytes.count < 1 << 20 {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError("cannot read \(path)")
            }
            if n == 0 { break }
            if let nl = buffer[0..<n].firstIndex(of: UInt8(ascii: "\n")) {
                bytes.append(contentsOf: buffer[0..<nl])
                break
            }
            bytes.append(contentsOf: buffer[0..<n])
            offset += off_t(n)
        }
        var first = String(decoding: bytes, as: UTF8.self)
        if first.hasPrefix("\u{FEFF}") { first.removeFirst() }
        if first.hasSuffix("\r") { first.removeLast() }
        return (CSVReader.rows(Data(first.utf8)).first ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError("cannot write \(path)")
            }
            written += n
        }
    }

    private static func ioError(_ what: String) -> GreenlightError {
        GreenlightError.io("\(TerminalText.escaped(what))", cause: SystemError(errno: errno))
    }

    /// Shortest round-trip decimal, as Python's `repr(float)`; empty for NaN and infinities.
    private static func num(_ x: Double) -> String {
        x.isFinite ? "\(x)" : ""
    }

    /// `8 x NVIDIA H100 80GB HBM3`, kinds in order of first appearance, joined by `, `.
    private static func grouped(_ names: [String]) -> String {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for n in names {
            if counts[n] == nil { order.append(n) }
            counts[n, default: 0] += 1
        }
        return order.map { "\(counts[$0]!) x \($0)" }.joined(separator: ", ")
    }

    private static func timestampString(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }
}
