// The metrics of estimates and compressions.

extension EstimateInputs: ReportMetricProvider {
    /// How an estimate's duration was obtained: given in hours, or derived from its FLOPs.
    static func durationMethod(_ e: EstimateInputs) -> String {
        e.flops == nil ? "user:hours" : "derived:flops-over-peak-rate"
    }

    /// Given FLOPs, or the training rule's 6·N·D.
    static func flopsMethod(_ e: EstimateInputs) -> String {
        e.formula.hasPrefix("FLOPs = 6 × N × D") ? "derived:6ND" : "user:flops"
    }

    public static var metrics: [ReportMetric] {
        [
            ReportMetric("compute.flops", .flops,
                         "the work's floating-point operations: an estimate's (given, or 6·N·D), or a run's as stated with --flops",
                         kinds: [.run, .estimate], combination: .sum) { r in
                if let e = r.estimate, let flops = e.flops { return .number(flops, flopsMethod(e)) }
                return r.context?.flops.map { .number($0, "user:flops") }
            },
            ReportMetric("estimate.flops", .flops, "the planned work's floating-point operations (given, or 6·N·D)",
                         kinds: [.estimate], combination: .sum) { r in
                r.estimate.flatMap { e in e.flops.map { .number($0, flopsMethod(e)) } }
            },
            ReportMetric("estimate.duration", .duration, "the planned wall-clock time (given, or FLOPs / (count × peak × MFU))",
                         kinds: [.estimate], combination: .sum) { r in
                r.estimate.map { .number($0.duration.seconds, durationMethod($0)) }
            },
            ReportMetric("estimate.hardware", .textSet, "the catalogue names of the devices planned", kinds: [.estimate],
                         combination: .union) { r in
                r.estimate.map { MetricValue(.texts($0.hardware.map(\.model)), method: "user:device") }
            },
            ReportMetric("estimate.devices", .number, "how many devices the plan uses", kinds: [.estimate]) { r in
                r.estimate.map { .number(Double($0.hardware.reduce(0) { $0 + $1.count }), "user:count") }
            },
            ReportMetric("estimate.tdp", .power, "the devices' full-load power (TDP × count) from the catalogue", kinds: [.estimate]) { r in
                r.estimate.map { e in
                    .number(e.hardware.reduce(0) { $0 + $1.tdp.value.watts * Double($1.count) },
                            e.hardware.first.map { $0.tdp.method.label })
                }
            },
            ReportMetric("estimate.utilization", .ratio, "the mean device utilisation assumed", kinds: [.estimate]) { r in
                r.estimate.map { .number($0.utilization.value, $0.utilization.method.label) }
            },
            ReportMetric("estimate.mfu", .ratio, "the model FLOPs utilisation assumed (compute-based estimates)", kinds: [.estimate]) { r in
                r.estimate?.mfu.map { .number($0.value, $0.method.label) }
            },
            ReportMetric("estimate.precision", .text, "the numeric precision of the peak rate (compute-based estimates)",
                         kinds: [.estimate]) { r in
                r.estimate?.precision.map { .text($0) }
            },
        ]
    }
}

extension CompressionSection: ReportMetricProvider {
    public static var metrics: [ReportMetric] {
        [
            ReportMetric("compression.ratio", .number, "source size / output size", kinds: [.compress]) { r in
                r.compression.map { .number($0.ratio, "measured:file-sizes") }
            },
            ReportMetric("compression.bpw", .number, "bits per weight of the output", kinds: [.compress]) { r in
                r.compression.map { .number($0.bitsPerWeight, "derived:bytes-per-parameter") }
            },
            ReportMetric("compression.rmse", .ratio, "relative RMSE of the weights, output against source (over every tensor)",
                         kinds: [.compress]) { r in
                r.compression?.relativeRMSE.map { .number($0, "measured:dequantize-compare") }
            },
            ReportMetric("compression.sparsity", .ratio, "the share of weights that are zero after pruning", kinds: [.compress]) { r in
                r.compression?.sparsity.map { .number($0, "measured:zero-count") }
            },
            ReportMetric("compression.source_bytes", .bytes, "bytes of the source model's tensors", kinds: [.compress],
                         combination: .sum) { r in
                r.compression.map { .number(Double($0.sourceBytes), "measured:file-sizes") }
            },
            ReportMetric("compression.output_bytes", .bytes, "bytes of the output model's tensors", kinds: [.compress],
                         combination: .sum) { r in
                r.compression.map { .number(Double($0.outputBytes), "measured:file-sizes") }
            },
            ReportMetric("compression.type", .text, "the target type (Q4_K, Q8_0, F16, …)", kinds: [.compress]) { r in
                r.compression.map { .text($0.targetType, "user:type") }
            },
            ReportMetric("compression.fallbacks", .number, "tensors kept at a wider type than asked (NaN/inf, shape)", kinds: [.compress],
                         combination: .sum) { r in
                r.compression.map { .number(Double($0.fallbacks), "measured:tensors") }
            },
            ReportMetric("compression.parameters", .number, "parameters of the source model", kinds: [.compress]) { r in
                r.compression.map { .number(Double($0.source.parameters), "measured:tensors") }
            },
            ReportMetric("compression.dry_run", .boolean, "whether nothing was written (--dry-run)", kinds: [.compress]) { r in
                r.compression.map { MetricValue(.boolean($0.dryRun), method: "user:dryRun") }
            },
        ]
    }
}
