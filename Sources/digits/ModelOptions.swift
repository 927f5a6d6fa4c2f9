import ArgumentParser
import DigitsKit

/// Which model file to use; shared by `evaluate` and `classify`.
struct ModelOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The model file (.safetensors).",
            discussion: "Default: $DIGITS_MODEL, else the shipped Models/mnist-mlp.safetensors.",
            valueName: "path"))
    var model: String?

    /// Finds and loads the model, following `--model`, `$DIGITS_MODEL`, then the shipped model.
    func load() throws -> (path: String, file: ModelFile) {
        let path = try ModelLocator.locate(explicit: model, environment: Environment.current)
        return (path, try ModelFile(contentsOf: path))
    }
}
