import Foundation

/// Estimates the energy and carbon of a planned run from catalogue data, without running anything.
///
/// The model, step by step:
///
/// 1. **Duration.** Given as hours, or derived from compute:
///    `hours = FLOPs / (count × peak[precision] × MFU) / 3600`, where `peak` is the device's peak dense rate
///    from the ``HardwareCatalogue`` and MFU (model FLOPs utilisation) the fraction of it the workload achieves.
///    For `.training(parameters: N, tokens: D)`, `FLOPs = 6 × N × D`.
/// 2. **Power per device.** The `tdp-linear-v1` model (``CPUPowerModel``) applied to the device's board power:
///    `P = TDP × (0.1 + 0.9 × u)`, with u the mean utilisation (default 1.0, i.e. P = TDP).
///    For FLOP-based estimates u describes power draw, not FLOP efficiency: training at 30–50 % MFU typically
///    keeps accelerators near their power limit, so the default stays 1.0 there too.
/// 3. **Energy.** `E_IT = count × P × hours`; facility energy `E = E_IT × PUE` (default PUE 1.0).
/// 4. **Carbon.** `C = E × I`, with I from the ``GridIntensityDatabase`` for the requested location
///    (world average 475 gCO2e/kWh when none is given).
/// 5. **SCI** (optional). `((E × I) + M) / R` when a functional unit is given, M from ``SCI/embodied(_:timeReserved:method:)``
///    with the run's duration as time reserved.
///
/// Only the named devices are counted: host CPUs, memory, networking and storage of the machines that hold
/// them are not included (a note in the report says so). The devices are taken to be reserved for the run, so
/// all their energy, idle floor included, is attributed to the workload.
public enum Estimator {
    /// Utilisation when none is given: 1.0 (devices at TDP), the usual "TDP × time" upper bound.
    public static let defaultUtilization = 1.0
    /// Model FLOPs utilisation when none is given: 0.4, typical of well-tuned large-model training
    /// (reported MFUs of large dense-transformer runs lie around 0.35–0.55).
    public static let defaultMFU = 0.4
    /// Precision of the peak rate when none is given: bf16, the usual training precision.
    public static let defaultPrecision = Precision.bf16
    /// PUE when none is given: 1.0, i.e. no facility overhead counted.
    public static let defaultPUE = 1.0
    /// The longest plan an estimate represents: 2.5 × 10¹⁵ hours, where `Int64` seconds end.
    public static let maximumHours = 2.5e15

