import GreenlightCore

extension ContextOptions {
    /// The report's context, or nil when nothing was stated; `stage` is the command's own stage when not given.
    func resolve(defaultStage: ReportContext.Stage? = nil, flops: Double? = nil) throws -> ReportContext? {
        try ReportContext.checked(stage: stage ?? defaultStage, model: model, task: task, tags: tags, flops: flops)
    }
}
