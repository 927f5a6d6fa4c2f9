#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DigitsModel
import DigitsTensor

/// A trained network as stored on disk: the MLP plus the record of how it was made.
///
/// On disk it is a safetensors file. Tensors are `layers.N.weight` (n×m, row-major) and
/// `layers.N.bias` (m), N counting from 0 at the input side, all float32 or, in a file written
/// with `Precision.float16` to be half the size, all float16. The `__metadata__` map holds:
///
/// | key | example | meaning |
/// |---|---|---|
/// | `format` | `digits-mlp` | what the file is |
/// | `format_version` | `1` | the layout version; readers refuse newer ones |
/// | `architecture` | `784-256-128-10` | layer sizes |
/// | `activation` | `relu` | hidden layers' activation; the last layer is linear |
/// | `output` | `softmax` | logits become probabilities by softmax |
/// | `input_scaling` | `pixel/255` | how a 28×28 image becomes 784 inputs |
/// | `training` | JSON object | how it was trained: settings, result, the command (`TrainingRecord`) |
/// | `history` | JSON array | one object per epoch (`TrainingRecord`) |
public struct ModelFile: Equatable, Sendable {
    /// The network.
    public var model: MLP
    /// How it was trained, as far as the file records it.
    public var trainingRecord: TrainingRecord

    /// The layout version this code writes and the newest it reads.
    public static let formatVersion = 1
    /// The input scaling every `digits` model uses: pixel value (0…255, 0 = background) / 255.
    public static let inputScaling = "pixel/255"
    /// Inputs a `digits` model takes: the pixels of a 28×28 picture.
    public static let inputCount = 28 * 28
    /// Outputs a `digits` model gives: one logit per digit.
    public static let outputCount = 10
    /// Outputs the reader's digit verifier gives: one logit per digit, then one for "not one
    /// digit" (see `ShippedModel.loadVerifier()`).
    public static let verifierOutputCount = 11
    /// Outputs the reader's cut scorer gives: "digits do not part here", then "they do" (see
    /// `ShippedModel.loadCutScorer()`).
    public static let cutScorerOutputCount = 2
    /// Outputs each of the reader's row readers gives at each frame: one logit per digit, then
    /// one for "no digit here" (see `ShippedModel.loadRowReaders()`).
    public static let rowReaderOutputCount = 11

    /// How a model file stores its weights and biases.
    public enum Precision: String, CaseIterable, Sendable {
        /// IEEE float32: the values exactly as trained.
        case float32 = "f32"
        /// IEEE float16: half the bytes, each value rounded to 11 significant bits (a relative
        /// error of at most 2⁻¹¹). Files load and run as float32.
        case float16 = "f16"

        /// `values` of a tensor shaped `shape`, stored at this precision.
        public func tensor(shape: [Int], values: [Float]) throws(SafeTensorsError) -> SafeTensor {
            switch self {
            case .float32: try SafeTensor(shape: shape, floats: values)
            case .float16: try SafeTensor(shape: shape, roundingToHalves: values)
            }
        }
    }

    /// A model file for `model`.
    public init(model: MLP, trainingRecord: TrainingRecord = TrainingRecord()) {
        self.model = model
        self.trainingRecord = trainingRecord
    }

    /// The model as a safetensors file, its tensors stored at `precision`.
    ///
    /// Throws `SafeTensorsError.notRepresentableAsHalf` when float16 is asked for and a value
    /// lies beyond its range.
    public func safeTensors(precision: Precision = .float32) throws(SafeTensorsError) -> SafeTensorsFile {
        func tensor(_ shape: [Int], _ values: [Float]) throws(SafeTensorsError) -> SafeTensor {
            try precision.tensor(shape: shape, values: values)
        }
        var tensors: [String: SafeTensor] = [:]
        for (index, layer) in model.layers.enumerated() {
            tensors["layers.\(index).weight"] = try tensor([layer.inputCount, layer.outputCount], layer.weight.storage)
            tensors["layers.\(index).bias"] = try tensor([layer.outputCount], layer.bias.storage)
        }
        var metadata = [
            "format": "digits-mlp",
            "format_version": String(Self.formatVersion),
            "architecture": model.layerSizes.map(String.init).joined(separator: "-"),
            "activation": model.hiddenActivation.rawValue,
            "output": "softmax",
            "input_scaling": Self.inputScaling,
        ]
        metadata["training"] = trainingRecord.summary
        metadata["history"] = trainingRecord.history
        return SafeTensorsFile(tensors: tensors, metadata: metadata)
    }

