/// Why a valid safetensors file is not a usable `digits` model; every case names the file.
public enum ModelFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `format` metadata names another kind of model.
    case notADigitsModel(file: String, format: String)
    /// `format_version` is not a number.
    case unreadableVersion(file: String, text: String)
    /// The file was written in a newer layout than this code reads.
    case newerVersion(file: String, version: Int, newestReadable: Int)
    /// The model expects its inputs scaled another way.
    case unsupportedInputScaling(file: String, scaling: String, expected: String)
    /// The hidden layers' activation is not one `digits` knows.
    case unknownActivation(file: String, name: String)
    /// A tensor that is neither `layers.N.weight` nor `layers.N.bias`.
    case unexpectedTensor(file: String, name: String)
    /// No layer tensors at all.
    case noLayers(file: String)
    /// One of a layer's two tensors is absent.
    case missingTensor(file: String, name: String)
    /// A weight tensor whose shape is not inputs × outputs.
    case weightNotTwoDimensional(file: String, layer: Int, shape: [Int])
    /// Layer `layer` takes `inputs` inputs where `expected` arrive (784 pixels for layer 0).
    case shapesDoNotChain(file: String, layer: Int, inputs: Int, expected: Int)
    /// A weight tensor with no outputs.
    case noOutputs(file: String, layer: Int)
    /// A bias whose shape is not `[outputs]`.
    case biasShape(file: String, layer: Int, shape: [Int], outputs: Int)
    /// A layer stored in a type other than F32 or F16.
    case unsupportedDType(file: String, layer: Int, weight: String, bias: String)
    /// A layer holding NaN or infinite values.
    case notFinite(file: String, layer: Int)
    /// The last layer does not give one output per digit.
    case wrongOutputCount(file: String, outputs: Int, expected: Int)
    /// Finite weights so large that some picture's logits reach about 10^`decimalExponent`,
    /// past a float's range.
    case outputsOverflow(file: String, decimalExponent: Int)
    /// The `architecture` metadata disagrees with the tensors.
    case architectureMismatch(file: String, metadata: String, tensors: String)
    /// A `training` or `history` entry that is not the JSON it must be.
    case invalidTrainingRecord(file: String, entry: String, expected: String)
    /// A convolutional network's `input_shape` that is not height×width×channels.
    case unreadableInputShape(file: String, text: String)
    /// A convolution's kernels whose shape is not [k, k, channels, outputs] for a square kernel
    /// that fits its `input` (height, width, channels) and leaves whole blocks to pool.
    case kernelShape(file: String, layer: Int, shape: [Int], input: [Int])
    /// A convolutional network's `pooling` that is not one `2x2` or `2x1` per convolution.
    case pooling(file: String, text: String, convolutions: Int)
    /// A convolutional network's `frame_window` that is not a number of columns from 1 to the
    /// last convolution's output `width`.
    case frameWindow(file: String, text: String, width: Int)
    /// A tensor of a convolutional network with the wrong shape.
    case tensorShape(file: String, name: String, shape: [Int], expected: [Int])
    /// A tensor of a convolutional network that is not F32 or F16, or holds NaN or infinities.
    case unusableTensor(file: String, name: String, problem: String)

    /// The file the error is about.
    public var file: String {
        switch self {
        case let .notADigitsModel(file, _), let .unreadableVersion(file, _), let .newerVersion(file, _, _),
            let .unsupportedInputScaling(file, _, _), let .unknownActivation(file, _), let .unexpectedTensor(file, _),
            let .noLayers(file), let .missingTensor(file, _), let .weightNotTwoDimensional(file, _, _),
            let .shapesDoNotChain(file, _, _, _), let .noOutputs(file, _), let .biasShape(file, _, _, _),
            let .unsupportedDType(file, _, _, _), let .notFinite(file, _), let .wrongOutputCount(file, _, _),
            let .outputsOverflow(file, _), let .architectureMismatch(file, _, _),
            let .invalidTrainingRecord(file, _, _), let .unreadableInputShape(file, _), let .kernelShape(file, _, _, _),
            let .pooling(file, _, _), let .frameWindow(file, _, _), let .tensorShape(file, _, _, _),
            let .unusableTensor(file, _, _):
            file
        }
    }

    /// A message naming the file and the problem.
    public var description: String { "'\(file)' is not a usable digits model: \(problem)" }

    /// What is wrong, in words.
    public var problem: String {
        switch self {
        case let .notADigitsModel(_, format):
            "it holds a '\(format)' model, not a digits MLP"
        case let .unreadableVersion(_, text):
            "format_version '\(text)' is not a number"
        case let .newerVersion(_, version, newest):
            "it was written in format version \(version); this digits reads up to \(newest) — update digits"
        case let .unsupportedInputScaling(_, scaling, expected):
            "its input scaling '\(scaling)' is not supported (expected \(expected))"
        case let .unknownActivation(_, name):
            "unknown activation '\(name)' (expected relu, sigmoid or tanh)"
        case let .unexpectedTensor(_, name):
            "unexpected tensor '\(name)' (a digits model holds only layers.N.weight and layers.N.bias)"
        case .noLayers:
            "it holds no layers.N.weight / layers.N.bias tensors"
        case let .missingTensor(_, name):
            "tensor '\(name)' is missing"
        case let .weightNotTwoDimensional(_, layer, shape):
            "layers.\(layer).weight has shape \(shape); a weight must be 2-dimensional (inputs × outputs)"
        case let .shapesDoNotChain(_, layer, inputs, expected):
            layer == 0
                ? "layers.0.weight takes \(inputs) inputs; a digits model takes \(expected) (28×28 pixels)"
                : "layers.\(layer).weight takes \(inputs) inputs but the layer below gives \(expected): "
                    + "the shapes do not chain"
        case let .noOutputs(_, layer):
            "layers.\(layer).weight has no outputs"
        case let .biasShape(_, layer, shape, outputs):
            "layers.\(layer).bias has shape \(shape); expected [\(outputs)] to match layers.\(layer).weight"
        case let .unsupportedDType(_, layer, weight, bias):
            "layers.\(layer) is stored as \(weight)/\(bias); digits models are F32 or F16"
        case let .notFinite(_, layer):
            "layers.\(layer) holds NaN or infinite values (was it saved from a diverged run?)"
        case let .wrongOutputCount(_, outputs, expected):
            "the last layer gives \(outputs) outputs; "
                + Self.network(giving: expected)
                + " needs \(expected)"
        case let .outputsOverflow(_, exponent):
            "its weights are so large that some pictures would give infinite outputs "
                + "(logits up to about 10^\(exponent), where a float ends at 3.4·10^38); "
                + "it is damaged, or was not saved by a trainer"
        case let .architectureMismatch(_, metadata, tensors):
            "its metadata says architecture \(metadata) but the tensors make \(tensors)"
        case let .invalidTrainingRecord(_, entry, expected):
            "its '\(entry)' metadata is not \(expected)"
        case let .unreadableInputShape(_, text):
            "its input_shape metadata '\(text)' is not height x width x channels (as in 28x252x1)"
        case let .kernelShape(_, layer, shape, input):
            "convolutions.\(layer).weight is shaped \(shape), not [k, k, channels, outputs] with a square kernel "
                + "that fits its \(input.map(String.init).joined(separator: "x")) input and leaves whole blocks to pool"
        case let .pooling(_, text, convolutions):
            "its pooling metadata '\(text)' is not \(convolutions) comma-separated pools, each 2x2 or 2x1"
        case let .frameWindow(_, text, width):
            "its frame_window metadata '\(text)' is not a number of columns from 1 to \(width)"
        case let .tensorShape(_, name, shape, expected):
            "\(name) has shape \(shape); the layers around it need \(expected)"
        case let .unusableTensor(_, name, problem):
            "\(name) \(problem)"
        }
    }

    /// What a network giving `outputs` logits is, in an error's words.
    private static func network(giving outputs: Int) -> String {
        switch outputs {
        case ModelFile.verifierOutputCount: "the digit verifier"
        case ModelFile.cutScorerOutputCount: "the cut scorer"
        default: "a digit classifier"
        }
    }
}
