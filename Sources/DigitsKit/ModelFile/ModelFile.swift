#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A trained network as stored on disk: the MLP plus what is known of how it was made.
///
/// On disk it is a safetensors file. Tensors are `layers.N.weight` (n×m, row-major float32) and
/// `layers.N.bias` (m), N counting from 0 at the input side. The `__metadata__` map holds:
///
/// | key | example | meaning |
/// |---|---|---|
/// | `format` | `digits-mlp` | what the file is |
/// | `format_version` | `1` | the layout version; readers refuse newer ones |
/// | `architecture` | `784-256-128-10` | layer sizes |
/// | `activation` | `relu` | hidden layers' activation; the last layer is linear |
/// | `output` | `softmax` | logits become probabilities by softmax |
/// | `input_scaling` | `pixel/255` | how a 28×28 image becomes 784 inputs |
/// | `training` | JSON | `TrainingSummary`: epochs, seed, accuracy, the command… |
/// | `history` | JSON | per-epoch `EpochMetrics` |
public struct ModelFile: Equatable, Sendable {
    /// The network.
    public var model: MLP
    /// How it was trained, when known.
    public var training: TrainingSummary?
    /// Per-epoch metrics of the run that made it.
    public var history: [EpochMetrics]

    /// The layout version this code writes and the newest it reads.
    public static let formatVersion = 1
    /// The input scaling every `digits` model uses: pixel value (0…255, 0 = background) / 255.
    public static let inputScaling = "pixel/255"

    /// A model file for `model`.
    public init(model: MLP, training: TrainingSummary? = nil, history: [EpochMetrics] = []) {
        self.model = model
        self.training = training
        self.history = history
    }

