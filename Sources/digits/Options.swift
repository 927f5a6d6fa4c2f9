import ArgumentParser
import DigitsKit

/// Where the MNIST files come from; shared by `train` and `evaluate`.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Folder holding the MNIST IDX files (gzipped or raw).",
        discussion: "Default: $DIGITS_DATA, else ./data/mnist. The bundled subset is Fixtures/mnist-subset.",
        valueName: "dir"))
    var data: String?
}

/// Which model file to use; shared by `evaluate` and `classify`.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
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

/// How many threads to compute on.
struct ThreadOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Threads to compute on.",
        valueName: "n"))
    var threads: Int = ThreadPool.processorCount

    mutating func validate() throws {
        guard TrainingConfiguration.threadRange.contains(threads) else {
            throw ValidationError("--threads must be between 1 and 256, not \(threads).")
        }
    }
}

extension Activation: ExpressibleByArgument {
    /// The hidden-layer activations; `identity` is only ever the output layer's.
    public init?(argument: String) {
        guard let activation = Activation(rawValue: argument), activation != .identity else { return nil }
        self = activation
    }

    public static var allValueStrings: [String] { ["relu", "sigmoid", "tanh"] }
}
extension Loss: ExpressibleByArgument {}

/// Hidden-layer sizes given as a comma-separated list, e.g. `256,128`.
struct LayerSizes: ExpressibleByArgument {
    var sizes: [Int]

    init?(argument: String) {
        if argument.trimmingCharacters(in: " ").isEmpty || argument == "none" {
            sizes = []
            return
        }
        var sizes: [Int] = []
        for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
            guard let size = Int(part.trimmingCharacters(in: " ")),
                  TrainingConfiguration.layerSizeRange.contains(size) else { return nil }
            sizes.append(size)
        }
        self.sizes = sizes
    }

    var defaultValueDescription: String { sizes.map(String.init).joined(separator: ",") }
}

extension StringProtocol {
    /// The text without leading and trailing occurrences of `character`.
    func trimmingCharacters(in character: Character) -> String {
        String(drop { $0 == character }.reversed().drop { $0 == character }.reversed())
    }
}
