import GreenlightCore
import GreenlightMeter
import Testing

@Suite("CUDA_VISIBLE_DEVICES")
struct NVMLVisibleDevicesTests {
    static let devices = [
        CUDAVisibleDevices.Device(uuid: "GPU-11111111-2222-3333-4444-555555555555"),
        CUDAVisibleDevices.Device(
            uuid: "GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
            migUUIDs: ["MIG-fedcba98-7654-3210-fedc-ba9876543210", "MIG-fedc0000-0000-0000-0000-000000000000"]
        ),
        CUDAVisibleDevices.Device(uuid: "GPU-11112222-0000-0000-0000-000000000000"),
    ]

    static func select(_ value: String?, order: String? = "PCI_BUS_ID") -> CUDAVisibleDevices.Selection {
        CUDAVisibleDevices.select(value, devices: devices, deviceOrder: order)
    }

    @Test func unsetMeansEveryDevice() {
        #expect(Self.select(nil) == .init(indices: [0, 1, 2], notes: []))
        #expect(Self.select(nil, order: nil).notes.isEmpty)
    }

    @Test(arguments: [
        // Indices, in the order given.
        ("0", [0]), ("2", [2]), ("1,0", [1, 0]), ("0,1,2", [0, 1, 2]), (" 1 , 0 ", [1, 0]), ("007", []),
        // An invalid entry ends the list.
        ("", []), ("-1", []), ("0,-1,1", [0]), ("3", []), ("0,3,1", [0]), ("1,1,0", [1]), ("0,,1", [0]),
        ("0,abc,1", [0]), (",0", []), ("1,", [1]), ("+1", []), ("0x1", []), ("99999999999999999999", []),
        // GPU UUIDs and unique prefixes, any case.
        ("GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", [1]), ("GPU-aaaa", [1]), ("GPU-AAAA", [1]), ("GPU-a,0", [1, 0]),
        ("GPU-1111", []), ("GPU-11111111", [0]), ("GPU-1111,2", []), ("GPU-", []), ("GPU-zzz", []),
        ("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", []),
        // MIG instances select their parent GPU.
        ("MIG-fedcba98", [1]), ("MIG-fedc", [1]), ("MIG-fedc0000,0", [1, 0]), ("1,MIG-fedcba98,0", [1, 0]),
        ("MIG-GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/1/0", [1]), ("MIG-GPU-11111111/0/0", [0]),
        ("MIG-0000", []), ("MIG-", []),
    ])
    func parses(value: String, expected: [Int]) {
        #expect(Self.select(value).indices == expected)
    }

    @Test func invalidEntryIsNoted() throws {
        let selection = Self.select("0,GPU-zzz,1,2")
        #expect(selection.indices == [0])
        let note = try #require(selection.notes.first)
        #expect(selection.notes.count == 1)
        #expect(note.code == "nvml-visible-devices")
        #expect(note.message.contains("\"GPU-zzz\""))
        #expect(note.message.contains("2 entries after it are ignored"))
        #expect(Self.select("").notes.map(\.code) == ["nvml-visible-devices"])
        #expect(Self.select("0,1").notes.isEmpty)
    }

    @Test func migIsNoted() throws {
        let selection = Self.select("MIG-fedcba98")
        #expect(selection.notes.map(\.code) == ["nvml-mig"])
        #expect(selection.notes[0].message.contains("per physical GPU"))
        #expect(selection.notes[0].message.contains("MIG-fedcba98"))
    }

    @Test func indexOrderIsNotedUnlessPCIBusOrder() {
        #expect(Self.select("0", order: nil).notes.map(\.code) == ["nvml-device-order"])
        #expect(Self.select("0", order: "FASTEST_FIRST").notes.map(\.code) == ["nvml-device-order"])
        #expect(Self.select("0", order: "PCI_BUS_ID").notes.isEmpty)
        #expect(Self.select("GPU-aaaa", order: nil).notes.isEmpty)
        // One GPU: there is only one order.
        let single = CUDAVisibleDevices.select("0", devices: [Self.devices[0]], deviceOrder: nil)
        #expect(single == .init(indices: [0], notes: []))
    }

    @Test func devicesWithoutUUIDs() {
        let devices = [CUDAVisibleDevices.Device(uuid: nil), CUDAVisibleDevices.Device(uuid: nil)]
        #expect(CUDAVisibleDevices.select("1", devices: devices, deviceOrder: "PCI_BUS_ID").indices == [1])
        #expect(CUDAVisibleDevices.select("GPU-1", devices: devices).indices == [])
        #expect(CUDAVisibleDevices.select("0", devices: []).indices == [])
    }
}