    /// The model as a safetensors file.
    public func safeTensors() throws -> SafeTensorsFile {
        var tensors: [String: SafeTensor] = [:]
        for (index, layer) in model.layers.enumerated() {
            tensors["layers.\(index).weight"] = try SafeTensor(shape: [layer.inputCount, layer.outputCount],
                                                               floats: layer.weight.storage)
            tensors["layers.\(index).bias"] = try SafeTensor(shape: [layer.outputCount], floats: layer.bias.storage)
        }
        var metadata = [
            "format": "digits-mlp",
            "format_version": String(Self.formatVersion),
            "architecture": model.layerSizes.map(String.init).joined(separator: "-"),
            "activation": model.hiddenActivation.rawValue,
            "output": "softmax",
            "input_scaling": Self.inputScaling,
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if let training { metadata["training"] = String(decoding: try encoder.encode(training), as: UTF8.self) }
        if !history.isEmpty { metadata["history"] = String(decoding: try encoder.encode(history), as: UTF8.self) }
        return SafeTensorsFile(tensors: tensors, metadata: metadata)
    }

    /// Writes the model atomically: a crash or a full disk never leaves a half-written file, and
    /// an existing file at `path` is replaced only by a complete new one.
    public func write(to path: String) throws {
        try safeTensors().write(to: path)
    }

    /// Reads and validates a model file.
    public init(contentsOf path: String) throws {
        try self.init(try SafeTensorsFile(contentsOf: path), file: path)
    }

    /// Validates a decoded safetensors file as a `digits` model; `file` names it in errors.
    public init(_ stored: SafeTensorsFile, file: String) throws(ModelFileError) {
        func fail(_ problem: String) -> ModelFileError { ModelFileError(file: file, problem: problem) }
        let metadata = stored.metadata
        if let format = metadata["format"], format != "digits-mlp" {
            throw fail("it holds a '\(format)' model, not a digits MLP")
        }
        if let versionText = metadata["format_version"] {
            guard let version = Int(versionText) else { throw fail("format_version '\(versionText)' is not a number") }
            guard version <= Self.formatVersion else {
                throw fail("it was written in format version \(version); this digits reads up to \(Self.formatVersion) — update digits")
            }
        }
        if let scaling = metadata["input_scaling"], scaling != Self.inputScaling {
            throw fail("its input scaling '\(scaling)' is not supported (expected \(Self.inputScaling))")
        }
        let activation: Activation
        if let name = metadata["activation"] {
            guard let known = Activation(rawValue: name), known != .identity else {
                throw fail("unknown activation '\(name)' (expected relu, sigmoid or tanh)")
            }
            activation = known
        } else {
            activation = .relu
        }

        // Every tensor must be layers.N.weight or layers.N.bias; N runs from 0 without gaps.
        var layerCount = 0
        for name in stored.sortedTensorNames {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "layers", let index = Int(parts[1]), index >= 0, index < 1000,
                  parts[2] == "weight" || parts[2] == "bias"
            else {
                throw fail("unexpected tensor '\(name)' (a digits model holds only layers.N.weight and layers.N.bias)")
            }
            layerCount = max(layerCount, index + 1)
        }
        guard layerCount > 0 else { throw fail("it holds no layers.N.weight / layers.N.bias tensors") }
        for index in 0 ..< layerCount {
            for part in ["weight", "bias"] where stored.tensors["layers.\(index).\(part)"] == nil {
                throw fail("tensor 'layers.\(index).\(part)' is missing")
            }
        }

        var layers: [Dense] = []
        var previousOutputs = MNISTDataSet.pixelsPerImage
        for index in 0 ..< layerCount {
            let weight = stored.tensors["layers.\(index).weight"]!, bias = stored.tensors["layers.\(index).bias"]!
            guard weight.shape.count == 2 else {
                throw fail("layers.\(index).weight has shape \(weight.shape); a weight must be 2-dimensional (inputs × outputs)")
            }
            let (n, m) = (weight.shape[0], weight.shape[1])
            guard n == previousOutputs else {
                throw fail(index == 0
                    ? "layers.0.weight takes \(n) inputs; a digits model takes \(previousOutputs) (28×28 pixels)"
                    : "layers.\(index).weight takes \(n) inputs but the layer below gives \(previousOutputs): the shapes do not chain")
            }
            guard m > 0 else { throw fail("layers.\(index).weight has no outputs") }
            guard bias.shape == [m] else {
                throw fail("layers.\(index).bias has shape \(bias.shape); expected [\(m)] to match layers.\(index).weight")
            }
            guard let weightValues = weight.floats, let biasValues = bias.floats else {
                throw fail("layers.\(index) is stored as \(weight.dtype.rawValue)/\(bias.dtype.rawValue); digits models are F32")
            }
            guard weightValues.allSatisfy({ $0.isFinite }), biasValues.allSatisfy({ $0.isFinite }) else {
                throw fail("layers.\(index) holds NaN or infinite values (was it saved from a diverged run?)")
            }
            let isOutput = index == layerCount - 1
            layers.append(Dense(weight: Matrix(rows: n, columns: m, values: weightValues),
                                bias: Matrix(rows: 1, columns: m, values: biasValues),
                                activation: isOutput ? .identity : activation))
            previousOutputs = m
        }
        guard previousOutputs == 10 else {
            throw fail("the last layer gives \(previousOutputs) outputs; a digit classifier needs 10")
        }
        // Finite weights can still be large enough that some picture's logits overflow to
        // infinity, and the softmax of those is NaN. Training never gets there (it stops when
        // the loss explodes), so such a file is damaged or was not made by a trainer.
        let bound = MLP(layers: layers).outputMagnitudeBound()
        guard bound < Double(Float.greatestFiniteMagnitude) / 4 else {
            var exponent = 0, scaled = bound
            while scaled >= 10 && exponent < 400 { scaled /= 10; exponent += 1 }
            throw fail("its weights are so large that some pictures would give infinite outputs "
                + "(logits up to about 10^\(exponent), where a float ends at 3.4·10^38); "
                + "it is damaged, or was not saved by a trainer")
        }
        if let architecture = metadata["architecture"] {
            let actual = ([MNISTDataSet.pixelsPerImage] + layers.map(\.outputCount)).map(String.init).joined(separator: "-")
            guard architecture == actual else {
                throw fail("its metadata says architecture \(architecture) but the tensors make \(actual)")
            }
        }

        let decoder = JSONDecoder()
        var training: TrainingSummary?
        if let text = metadata["training"] {
            guard let summary = try? decoder.decode(TrainingSummary.self, from: Data(text.utf8)) else {
                throw fail("its 'training' metadata is not a valid training summary")
            }
            training = summary
        }
        var history: [EpochMetrics] = []
        if let text = metadata["history"] {
            guard let metrics = try? decoder.decode([EpochMetrics].self, from: Data(text.utf8)) else {
                throw fail("its 'history' metadata is not a valid list of epoch metrics")
            }
            history = metrics
        }
        self.init(model: MLP(layers: layers), training: training, history: history)
    }
}

/// What is recorded of the run that trained a model.
public struct TrainingSummary: Equatable, Sendable, Codable {
    /// The configuration trained with.
    public var configuration: TrainingConfiguration
    /// Epochs actually run.
    public var epochs: Int
    /// Test accuracy after the last epoch, in [0, 1].
    public var testAccuracy: Double
    /// Mean test loss after the last epoch.
    public var testLoss: Double
    /// Training examples seen per epoch.
    public var trainingExamples: Int
    /// Test examples evaluated.
    public var testExamples: Int
    /// The command line that trained it, e.g. `digits train --epochs 5`.
    public var command: String

    /// A summary from its parts.
    public init(configuration: TrainingConfiguration, epochs: Int, testAccuracy: Double, testLoss: Double,
                trainingExamples: Int, testExamples: Int, command: String) {
        self.configuration = configuration
        self.epochs = epochs
        self.testAccuracy = testAccuracy
        self.testLoss = testLoss
        self.trainingExamples = trainingExamples
        self.testExamples = testExamples
        self.command = command
    }
}

/// A model file that is a valid safetensors file but not a usable `digits` model.
public struct ModelFileError: Error, Equatable, CustomStringConvertible {
    /// The file's path.
    public var file: String
    /// What is wrong with it.
    public var problem: String

    /// A message naming the file and the problem.
    public var description: String { "'\(file)' is not a usable digits model: \(problem)" }
}