    /// Writes the model atomically, its tensors stored at `precision`: a crash or a full disk
    /// never leaves a half-written file, and an existing file at `path` is replaced only by a
    /// complete new one.
    public func write(to path: String, precision: Precision = .float32) throws {
        try safeTensors(precision: precision).write(to: path)
    }

    /// The network as a file of `precision` holds it: for float16, every weight and bias rounded
    /// to the nearest half (ties to even), so that it can be evaluated before it is written.
    public func model(storedAt precision: Precision) -> MLP {
        guard precision == .float16 else { return model }
        var rounded = model
        for index in rounded.layers.indices {
            rounded.layers[index].weight.storage = rounded.layers[index].weight.storage.map { Float(Float16($0)) }
            rounded.layers[index].bias.storage = rounded.layers[index].bias.storage.map { Float(Float16($0)) }
        }
        return rounded
    }

    /// Reads and validates a model file whose network gives `outputs` logits.
    public init(contentsOf path: String, outputs: Int = outputCount) throws {
        try self.init(try SafeTensorsFile(contentsOf: path), file: path, outputs: outputs)
    }

    /// Validates a decoded safetensors file as a `digits` model; `file` names it in errors.
    ///
    /// The checks run in the order a reader would want to hear about problems: what the file
    /// says it is, which tensors it holds, whether their shapes chain into a 784 → … → 10
    /// network of finite weights (→ `outputs` for another kind of model), and whether the metadata
    /// agrees with the tensors.
    public init(_ stored: SafeTensorsFile, file: String, outputs: Int = outputCount) throws(ModelFileError) {
        let tensors = stored.tensors.mapValues { tensor in
            StoredTensor(dtype: tensor.dtype, shape: tensor.shape, floats: { tensor.floats })
        }
        try self.init(tensors: tensors, metadata: stored.metadata, file: file, outputs: outputs)
    }

    /// Validates a safetensors file checked where it lies in memory (the model built into the
    /// program), as `init(_:file:)` does, reading the weights straight from its bytes.
    package init(_ layout: SafeTensorsFile.Layout, file: String, outputs: Int = outputCount) throws(ModelFileError) {
        let tensors = layout.tensors.mapValues { tensor in
            StoredTensor(
                dtype: tensor.dtype, shape: tensor.shape,
                floats: { SafeTensor.floats(of: tensor.dtype, in: layout.bytes(of: tensor)) })
        }
        try self.init(tensors: tensors, metadata: layout.metadata, file: file, outputs: outputs)
    }

    /// A tensor as a model reads it: its type and shape, and its values as floats when they are
    /// of a type a model can hold (read when asked, so that a file refused early reads nothing).
    struct StoredTensor {
        var dtype: SafeTensor.DType
        var shape: [Int]
        var floats: () -> [Float]?
    }

    private init(
        tensors: [String: StoredTensor], metadata: [String: String], file: String, outputs: Int
    ) throws(ModelFileError) {
        let activation = try Self.checkHeader(metadata, file: file)
        let layerCount = try Self.countLayers(in: tensors, file: file)
        var layers: [Dense] = []
        for index in 0 ..< layerCount {
            let inputs = layers.last?.outputCount ?? Self.inputCount
            let isOutput = index == layerCount - 1
            layers.append(
                try Self.layer(
                    index, of: tensors, inputs: inputs,
                    activation: isOutput ? .identity : activation, file: file))
        }
        let model = MLP(layers: layers)
        try Self.checkOutputs(of: model, file: file, expected: outputs)
        try Self.checkArchitecture(metadata["architecture"], of: model, file: file)
        let record = TrainingRecord(summary: metadata["training"], history: metadata["history"])
        try record.checkWellFormed(file: file)
        self.init(model: model, trainingRecord: record)
    }
}

// MARK: - The checks a model file passes

