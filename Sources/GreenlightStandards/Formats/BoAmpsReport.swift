public import Foundation
public import GreenlightCore

/// A Greenlight report as a BoAmps report (Boavizta's open format for the energy of AI tasks, format 0.1:
/// github.com/Boavizta/BoAmps/tree/main/model).
///
/// Beyond what CodeCarbon's export (3.2.6+) writes — one total measure, no tracking modes — every energy
/// component is its own measure, labelled with how it was obtained (`measurementMethod`
/// `greenlight:measured:rapl`, `greenlight:estimated:tdp-linear-v1`, and the tracking mode), and the grid
/// intensity used is written as `powerSourceCarbonIntensity`. The fields a report cannot know (the dataset,
/// the task family, the algorithms, the infrastructure type, the publisher) come from ``ReportMetadata``;
/// BoAmps' required ones missing there are an error naming them.
public enum BoAmpsReport {
    /// The BoAmps format version written.
    public static let formatVersion = "0.1"
    /// Where the format is specified.
    public static let specificationURI = "https://github.com/Boavizta/BoAmps/tree/main/model"

    /// The BoAmps JSON document (pretty, sorted keys).
    ///
    /// - Throws: ``GreenlightError`` (invalid input, parameter `meta`) naming a field BoAmps requires that
    ///   neither the report nor the metadata has.
    public static func render(_ report: Report, metadata: ReportMetadata) throws -> Data {
        let document = try make(report, metadata: metadata)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .throw
        var data = try encoder.encode(document)
        data.append(0x0A)
        return data
    }

    static func missing(_ field: String, _ example: String) -> GreenlightError {
        GreenlightError.invalidInput(
            "BoAmps requires \(field), which the report does not have; give it in the metadata file, e.g. \(example)",
            parameter: .init("meta"))
    }

    static func make(_ report: Report, metadata: ReportMetadata) throws -> Document {
        let stage = report.context?.stage.map(taskStage) ?? {
            switch report.kind {
            case .compress: "compression"
            default: nil
            }
        }()
        guard let stage else {
            throw GreenlightError.invalidInput("BoAmps requires task.taskStage: state the report's stage (training, inference, …)",
                                               parameter: .init("stage"))
        }
        guard let family = metadata.task?.taskFamily ?? report.context?.task else {
            throw missing("task.taskFamily", "task: {taskFamily: text classification} (or state the report's task)")
        }
        var algorithms = metadata.algorithms ?? []
        if algorithms.isEmpty, let model = report.context?.model {
            algorithms = [ReportMetadata.Algorithm(foundationModelName: model)]
        }
        guard !algorithms.isEmpty else {
            throw missing("task.algorithms", "algorithms: [{algorithmType: llm, foundationModelName: llama-3-8b}] (or state the report's model)")
        }
        guard let datasets = metadata.dataset, !datasets.isEmpty else {
            throw missing("task.dataset", "dataset: [{dataUsage: input, dataType: token, dataQuantity: 1e6}]")
        }
        for (i, d) in datasets.enumerated() where d.dataUsage == nil || d.dataType == nil {
            throw missing("dataset[\(i)].\(d.dataUsage == nil ? "dataUsage" : "dataType")", "dataset: [{dataUsage: input, dataType: token}]")
        }
        let cloud = report.carbon?.intensity.location.cloudProvider
        guard let infraType = metadata.infrastructure?.infraType ?? (cloud != nil ? "publicCloud" : nil) else {
            throw missing("infrastructure.infraType", "infrastructure: {infraType: onPremise} (publicCloud, privateCloud, onPremise or other)")
        }
        guard let energy = report.energy, !energy.components.isEmpty else {
            throw GreenlightError.invalidInput("BoAmps requires measures: the report has no energy (a \(report.kind.rawValue) report)")
        }
        if let publisher = metadata.publisher, publisher.confidentialityLevel == nil {
            throw missing("header.publisher.confidentialityLevel", "publisher: {name: ACME, confidentialityLevel: public}")
        }
        let header = Header(
            licensing: metadata.licensing, formatVersion: formatVersion, formatVersionSpecificationUri: specificationURI,
            reportId: report.id, reportDatetime: dateTime(report.createdAt), reportStatus: metadata.reportStatus,
            publisher: metadata.publisher)
        let task = Task(
            taskStage: stage, taskFamily: family, nbRequest: metadata.task?.nbRequest, algorithms: algorithms, dataset: datasets,
            measuredAccuracy: metadata.task?.measuredAccuracy, estimatedAccuracy: metadata.task?.estimatedAccuracy,
            taskDescription: metadata.task?.taskDescription)
        return Document(
            header: header, task: task, measures: measures(report, energy), system: report.host?.os.map { System(os: $0) },
            infrastructure: Infrastructure(
                infraType: infraType, cloudProvider: metadata.infrastructure?.cloudProvider ?? cloud,
                cloudInstance: metadata.infrastructure?.cloudInstance, cloudService: metadata.infrastructure?.cloudService,
                components: components(report, energy)),
            environment: environment(report, metadata), quality: metadata.quality)
    }

    /// BoAmps' stage words (`finetuning`, as its examples write it).
    static func taskStage(_ stage: ReportContext.Stage) -> String {
        switch stage {
        case .fineTuning: "finetuning"
        default: stage.rawValue
        }
    }