    /// Builds an estimate report.
    ///
    /// - Parameters:
    ///   - request: The devices, the work, and optional assumptions; `nil` fields take the documented defaults.
    ///   - catalogue: Where device figures come from.
    ///   - grid: Where the grid intensity comes from.
    /// - Returns: A `Report` of kind `.estimate` with an energy section (one estimated component), a carbon
    ///   section, the estimate's inputs and formula, an SCI score when a functional unit was given, and a note
    ///   for every default used.
    /// - Throws: ``GreenlightError``: invalid argument, with its ``GreenlightError/parameter``, for a count below
    ///   1, non-positive or non-finite hours (or hours beyond ``maximumHours``), FLOPs, parameters or tokens, a
    ///   utilisation outside 0…1, an MFU outside (0, 1], a PUE below 1, or MFU or precision given with an
    ///   hours-based estimate; invalid input for a precision the device has no figure for or a derived duration
    ///   beyond ``maximumHours``; not found for an unknown device or location.
    public static func estimate(
        _ request: EstimateRequest, catalogue: HardwareCatalogue = .bundled, grid: GridIntensityDatabase = .bundled
    ) throws -> Report {
        guard request.count >= 1 else {
            throw GreenlightError.invalidArgument("the device count must be at least 1, got \(request.count)", parameter: "count")
        }
        let device = try catalogue.device(named: request.device)
        var notes: [Note] = []

        // Work → FLOPs (if compute-based) and hours.
        let work = try computeWork(request)
        let flops = work.flops
        var formula = work.formula
        let utilization = try resolvedUtilization(request, computeBased: flops != nil, notes: &notes)
        let (hours, mfu, precision) = try plannedHours(
            request, device: device, flops: flops, formula: &formula, notes: &notes)
        let pue = try resolvedPUE(request, notes: &notes)
        // Durations are exact to the second up to Int64 seconds (2.9 × 10¹¹ years); a plan beyond that is a typo.
        guard hours <= maximumHours else {
            throw GreenlightError.invalidInput(
                "the planned duration is \(sci(hours)) hours (\(sci(hours / 8766)) years), beyond the \(sci(maximumHours)) hours an estimate can represent; check the FLOPs, parameters, tokens or hours")
        }

        let duration = Duration.seconds(hours * 3600)
        let section = energySection(
            request, device: device, utilization: utilization, pue: pue, hours: hours, duration: duration,
            formula: &formula)
        let (carbon, score) = try carbonAndScore(
            request, section: section, duration: duration, grid: grid, formula: &formula, notes: &notes)

        notes.append(Note(.info, code: "estimate-scope",
                          "Only the \(request.count) × \(device.name) \(device.kind == .gpu ? "GPU" : "CPU")(s) are counted; host CPUs, memory, networking and storage are not included."))

        let inputs = EstimateInputs(
            hardware: [EstimatedDevice(model: device.name, count: request.count, tdp: device.tdpFigure)],
            duration: duration, utilization: utilization, flops: flops, mfu: mfu, precision: precision?.rawValue,
            formula: formula.joined(separator: "; "))
        return Report(kind: .estimate, energy: section, carbon: carbon, sci: score, estimate: inputs, context: request.context, notes: notes)
    }

    /// The FLOPs of a compute-based estimate (`nil` for an hours-based one), and the formula so far.
    private static func computeWork(_ request: EstimateRequest) throws -> (flops: Double?, formula: [String]) {
        var flops: Double?
        var formula: [String] = []
        switch request.work {
        case .hours(let h):
            guard h.isFinite, h > 0 else {
                throw GreenlightError.invalidArgument("the duration must be a positive number of hours, got \(h)", parameter: "hours")
            }
            // Given hours beyond the limit are the caller's number; the check in `estimate` covers derived ones.
            guard h <= maximumHours else {
                throw GreenlightError.invalidArgument(
                    "the duration must be at most \(sci(maximumHours)) hours, the longest an estimate can represent, got \(sci(h))",
                    parameter: "hours")
            }
            guard request.mfu == nil, request.precision == nil else {
                throw GreenlightError.invalidArgument(
                    "MFU and precision apply only to compute-based estimates (FLOPs, or parameters and tokens); an hours-based estimate does not use them",
                    parameter: request.mfu != nil ? "mfu" : "precision")
            }
        case .flops(let f):
            guard f.isFinite, f > 0 else {
                throw GreenlightError.invalidArgument("the FLOP count must be a positive number, got \(f)", parameter: "flops")
            }
            flops = f
        case .training(let n, let d):
            guard n.isFinite, n > 0 else {
                throw GreenlightError.invalidArgument("the parameter count must be a positive number, got \(n)", parameter: "parameters")
            }
            guard d.isFinite, d > 0 else {
                throw GreenlightError.invalidArgument("the token count must be a positive number, got \(d)", parameter: "tokens")
            }
            flops = 6 * n * d
            formula.append("FLOPs = 6 × N × D = 6 × \(sci(n)) × \(sci(d)) = \(sci(6 * n * d))")
        }

        return (flops, formula)
    }

