package import GreenlightCore

/// Which NVML devices `CUDA_VISIBLE_DEVICES` leaves visible, following CUDA's rules.
///
/// The value is a comma-separated list; each entry is
/// - a device index, read in NVML order (PCI bus order). CUDA's own order is the same only with
///   `CUDA_DEVICE_ORDER=PCI_BUS_ID`; otherwise a note says so when there is more than one GPU;
/// - a GPU UUID or a unique prefix of one (`GPU-8c3f…`);
/// - a MIG instance UUID or a unique prefix of one (`MIG-…`, or the older `MIG-GPU-<uuid>/<gi>/<ci>`),
///   which selects its parent GPU, with a note: NVML measures energy per physical GPU.
///
/// As in CUDA, the first entry that names no device (out of range, unknown or ambiguous UUID,
/// `-1`, a repeated device, an empty entry) ends the list, so `""` and `-1` hide every GPU.
/// Spaces around entries are ignored.
package enum CUDAVisibleDevices {
    /// What the parser knows of one NVML device.
    package struct Device: Sendable, Hashable {
        /// The GPU's UUID (`GPU-…`), when NVML gave one.
        package var uuid: String?
        /// UUIDs of the MIG instances on this GPU (`MIG-…`).
        package var migUUIDs: [String]

        /// Creates a device description.
        package init(uuid: String?, migUUIDs: [String] = []) {
            self.uuid = uuid
            self.migUUIDs = migUUIDs
        }
    }

    /// The visible devices and what the user should know about the choice.
    package struct Selection: Sendable, Hashable {
        /// NVML indices of the visible devices, in the order the variable lists them (CUDA's order).
        package var indices: [Int]
        /// Notes on ignored entries, MIG and index order.
        package var notes: [Note]

        /// Creates a selection.
        package init(indices: [Int], notes: [Note]) {
            self.indices = indices
            self.notes = notes
        }
    }

    /// Applies `CUDA_VISIBLE_DEVICES` to the NVML devices.
    ///
    /// - Parameters:
    ///   - value: The variable's value; `nil` when it is not set (every device is visible).
    ///   - devices: The NVML devices, in NVML index order.
    ///   - deviceOrder: The value of `CUDA_DEVICE_ORDER`, which decides whether indices match NVML's.
    /// - Returns: The visible devices' NVML indices and notes.
    package static func select(_ value: String?, devices: [Device], deviceOrder: String? = nil) -> Selection {
        guard let value else { return Selection(indices: Array(devices.indices), notes: []) }
        var indices: [Int] = []
        var notes: [Note] = []
        var usedIndexEntry = false
        var migEntries: [String] = []

        let entries = value.split(separator: ",", omittingEmptySubsequences: false)
        for (position, rawEntry) in entries.enumerated() {
            let entry = SysfsText.trimmed(String(rawEntry))
            var device: Int?
            var isMIGEntry = false
            if !entry.isEmpty, entry.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                usedIndexEntry = true
                if let index = Int(entry), index < devices.count { device = index }
            } else if entry.hasPrefix("GPU-"), entry.count > 4 {
                device = uniqueMatch(prefix: entry, in: devices.map { $0.uuid.map { [$0] } ?? [] })
            } else if entry.hasPrefix("MIG-"), entry.count > 4 {
                isMIGEntry = true
                device = uniqueMatch(prefix: entry, in: devices.map(\.migUUIDs))
                if device == nil, entry.hasPrefix("MIG-GPU-") {
                    // Drivers before R470 named MIG instances MIG-<parent GPU UUID>/<GPU instance>/<compute instance>.
                    let parent = entry.dropFirst(4).prefix { $0 != "/" }
                    device = uniqueMatch(prefix: parent, in: devices.map { $0.uuid.map { [$0] } ?? [] })
                }
            }

            if let device, isMIGEntry, indices.contains(device) {
                // Two MIG instances of one GPU: the physical GPU is already measured.
                migEntries.append(String(entry))
                continue
            }
            guard let device, !indices.contains(device) else {
                let rest = entries.count - position - 1
                let why = entry.isEmpty ? "an empty entry" : "\"\(entry)\", which names no GPU (or one already listed)"
                notes.append(
                    Note(
                        .info, code: "nvml-visible-devices",
                        "CUDA_VISIBLE_DEVICES=\"\(value)\" has \(why); as in CUDA, the list ends there"
                            + (rest > 0 ? " and the \(rest) entr\(rest == 1 ? "y" : "ies") after it are ignored." : ".")
                    )
                )
                break
            }
            if isMIGEntry { migEntries.append(String(entry)) }
            indices.append(device)
        }

        if !migEntries.isEmpty {
            notes.append(
                Note(
                    .info, code: "nvml-mig",
                    "CUDA_VISIBLE_DEVICES names MIG instances (\(migEntries.joined(separator: ", "))). NVML measures "
                        + "energy per physical GPU, so the whole GPU's energy is reported, including work of other "
                        + "MIG instances on it."
                )
            )
        }
        if usedIndexEntry, devices.count > 1, deviceOrder != "PCI_BUS_ID" {
            notes.append(
                Note(
                    .info, code: "nvml-device-order",
                    "CUDA_VISIBLE_DEVICES lists GPU indices, taken in NVML (PCI bus) order. CUDA numbers GPUs "
                        + "fastest first unless CUDA_DEVICE_ORDER=PCI_BUS_ID, so on a machine with mixed GPUs the "
                        + "indices may name other GPUs; set CUDA_DEVICE_ORDER=PCI_BUS_ID or use GPU UUIDs."
                )
            )
        }
        return Selection(indices: indices, notes: notes)
    }

    /// The device whose identifiers alone start with `prefix` (case-insensitive), or `nil`.
    private static func uniqueMatch(prefix: Substring, in identifiers: [[String]]) -> Int? {
        let prefix = prefix.lowercased()
        let matches = identifiers.indices.filter { device in
            identifiers[device].contains { $0.lowercased().hasPrefix(prefix) }
        }
        return matches.count == 1 ? matches[0] : nil
    }
}
