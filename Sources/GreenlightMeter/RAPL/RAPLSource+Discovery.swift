import GreenlightCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension RAPLSource {
    /// Finds the RAPL zones under a powercap directory and opens a source over the selected ones.
    ///
    /// Zones are the entries named `intel-rapl:N` (packages, psys) and `intel-rapl:N:M` (core,
    /// uncore, dram), or `amd-rapl:…`; other entries (the `intel-rapl` control type,
    /// `intel-rapl-mmio`, `dtpm`) are ignored, and symbolic links are followed as in the real
    /// `/sys/class/powercap`. Subzones are also looked for inside their parent's directory.
    ///
    /// The channels never count energy twice:
    /// - `core` and `uncore` are inside their package and are never selected;
    /// - psys covers the packages, so it is only selected alone;
    /// - per-die zones (`package-0-die-1`) that mirror another selected zone of the same package (the
    ///   same counter reported twice, as on some multi-die CPUs) are dropped, keeping the first, with
    ///   a note; distinct die counters are summed into one channel per package.
    ///
    /// There is no source when the directory or its zones are absent (note `rapl-absent`), when a
    /// selected counter cannot be read (note `rapl-unreadable` with the `chmod` that fixes it, or
    /// `rapl-invalid`), or when no zone matches the selection (note `rapl-no-domain`).
    ///
    /// - Parameters:
    ///   - root: The powercap directory; tests point it at a fixture tree.
    ///   - selection: Which domains make up the channels.
    /// - Returns: The source, if any, every zone found, and notes for the report.
    public static func discover(
        root: String = "/sys/class/powercap", selection: RAPLSelection = .packages
    ) -> RAPLDiscovery {
        discover(root: root, selection: selection, reader: .system)
    }

    /// ``discover(root:selection:)`` with the file reads going through `reader` (tests simulate `EACCES`).
    package static func discover(root: String, selection: RAPLSelection, reader: SysfsReader) -> RAPLDiscovery {
        var discovery = RAPLDiscovery(source: nil, notes: [], domains: [])
        guard let zonePaths = zonePaths(root: root, notes: &discovery.notes) else { return discovery }
        let zones = readZones(zonePaths, reader: reader)
        discovery.domains = zones.map(\.info)
        let kinds = selectedKinds(for: selection, zones: zones, notes: &discovery.notes)
        guard let wanted = usableZones(zones, kinds: kinds, root: root, notes: &discovery.notes) else { return discovery }
        let kept = droppingMirroredDies(wanted, zones: zones, reader: reader, notes: &discovery.notes)
        let channels = makeChannels(channelGroups(kept, zones: zones), zones: zones, discovery: &discovery)
        discovery.source = RAPLSource(channels: channels, reader: reader)
        return discovery
    }

    /// The zones under `root`, of one interface only (`intel-rapl` or `amd-rapl`); `nil`, with a note, when
    /// there are none.
    private static func zonePaths(root: String, notes: inout [Note]) -> [RAPLZoneID: String]? {
        guard let entries = Directory.entries(root) else {
            notes.append(
                Note(
                    .info, code: "rapl-absent",
                    "No RAPL energy counters: \(root) does not exist or cannot be opened. "
                        + "RAPL needs Linux on bare metal or a VM "
                        + "that passes it through, with the intel_rapl_msr driver (AMD CPUs: Linux 5.8 or later)."
                )
            )
            return nil
        }

        var zonePaths = findZones(root: root, entries: entries)
        let prefixes = Set(zonePaths.keys.map(\.prefix))
        if prefixes.count > 1, let preferred = RAPLZoneID.prefixes.first(where: prefixes.contains) {
            // Two interfaces over the same hardware would count every package twice.
            zonePaths = zonePaths.filter { $0.key.prefix == preferred }
            let ignored = prefixes.subtracting([preferred]).sorted().joined(separator: ", ")
            notes.append(
                Note(
                    .info, code: "rapl-interfaces",
                    "Found RAPL zones of both \(preferred) and \(ignored); using \(preferred) only."
                )
            )
        }
        guard !zonePaths.isEmpty else {
            notes.append(
                Note(
                    .info, code: "rapl-absent",
                    "No RAPL zones under \(root). Load the driver with `sudo modprobe intel_rapl_msr` "
                        + "(AMD CPUs need Linux 5.8 or later)."
                )
            )
            return nil
        }
        return zonePaths
    }

    /// The domain kinds the selection uses on this machine (the packages when psys is asked for and absent).
    private static func selectedKinds(for selection: RAPLSelection, zones: [Zone], notes: inout [Note]) -> Set<RAPLDomainInfo.Kind> {
        var kinds: Set<RAPLDomainInfo.Kind>
        switch selection {
        case .packages: kinds = [.package]
        case .packagesAndDRAM: kinds = [.package, .dram]
        case .psys: kinds = [.psys]
        }
        if selection == .psys, !zones.contains(where: { $0.info.kind == .psys }) {
            kinds = [.package]
            notes.append(
                Note(
                    .info, code: "rapl-psys-absent",
                    "No RAPL psys (platform) domain on this machine; using the package domains."
                )
            )
        }
        if selection == .packagesAndDRAM, !zones.contains(where: { $0.info.kind == .dram }) {
            notes.append(
                Note(
                    .info, code: "rapl-dram-absent",
                    "No RAPL dram domain on this machine; memory energy is not measured."
                )
            )
        }
        return kinds
    }

    /// The indices of the zones of the selected kinds; `nil`, with a note, when there is none or one of them
    /// cannot be read (a CPU figure missing a package would mislead).
    private static func usableZones(
        _ zones: [Zone], kinds: Set<RAPLDomainInfo.Kind>, root: String, notes: inout [Note]
    ) -> [Int]? {
        let wanted = zones.indices.filter { kinds.contains(zones[$0].info.kind) }
        guard !wanted.isEmpty else {
            let names = zones.map { "\($0.info.zone) (\($0.info.name.isEmpty ? "no name" : $0.info.name))" }
            notes.append(
                Note(
                    .info, code: "rapl-no-domain",
                    "RAPL zones found (\(names.joined(separator: ", "))), but none is a "
                        + "\(kinds.map(\.rawValue).sorted().joined(separator: " or ")) domain."
                )
            )
            return nil
        }

        // Every selected counter must be readable: a CPU figure missing a package would mislead.
        let denied = wanted.compactMap { index -> (file: String, error: SysfsReadError)? in
            if case .denied(let file, let error) = zones[index].status { return (file, error) }
            return nil
        }
        if let first = denied.first {
            let prefix = zones[wanted[0]].id.prefix
            notes.append(
                Note(
                    .warning, code: "rapl-unreadable",
                    "Cannot read \(first.file): \(first.error.reason)"
                        + (denied.count > 1 ? " (and \(denied.count - 1) more RAPL counters)" : "") + ". "
                        + "Since Linux 5.10, RAPL energy counters are readable by root only (CVE-2020-8694). "
                        + "To measure CPU energy, run `sudo chmod a+r \(root)/\(prefix):*/energy_uj "
                        + "\(root)/\(prefix):*:*/energy_uj` (this resets at reboot; a udev rule can reapply it, "
                        + "and on a shared machine it reopens that power side channel), or run as root."
                )
            )
            return nil
        }
        let failures = wanted.compactMap { index -> String? in
            if case .failed(let reason) = zones[index].status { return reason }
            return nil
        }
        if !failures.isEmpty {
            notes.append(
                Note(
                    .warning, code: "rapl-invalid",
                    "RAPL counters cannot be used: \(failures.joined(separator: "; "))."
                )
            )
            return nil
        }
        return wanted
    }

    /// `wanted` without the per-die zones that mirror another selected zone of the same package (with a note each).
    private static func droppingMirroredDies(
        _ wanted: [Int], zones: [Zone], reader: SysfsReader, notes: inout [Note]
    ) -> [Int] {
        var kept: [Int] = []
        for index in wanted {
            let zone = zones[index]
            let twin = kept.first { keptIndex in
                let other = zones[keptIndex]
                return other.info.kind == zone.info.kind && other.info.package == zone.info.package
                    && (zone.info.die != nil || other.info.die != nil)
                    && mirrors(earlier: other, later: zone, reader: reader)
            }
            if let twin {
                let other = zones[twin].info
                notes.append(
                    Note(
                        .info, code: "rapl-mirrored-die",
                        "Ignored RAPL zone \(zone.info.zone) (\(zone.info.name)): it reports the same counter as "
                            + "\(other.zone) (\(other.name)), so adding it would count package "
                            + "\(zone.info.package.map(String.init) ?? "?") twice."
                    )
                )
            } else {
                kept.append(index)
            }
        }
        return kept
    }

    /// The zones of one channel: a package's dies, a package's DRAM, or one psys zone.
    private typealias ChannelGroup = (kind: RAPLDomainInfo.Kind, package: Int?, zones: [Int])

    /// One group per package (dies together), per package's DRAM, per psys zone; packages first, then DRAM, then psys.
    private static func channelGroups(_ kept: [Int], zones: [Zone]) -> [ChannelGroup] {
        var groups: [ChannelGroup] = []
        for index in kept {
            let info = zones[index].info
            if info.kind != .psys,
                let group = groups.firstIndex(where: { $0.kind == info.kind && $0.package == info.package })
            {
                groups[group].zones.append(index)
            } else {
                groups.append((info.kind, info.package, [index]))
            }
        }
        let order: [RAPLDomainInfo.Kind] = [.package, .dram, .psys]
        groups.sort { a, b in
            let ka = order.firstIndex(of: a.kind) ?? order.count
            let kb = order.firstIndex(of: b.kind) ?? order.count
            if ka != kb { return ka < kb }
            return (a.package ?? -1, a.zones[0]) < (b.package ?? -1, b.zones[0])
        }
        return groups
    }

    /// A channel over each group's counters (dies summed, with a note), marking their domains as selected.
    private static func makeChannels(
        _ groups: [ChannelGroup], zones: [Zone], discovery: inout RAPLDiscovery
    ) -> [(channel: EnergyChannel, counters: [Counter])] {
        var channels: [(channel: EnergyChannel, counters: [Counter])] = []
        var psysCount = 0
        for group in groups {
            let members = group.zones.map { zones[$0] }
            let kind: ComponentKind
            let name: String
            switch group.kind {
            case .dram:
                kind = .dram
                name = "dram-\(group.package ?? members[0].id.indices[0])"
            case .psys:
                kind = .psys
                name = psysCount == 0 ? "psys" : "psys-\(psysCount)"
                psysCount += 1
            default:
                kind = .cpu
                name = "package-\(group.package ?? members[0].id.indices[0])"
            }
            if members.count > 1 {
                let list = members.map { "\($0.info.zone) (\($0.info.name))" }.joined(separator: ", ")
                discovery.notes.append(
                    Note(.info, code: "rapl-dies-summed", "RAPL \(name) is the sum of its per-die counters: \(list).")
                )
            }
            var counters: [Counter] = []
            for member in members {
                guard case .ok(let value, let range) = member.status else { continue }
                counters.append(Counter(zone: member.info.zone, file: member.energyFile, maxRange: range, last: value))
                if let domain = discovery.domains.firstIndex(where: { $0.zone == member.info.zone }) {
                    discovery.domains[domain].selected = true
                }
            }
            let channel = EnergyChannel(
                id: "rapl:\(members[0].info.zone)", kind: kind, name: name,
                method: Method(.measured, "rapl", detail: members.map(\.energyFile).joined(separator: " + "))
            )
            channels.append((channel, counters))
        }
        return channels
    }

    // MARK: - Zones

    /// A zone as discovery sees it.
    private struct Zone {
        enum Status {
            case ok(value: UInt64, range: UInt64)
            case denied(file: String, error: SysfsReadError)
            case failed(String)
        }

        var id: RAPLZoneID
        var info: RAPLDomainInfo
        var status: Status
        var energyFile: String { info.path + "/energy_uj" }
    }

    /// The zone directories: the root's entries, plus subzones nested in a top-level zone's directory.
    private static func findZones(root: String, entries: [String]) -> [RAPLZoneID: String] {
        var paths: [RAPLZoneID: String] = [:]
        for entry in entries {
            let path = root + "/" + entry
            if let id = RAPLZoneID(entry), Directory.isDirectory(path) { paths[id] = path }
        }
        for (id, path) in paths where id.isTopLevel {
            for entry in Directory.entries(path) ?? [] {
                let subPath = path + "/" + entry
                if let sub = RAPLZoneID(entry), sub.parent == id, paths[sub] == nil, Directory.isDirectory(subPath) {
                    paths[sub] = subPath
                }
            }
        }
        return paths
    }

    /// Reads every zone's name and counters, in zone order.
    private static func readZones(_ paths: [RAPLZoneID: String], reader: SysfsReader) -> [Zone] {
        let ids = paths.keys.sorted()
        var names: [RAPLZoneID: RAPLDomainName] = [:]
        var zones: [Zone] = []
        for id in ids {
            let path = paths[id]!
            let name: String
            switch reader.readFile(path + "/name") {
            case .success(let text): name = String(SysfsText.trimmed(text))
            case .failure: name = ""
            }
            var domain = RAPLDomainName(name)
            if let parent = id.parent, domain.kind != .package, domain.kind != .psys {
                // Subzones (dram, core, uncore) belong to their parent's package and die.
                let parentName = names[parent]
                domain.package = parentName?.package ?? id.indices[0]
                domain.die = parentName?.die
            }
            names[id] = domain
            let status = readStatus(path, reader: reader)
            var range: Energy?
            if case .ok(_, let value) = status { range = Energy(microjoules: Double(value)) }
            let readable: Bool
            if case .ok = status { readable = true } else { readable = false }
            let info = RAPLDomainInfo(
                zone: id.description, path: path, name: name, kind: domain.kind, package: domain.package,
                die: domain.die, readable: readable, maxEnergyRange: range, selected: false
            )
            zones.append(Zone(id: id, info: info, status: status))
        }
        return zones
    }

    private static func readStatus(_ path: String, reader: SysfsReader) -> Zone.Status {
        var values: [UInt64] = []
        for file in [path + "/energy_uj", path + "/max_energy_range_uj"] {
            switch reader.readFile(file) {
            case .failure(let error) where error.isPermissionDenied:
                return .denied(file: file, error: error)
            case .failure(let error):
                return .failed("cannot read \(file): \(error.reason)")
            case .success(let text):
                guard let value = SysfsText.counter(text) else {
                    return .failed("\(file) holds \(SysfsText.quoted(text)), not a number of microjoules")
                }
                values.append(value)
            }
        }
        return .ok(value: values[0], range: values[1])
    }

    /// Whether `later` reports the same counter as `earlier`, which was read before it.
    ///
    /// A live counter may tick between the two reads, so `earlier` is read again: a mirror's value
    /// lies between the two readings of the counter it mirrors.
    private static func mirrors(earlier: Zone, later: Zone, reader: SysfsReader) -> Bool {
        guard case .ok(let first, let range) = earlier.status, case .ok(let value, let otherRange) = later.status,
            range == otherRange
        else { return false }
        if value == first { return true }
        guard value > first, let again = try? readCounter(earlier.energyFile, reader: reader) else { return false }
        return value <= again
    }
}

/// Directory listing with `opendir`, following symbolic links as `/sys/class/powercap` needs.
private enum Directory {
    /// The names in a directory, without `.` and `..`; `nil` when it cannot be opened.
    static func entries(_ path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    /// Whether the path is a directory or a link to one.
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }
}