    /// The mean utilisation given, or 1.0 with a note saying why.
    private static func resolvedUtilization(
        _ request: EstimateRequest, computeBased: Bool, notes: inout [Note]
    ) throws -> Figure<Double> {
        let utilization: Figure<Double>
        if let u = request.utilization {
            guard u.isFinite, (0...1).contains(u) else {
                throw GreenlightError.invalidArgument("utilisation must be between 0 and 1, got \(u)", parameter: "utilization")
            }
            utilization = Figure(u, Method(.user, "utilization", detail: "given by the user"))
        } else {
            let why = !computeBased
                ? "devices at full load (power = TDP), the usual TDP × time upper bound"
                : "devices at their power limit while computing, as large-model training at 30–50 % MFU typically runs near TDP"
            utilization = Figure(defaultUtilization, Method(.default, "full-load", detail: "utilisation 1.0: \(why)"))
            notes.append(Note(.warning, code: "default-utilization",
                              "No utilisation was given, so 1.0 was assumed: \(why). Give the expected mean utilisation (0–1) to change it."))
        }

        return utilization
    }

    /// The run's duration in hours: given, or derived from the FLOPs, the device's peak rate and the MFU (which,
    /// with the precision, is returned for a compute-based estimate).
    private static func plannedHours(
        _ request: EstimateRequest, device: DeviceSpec, flops: Double?, formula: inout [String],
        notes: inout [Note]
    ) throws -> (hours: Double, mfu: Figure<Double>?, precision: Precision?) {
        if let flops {
            let m = try resolvedMFU(request, notes: &notes)
            let p = resolvedPrecision(request, notes: &notes)
            guard let peak = device.peak(p) else {
                let have = Precision.allCases.filter { device.peak($0) != nil }.map(\.rawValue)
                let listed = have.isEmpty ? "no peak FLOP rates; estimate it by hours instead" : "figures for \(have.joined(separator: ", "))"
                throw GreenlightError.invalidInput("the catalogue has no \(p) peak rate for \(device.name); it has \(listed)")
            }
            let hours = flops / (Double(request.count) * peak * m.value) / 3600
            guard hours.isFinite, hours > 0 else {
                throw GreenlightError.invalidInput("the derived duration is not a positive finite number of hours")
            }
            formula.append("hours = FLOPs / (count × peak \(p) × MFU) / 3600 = \(sci(flops)) / (\(request.count) × \(sci(peak)) FLOP/s × \(Format.number(m.value))) / 3600 = \(Format.number(hours)) h")
            return (hours, m, p)
        } else if case .hours(let h) = request.work {
            return (h, nil, nil)
        } else {
            return (0, nil, nil)  // unreachable: every compute-based case sets flops
        }
    }

    /// The MFU given, or 0.4 with a note.
    private static func resolvedMFU(_ request: EstimateRequest, notes: inout [Note]) throws -> Figure<Double> {
        let m: Figure<Double>
        if let given = request.mfu {
            guard given.isFinite, given > 0, given <= 1 else {
                throw GreenlightError.invalidArgument("MFU must be greater than 0 and at most 1, got \(given)", parameter: "mfu")
            }
            m = Figure(given, Method(.user, "mfu", detail: "given by the user"))
        } else {
            m = Figure(defaultMFU, Method(.default, "mfu-0.4", detail: "MFU 0.4, typical of well-tuned large-model training"))
            notes.append(Note(.warning, code: "default-mfu",
                              "No MFU was given, so 0.4 of peak was assumed (typical of well-tuned large-model training; small or inference workloads often reach far less). Give the MFU to change it.", parameter: "mfu"))
        }
        return m
    }

    /// The precision given, or bf16 with a note.
    private static func resolvedPrecision(_ request: EstimateRequest, notes: inout [Note]) -> Precision {
        let p: Precision
        if let given = request.precision {
            p = given
        } else {
            p = defaultPrecision
            notes.append(Note(.info, code: "default-precision",
                              "No precision was given, so the device's peak \(p) rate was used. Give the precision to change it.", parameter: "precision"))
        }
        return p
    }

