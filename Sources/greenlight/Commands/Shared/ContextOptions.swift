import ArgumentParser
import GreenlightCore

/// What the work is: the report's `context`, which policies select rules on.
struct ContextOptions: ParsableArguments {
    @Option(help: "The lifecycle stage of the work, for policies and the standard reports.")
    var stage: ReportContext.Stage?

    @Option(help: "The model's name, e.g. llama-3-8b.")
    var model: String?

    @Option(help: "The task, e.g. text-generation.")
    var task: String?

    @Option(name: .customLong("tag"), help: ArgumentHelp("A KEY=VALUE tag, e.g. team=nlp (repeatable).", valueName: "key=value"))
    var tags: [String] = []

    func validate() throws {
        do {
            _ = try ReportContext.checked(stage: stage, model: model, task: task, tags: tags)
        } catch let error as GreenlightError {
            // A usage error, shown with its flag, as every other flag check is.
            throw ValidationError(ErrorText.message(error))
        }
    }
}