extension ModelFile {
    /// Checks the format, version and input scaling the metadata names, and returns the hidden
    /// layers' activation (ReLU when unnamed).
    static func checkHeader(_ metadata: [String: String], file: String) throws(ModelFileError) -> Activation {
        if let format = metadata["format"], format != "digits-mlp" {
            throw .notADigitsModel(file: file, format: format)
        }
        if let versionText = metadata["format_version"] {
            guard let version = Int(versionText) else { throw .unreadableVersion(file: file, text: versionText) }
            guard version <= formatVersion else {
                throw .newerVersion(file: file, version: version, newestReadable: formatVersion)
            }
        }
        if let scaling = metadata["input_scaling"], scaling != inputScaling {
            throw .unsupportedInputScaling(file: file, scaling: scaling, expected: inputScaling)
        }
        guard let name = metadata["activation"] else { return .relu }
        guard let activation = Activation(rawValue: name), activation != .identity else {
            throw .unknownActivation(file: file, name: name)
        }
        return activation
    }

    /// The number of layers, after checking that every tensor is `layers.N.weight` or
    /// `layers.N.bias` and that N runs from 0 without gaps.
    static func countLayers(in tensors: [String: StoredTensor], file: String) throws(ModelFileError) -> Int {
        var layerCount = 0
        for name in tensors.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "layers", let index = Int(parts[1]), index >= 0, index < 1000,
                parts[2] == "weight" || parts[2] == "bias"
            else {
                throw .unexpectedTensor(file: file, name: name)
            }
            layerCount = max(layerCount, index + 1)
        }
        guard layerCount > 0 else { throw .noLayers(file: file) }
        for index in 0 ..< layerCount {
            for part in ["weight", "bias"] where tensors["layers.\(index).\(part)"] == nil {
                throw .missingTensor(file: file, name: "layers.\(index).\(part)")
            }
        }
        return layerCount
    }

    /// Layer `index`, checked to take `inputs` inputs and to hold finite F32 or F16 values.
    static func layer(
        _ index: Int, of tensors: [String: StoredTensor], inputs: Int, activation: Activation, file: String
    ) throws(ModelFileError) -> Dense {
        let weight = tensors["layers.\(index).weight"]!, bias = tensors["layers.\(index).bias"]!
        guard weight.shape.count == 2 else {
            throw .weightNotTwoDimensional(file: file, layer: index, shape: weight.shape)
        }
        let (n, m) = (weight.shape[0], weight.shape[1])
        guard n == inputs else { throw .shapesDoNotChain(file: file, layer: index, inputs: n, expected: inputs) }
        guard m > 0 else { throw .noOutputs(file: file, layer: index) }
        guard bias.shape == [m] else { throw .biasShape(file: file, layer: index, shape: bias.shape, outputs: m) }
        guard let weightValues = weight.floats(), let biasValues = bias.floats() else {
            throw .unsupportedDType(file: file, layer: index, weight: weight.dtype.rawValue, bias: bias.dtype.rawValue)
        }
        guard weightValues.withUnsafeBufferPointer(Kernels.allFinite),
            biasValues.withUnsafeBufferPointer(Kernels.allFinite)
        else {
            throw .notFinite(file: file, layer: index)
        }
        return Dense(
            weight: Matrix(rows: n, columns: m, values: weightValues),
            bias: Matrix(rows: 1, columns: m, values: biasValues), activation: activation)
    }

    /// Checks that the network gives `expected` outputs, none of which can overflow.
    ///
    /// Finite weights can still be large enough that some picture's logits overflow to infinity,
    /// and the softmax of those is NaN. Training never gets there (it stops when the loss
    /// explodes), so such a file is damaged or was not made by a trainer.
    static func checkOutputs(of model: MLP, file: String, expected: Int = outputCount) throws(ModelFileError) {
        guard model.outputCount == expected else {
            throw .wrongOutputCount(file: file, outputs: model.outputCount, expected: expected)
        }
        let bound = model.outputMagnitudeBound()
        guard bound < Double(Float.greatestFiniteMagnitude) / 4 else {
            var exponent = 0, scaled = bound
            while scaled >= 10 && exponent < 400 {
                scaled /= 10
                exponent += 1
            }
            throw .outputsOverflow(file: file, decimalExponent: exponent)
        }
    }

    /// Checks that the `architecture` the metadata names, if any, is the one the tensors make.
    static func checkArchitecture(_ architecture: String?, of model: MLP, file: String) throws(ModelFileError) {
        let actual = model.layerSizes.map(String.init).joined(separator: "-")
        if let architecture, architecture != actual {
            throw .architectureMismatch(file: file, metadata: architecture, tensors: actual)
        }
    }
}