    /// The PUE given, or 1.0 with a note.
    private static func resolvedPUE(_ request: EstimateRequest, notes: inout [Note]) throws -> Figure<Double> {
        let pue: Figure<Double>
        if let given = request.pue {
            guard given.isFinite, given >= 1 else {
                throw GreenlightError.invalidArgument(
                    "PUE must be at least 1.0 (facility energy divided by IT energy), got \(given)", parameter: "pue")
            }
            pue = Figure(given, Method(.user, "pue", detail: "given by the user"))
        } else {
            pue = Figure(defaultPUE, Method(.default, "pue-1.0", detail: "PUE 1.0: no facility overhead counted"))
            notes.append(Note(.info, code: "default-pue",
                              "No PUE was given, so 1.0 was used (no cooling or power-distribution overhead). Data centres typically run at 1.1–1.6; give the PUE to include it.", parameter: "pue"))
        }

        return pue
    }

    /// The energy section of `count` devices at the utilisation's power for the duration, facility energy by PUE.
    private static func energySection(
        _ request: EstimateRequest, device: DeviceSpec, utilization: Figure<Double>, pue: Figure<Double>,
        hours: Double, duration: Duration, formula: inout [String]
    ) -> EnergySection {
        let perDevice = CPUPowerModel.power(tdp: device.tdp, utilization: utilization.value)
        let total = perDevice * Double(request.count)
        let energy = total * duration
        let dedicated = Method(.derived, "dedicated-hardware",
                               detail: "the devices are reserved for the workload, so all their energy, idle floor included, is attributed to it")
        let component = EnergyComponent(
            kind: device.componentKind, name: "\(request.count) × \(device.name) (estimated)", energy: energy,
            idleEnergy: .zero, processEnergy: energy, meanPower: total,
            method: Method(.estimated, CPUPowerModel.methodID,
                           detail: "\(request.count) × \(device.name) TDP \(device.tdp) × (0.1 + 0.9 × \(Format.number(utilization.value))) = \(total)"),
            idleMethod: dedicated, attributionMethod: dedicated)
        let section = EnergySection.summing([component], duration: duration, pue: pue, processMethod: dedicated)
        formula.append("E = count × TDP × (0.1 + 0.9 × u) × hours × PUE = \(request.count) × \(Format.number(device.tdp.watts)) W × "
                       + "(0.1 + 0.9 × \(Format.number(utilization.value))) × \(Format.number(hours)) h × \(Format.number(pue.value)) = \(section.processFacilityEnergy)")

        return section
    }

    /// The carbon section at the location's grid intensity, and the SCI score when a functional unit is given.
    private static func carbonAndScore(
        _ request: EstimateRequest, section: EnergySection, duration: Duration, grid: GridIntensityDatabase,
        formula: inout [String], notes: inout [Note]
    ) throws -> (carbon: CarbonSection, score: SCIScore?) {
        let resolution = try grid.lookup(request.location)
        notes.append(contentsOf: resolution.notes)
        let intensity = resolution.intensity.value
        let embodied = try request.embodied.map { try SCI.embodied($0, timeReserved: duration) }
        let carbon = CarbonSection(
            intensity: resolution.intensity, process: intensity * section.processFacilityEnergy,
            host: intensity * section.hostFacilityEnergy, embodied: embodied)
        formula.append("C = E × I = \(section.processFacilityEnergy) × \(intensity) = \(carbon.process)")
        let score = try request.functionalUnit.map {
            try SCI.score(unit: $0, energy: section.processFacilityEnergy, intensity: intensity, embodied: embodied)
        }
        if let score {
            formula.append("SCI = (E × I + M) / R = (\(score.operational) + \(score.embodied)) / \(Format.number(score.units)) \(score.functionalUnit) = \(score.score) per \(score.functionalUnit)")
        }

        return (carbon, score)
    }

    /// A number in compact scientific form for formulas, e.g. `8.4e22`.
    private static func sci(_ x: Double) -> String {
        if x != 0, abs(x) >= 1e6 || abs(x) < 1e-3 {
            var exponent = Int((log10(abs(x))).rounded(.down))
            var mantissa = Format.number(x / pow(10, Double(exponent)))
            if mantissa == "10" || mantissa == "-10" {
                exponent += 1
                mantissa = Format.number(x / pow(10, Double(exponent)))
            }
            return "\(mantissa)e\(exponent)"
        }
        return Format.number(x)
    }
}
