import ArgumentParser
import DigitsKit

/// Which model file to use; shared by `evaluate` and `classify`.
struct ModelOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The model file (.safetensors).",
            discussion: "Default: $DIGITS_MODEL, else the built-in model (Models/mnist-mlp.safetensors).",
            valueName: "path"))
    var model: String?

    /// Picks and loads the model, following `--model`, `$DIGITS_MODEL`, then the built-in model.
    func load() throws -> (source: ModelSource, file: ModelFile) {
        let source = ModelLocator.locate(explicit: model, environment: Environment.current)
        return (source, try source.load())
    }
}