    /// One measure per component: the process tree's share of its energy (kWh, before PUE), how it was obtained.
    static func measures(_ report: Report, _ energy: EnergySection) -> [Measure] {
        let duration = report.run?.duration.seconds ?? report.estimate?.duration.seconds ?? report.compression?.duration.seconds
        let started = report.run?.startedAt ?? report.createdAt.addingTimeInterval(-(duration ?? 0))
        var cpuUtilization: Double?
        if let p = report.process, let run = report.run, let cpus = report.host?.logicalCPUs, cpus > 0, run.duration.seconds > 0 {
            cpuUtilization = min(1, p.cpuTime.seconds / (run.duration.seconds * Double(cpus)))
        }
        return energy.components.map { c in
            let mode = trackingMode(c.method)
            return Measure(
                measurementMethod: "greenlight:\(c.method.label)", version: report.tool.version,
                cpuTrackingMode: c.kind == .cpu || c.kind == .psys || c.kind == .dram || c.kind == .ram ? mode : nil,
                gpuTrackingMode: c.kind == .gpu ? mode : nil,
                averageUtilizationCpu: c.kind == .cpu ? cpuUtilization.map { ($0 * 10_000).rounded() / 10_000 } : nil,
                powerConsumption: c.processEnergy.kilowattHours, measurementDuration: duration,
                measurementDateTime: dateTime(started))
        }
    }

    /// `rapl`, `nvml`, or the estimation model (`constant` is what CodeCarbon calls a TDP-based estimate).
    static func trackingMode(_ method: Method) -> String {
        switch (method.kind, method.source) {
        case (.measured, "rapl"): "rapl"
        case (.measured, let s) where s.hasPrefix("nvml"): "nvml"
        case (.measured, let s): s
        default: "constant (estimated: \(method.source))"
        }
    }

    static func components(_ report: Report, _ energy: EnergySection) -> [Component] {
        if let estimate = report.estimate {
            return zip(estimate.hardware, energy.components).map { device, c in
                Component(componentName: device.model, componentType: c.kind.rawValue, nbComponent: device.count)
            }
        }
        var out: [Component] = []
        let cpus = energy.components.filter { $0.kind == .cpu }
        if !cpus.isEmpty || report.host?.cpuModel != nil {
            out.append(Component(componentName: report.host?.cpuModel, componentType: "cpu", nbComponent: max(1, cpus.count)))
        }
        var gpuCounts: [String: Int] = [:]
        for gpu in report.host?.gpus ?? [] { gpuCounts[gpu.name, default: 0] += 1 }
        for (name, count) in gpuCounts.sorted(by: { $0.key < $1.key }) {
            out.append(Component(componentName: name, componentType: "gpu", nbComponent: count))
        }
        if let memory = report.host?.memoryBytes {
            out.append(Component(componentName: nil, componentType: "ram", nbComponent: 1, memorySize: (Double(memory) / 1e9 * 1000).rounded() / 1000))
        }
        if out.isEmpty { out = energy.components.map { Component(componentName: $0.name, componentType: $0.kind.rawValue, nbComponent: 1) } }
        return out
    }

    static func environment(_ report: Report, _ metadata: ReportMetadata) -> Environment? {
        guard let carbon = report.carbon else { return nil }
        let location = carbon.intensity.location
        let country = location.countryName ?? location.countryISO3 ?? (location.cloudProvider != nil ? "unknown" : "world")
        let place = [location.region, location.cloudRegion.map { "\(location.cloudProvider ?? "cloud"):\($0)" }].compactMap { $0 }
        let env = metadata.environment
        return Environment(
            country: country, latitude: env?.latitude, longitude: env?.longitude,
            location: env?.location ?? (place.isEmpty ? nil : place.joined(separator: ", ")),
            powerSupplierType: env?.powerSupplierType, powerSource: env?.powerSource,
            powerSourceCarbonIntensity: carbon.intensity.value.gramsPerKilowattHour)
    }

    /// `YYYY-MM-DD HH:MM:SS` in UTC, as BoAmps writes dates.
    static func dateTime(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.string(from: date)
    }

    // MARK: - The document, field for field (nil fields are left out, as BoAmps' own examples do).

    struct Document: Encodable {
        let header: Header
        let task: Task
        let measures: [Measure]
        let system: System?
        let infrastructure: Infrastructure
        let environment: Environment?
        let quality: String?
    }

    struct Header: Encodable {
        let licensing: String?
        let formatVersion: String
        let formatVersionSpecificationUri: String
        let reportId: String
        let reportDatetime: String
        let reportStatus: String?
        let publisher: ReportMetadata.Publisher?
    }

    struct Task: Encodable {
        let taskStage: String
        let taskFamily: String
        let nbRequest: Double?
        let algorithms: [ReportMetadata.Algorithm]
        let dataset: [ReportMetadata.Dataset]
        let measuredAccuracy: Double?
        let estimatedAccuracy: String?
        let taskDescription: String?
    }

    struct Measure: Encodable {
        let measurementMethod: String
        let version: String
        let cpuTrackingMode: String?
        let gpuTrackingMode: String?
        let averageUtilizationCpu: Double?
        let powerConsumption: Double
        let measurementDuration: Double?
        let measurementDateTime: String
    }

    struct System: Encodable {
        let os: String
    }

    struct Infrastructure: Encodable {
        let infraType: String
        let cloudProvider: String?
        let cloudInstance: String?
        let cloudService: String?
        let components: [Component]
    }

    struct Component: Encodable {
        let componentName: String?
        let componentType: String
        let nbComponent: Int
        var memorySize: Double? = nil
    }

    struct Environment: Encodable {
        let country: String
        let latitude: Double?
        let longitude: Double?
        let location: String?
        let powerSupplierType: String?
        let powerSource: String?
        let powerSourceCarbonIntensity: Double
    }
}
