// The metrics of the report's own fields, its context, the host, the run and the process tree.

private let everyKind: [Report.Kind] = [.run, .estimate, .compress, .privacy]
private let measuredKinds: [Report.Kind] = [.run, .compress]

extension Report: ReportMetricProvider {
    public static var metrics: [ReportMetric] {
        [
            ReportMetric("report.kind", .text, "what produced the report: run, estimate, compress or privacy", kinds: everyKind) {
                .text($0.kind.rawValue)
            },
            ReportMetric("report.tool_version", .text, "the Greenlight version that wrote the report", kinds: everyKind) {
                .text($0.tool.version)
            },
            ReportMetric("duration", .duration,
                         "the work's wall-clock time: the run's, the compression's, or an estimate's planned time",
                         kinds: [.run, .estimate, .compress], combination: .sum) { r in
                if let run = r.run { return .number(run.duration.seconds, "measured:monotonic-clock") }
                if let e = r.estimate { return .number(e.duration.seconds, EstimateInputs.durationMethod(e)) }
                if let c = r.compression { return .number(c.duration.seconds, "measured:monotonic-clock") }
                return nil
            },
        ]
    }
}

extension ReportContext: ReportMetricProvider {
    public static var metrics: [ReportMetric] {
        [
            ReportMetric("context.stage", .text, "the lifecycle stage stated with --stage (training, fine-tuning, inference, …)",
                         kinds: everyKind) { r in r.context?.stage.map { .text($0.rawValue, "user:stage") } },
            ReportMetric("context.model", .text, "the model's name stated with --model", kinds: everyKind) { r in
                r.context?.model.map { .text($0, "user:model") }
            },
            ReportMetric("context.task", .text, "the task stated with --task", kinds: everyKind) { r in
                r.context?.task.map { .text($0, "user:task") }
            },
            ReportMetric("context.tags.*", .text, "the value of tag KEY stated with --tag KEY=VALUE (context.tags.KEY)",
                         kinds: everyKind) { r, key in
                key.flatMap { r.context?.tags[$0] }.map { .text($0, "user:tag") }
            },
        ]
    }
}

extension HostInfo: ReportMetricProvider {
    public static var metrics: [ReportMetric] {
        [
            ReportMetric("host.cpu_model", .text, "the CPU model of the machine (/proc/cpuinfo)", kinds: measuredKinds) { r in
                r.host?.cpuModel.map { .text($0, "measured:procfs") }
            },
            ReportMetric("host.logical_cpus", .number, "logical CPUs of the machine", kinds: measuredKinds) { r in
                r.host?.logicalCPUs.map { .number(Double($0), "measured:procfs") }
            },
            ReportMetric("host.memory", .bytes, "memory of the machine (/proc/meminfo)", kinds: measuredKinds) { r in
                r.host?.memoryBytes.map { .number(Double($0), "measured:procfs") }
            },
            ReportMetric("host.gpus", .number, "GPUs NVML reported (0 without NVML)", kinds: measuredKinds) { r in
                r.host.map { .number(Double($0.gpus.count), "measured:nvml") }
            },
            ReportMetric("host.gpu_models", .textSet, "the names of the GPUs NVML reported", kinds: measuredKinds,
                         combination: .union) { r in
                r.host.map { MetricValue(.texts($0.gpus.map(\.name)), method: "measured:nvml") }
            },
        ]
    }
}

extension RunInfo: ReportMetricProvider {
    public static var metrics: [ReportMetric] {
        [
            ReportMetric("run.duration", .duration, "wall-clock time of the measured command (monotonic clock)", kinds: [.run],
                         combination: .sum) { r in
                r.run.map { .number($0.duration.seconds, "measured:monotonic-clock") }
            },
            ReportMetric("run.exit_code", .number, "the command's exit status as a shell reports it (128+N for signal N)",
                         kinds: [.run]) { r in
                r.run.map { .number(Double($0.exit.shellExitCode), "measured:wait") }
            },
            ReportMetric("run.samples", .number, "samples the meter took", kinds: [.run], combination: .sum) { r in
                r.run.map { .number(Double($0.samples), "measured:sampler") }
            },
            ReportMetric("run.interval", .duration, "the sampling interval", kinds: [.run]) { r in
                r.run.map { .number($0.interval.seconds, "user:interval") }
            },
        ]
    }
}

extension ProcessUsage: ReportMetricProvider {
    public static var metrics: [ReportMetric] {
        [
            ReportMetric("process.cpu_time", .duration, "CPU time of the process tree, user + system, reaped children included",
                         kinds: [.run], combination: .sum) { r in
                r.process.map { .number($0.cpuTime.seconds, $0.method.label) }
            },
            ReportMetric("process.peak_rss", .bytes, "peak resident memory of the tree (sum over its live processes)",
                         kinds: [.run], combination: .max) { r in
                r.process.map { .number(Double($0.peakRSSBytes), $0.method.label) }
            },
            ReportMetric("process.mean_rss", .bytes, "mean resident memory of the tree", kinds: [.run]) { r in
                r.process.map { .number(Double($0.meanRSSBytes), $0.method.label) }
            },
            ReportMetric("process.peak_threads", .number, "the most threads the tree had at once", kinds: [.run],
                         combination: .max) { r in
                r.process.map { .number(Double($0.peakThreads), $0.method.label) }
            },
            ReportMetric("process.processes", .number, "processes seen in the tree", kinds: [.run], combination: .sum) { r in
                r.process.map { .number(Double($0.processesSeen), $0.method.label) }
            },
        ]
    }
}
