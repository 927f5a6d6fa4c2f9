import DigitsModel
import DigitsTensor

/// A convolutional network (`ConvolutionalNetwork`) as a safetensors file: the reader's row
/// reader is one.
///
/// Tensors: `convolutions.N.weight`, shaped [kernel, kernel, input channels, output channels]
/// (a patch's values in row, column, channel order down the rows, as `Convolution.weight`
/// holds them), `convolutions.N.bias` [output channels], then the head's `head.N.weight`
/// [inputs, outputs] and `head.N.bias` [outputs], as in `ModelFile`. Metadata: `format`
/// `digits-cnn`, `format_version`, `input_shape` (height×width×channels of the first layer's
/// input), `pooling` (each convolution's pool, `2x2` or `2x1`, comma-separated; all `2x2` when
/// absent), `frame_window` (columns of the last convolution's output the head reads at once),
/// `input_scaling` and `architecture`, which must agree with the tensors.
public struct ConvolutionalModelFile: Equatable, Sendable {
    /// The network.
    public var network: ConvolutionalNetwork
    /// How it was made, in words (the `training` metadata entry), if known.
    public var summary: String?

    /// The `format` metadata entry of such a file.
    public static let format = "digits-cnn"

    /// A file for `network`, with `summary` saying how it was made.
    public init(network: ConvolutionalNetwork, summary: String? = nil) {
        self.network = network
        self.summary = summary
    }

    /// The network's layers in words, e.g. `28x252x1-conv5x32-conv5x48/pool2x1-window6-192-11`: a
    /// convolution that pools 2×2 is named by its kernel and channels alone.
    public static func architecture(of network: ConvolutionalNetwork) -> String {
        let first = network.convolutions[0]
        let convolutions = network.convolutions.map { layer in
            "conv\(layer.kernelSize)x\(layer.outputChannels)"
                + (layer.poolWidth == 2 ? "" : "/pool2x\(layer.poolWidth)")
        }
        return
            (["\(first.inputHeight)x\(first.inputWidth)x\(first.inputChannels)"] + convolutions
            + ["window\(network.window)"] + network.head.layers.map { String($0.outputCount) }).joined(separator: "-")
    }

    /// The network as a safetensors file, stored at `precision`.
    public func safeTensors(precision: ModelFile.Precision = .float32) throws(SafeTensorsError) -> SafeTensorsFile {
        func tensor(_ shape: [Int], _ values: [Float]) throws(SafeTensorsError) -> SafeTensor {
            try precision.tensor(shape: shape, values: values)
        }
        var tensors: [String: SafeTensor] = [:]
        for (index, layer) in network.convolutions.enumerated() {
            tensors["convolutions.\(index).weight"] = try tensor(
                [layer.kernelSize, layer.kernelSize, layer.inputChannels, layer.outputChannels], layer.weight.storage)
            tensors["convolutions.\(index).bias"] = try tensor([layer.outputChannels], layer.bias.storage)
        }
        for (index, layer) in network.head.layers.enumerated() {
            tensors["head.\(index).weight"] = try tensor([layer.inputCount, layer.outputCount], layer.weight.storage)
            tensors["head.\(index).bias"] = try tensor([layer.outputCount], layer.bias.storage)
        }
        let first = network.convolutions[0]
        var metadata = [
            "format": Self.format,
            "format_version": String(ModelFile.formatVersion),
            "input_shape": "\(first.inputHeight)x\(first.inputWidth)x\(first.inputChannels)",
            "pooling": network.convolutions.map { "2x\($0.poolWidth)" }.joined(separator: ","),
            "frame_window": String(network.window),
            "input_scaling": ModelFile.inputScaling,
            "architecture": Self.architecture(of: network),
            "activation": "relu",
        ]
        metadata["training"] = summary
        return SafeTensorsFile(tensors: tensors, metadata: metadata)
    }

    /// Writes the file atomically, stored at `precision`.
    public func write(to path: String, precision: ModelFile.Precision = .float32) throws {
        try safeTensors(precision: precision).write(to: path)
    }

    /// Reads and validates a file whose network gives `outputs` logits.
    public init(contentsOf path: String, outputs: Int) throws {
        try self.init(try SafeTensorsFile(contentsOf: path), file: path, outputs: outputs)
    }

    /// Validates a decoded safetensors file as a convolutional network giving `outputs` logits;
    /// `file` names it in errors.
    public init(_ stored: SafeTensorsFile, file: String, outputs: Int) throws(ModelFileError) {
        let tensors = stored.tensors.mapValues { tensor in
            ModelFile.StoredTensor(dtype: tensor.dtype, shape: tensor.shape, floats: { tensor.floats })
        }
        try self.init(tensors: tensors, metadata: stored.metadata, file: file, outputs: outputs)
    }

    /// Validates a safetensors file checked where it lies in memory (a row reader built into
    /// the program), reading the weights straight from its bytes.
    package init(_ layout: SafeTensorsFile.Layout, file: String, outputs: Int) throws(ModelFileError) {
        let tensors = layout.tensors.mapValues { tensor in
            ModelFile.StoredTensor(
                dtype: tensor.dtype, shape: tensor.shape,
                floats: { SafeTensor.floats(of: tensor.dtype, in: layout.bytes(of: tensor)) })
        }
        try self.init(tensors: tensors, metadata: layout.metadata, file: file, outputs: outputs)
    }

    private init(
        tensors: [String: ModelFile.StoredTensor], metadata: [String: String], file: String, outputs: Int
    ) throws(ModelFileError) {
        guard metadata["format"] == Self.format else {
            throw .notADigitsModel(file: file, format: metadata["format"] ?? "none")
        }
        if let versionText = metadata["format_version"] {
            guard let version = Int(versionText) else { throw .unreadableVersion(file: file, text: versionText) }
            guard version <= ModelFile.formatVersion else {
                throw .newerVersion(file: file, version: version, newestReadable: ModelFile.formatVersion)
            }
        }
        if let scaling = metadata["input_scaling"], scaling != ModelFile.inputScaling {
            throw .unsupportedInputScaling(file: file, scaling: scaling, expected: ModelFile.inputScaling)
        }
        let inputShape = (metadata["input_shape"] ?? "").split(separator: "x").compactMap { Int($0) }
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 && $0 <= 4096 }) else {
            throw .unreadableInputShape(file: file, text: metadata["input_shape"] ?? "")
        }
        func values(_ name: String) throws(ModelFileError) -> (shape: [Int], floats: [Float]) {
            guard let tensor = tensors[name] else { throw .missingTensor(file: file, name: name) }
            guard let floats = tensor.floats() else {
                throw .unusableTensor(
                    file: file, name: name, problem: "is stored as \(tensor.dtype.rawValue), not F32 or F16")
            }
            guard floats.withUnsafeBufferPointer(Kernels.allFinite) else {
                throw .unusableTensor(file: file, name: name, problem: "holds NaN or infinite values")
            }
            return (tensor.shape, floats)
        }
        var counts = (convolutions: 0, head: 0)
        for name in tensors.keys {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, let index = Int(parts[1]), index >= 0, index < 100,
                parts[2] == "weight" || parts[2] == "bias"
            else { throw .unexpectedTensor(file: file, name: name) }
            switch parts[0] {
            case "convolutions": counts.convolutions = max(counts.convolutions, index + 1)
            case "head": counts.head = max(counts.head, index + 1)
            default: throw .unexpectedTensor(file: file, name: name)
            }
        }
        guard counts.convolutions > 0, counts.head > 0 else { throw .noLayers(file: file) }
        let poolingText =
            metadata["pooling"] ?? Array(repeating: "2x2", count: counts.convolutions).joined(separator: ",")
        let poolWidths = poolingText.split(separator: ",", omittingEmptySubsequences: false).map { pool in
            pool == "2x2" ? 2 : pool == "2x1" ? 1 : 0
        }
        guard poolWidths.count == counts.convolutions, !poolWidths.contains(0) else {
            throw .pooling(file: file, text: poolingText, convolutions: counts.convolutions)
        }
        var convolutions: [Convolution] = []
        var (height, width, channels) = (inputShape[0], inputShape[1], inputShape[2])
        for index in 0 ..< counts.convolutions {
            let weight = try values("convolutions.\(index).weight")
            let bias = try values("convolutions.\(index).bias")
            let shape = weight.shape
            guard shape.count == 4, shape[0] == shape[1], shape[0] > 0, shape[0] <= min(height, width),
                shape[3] > 0, (height - shape[0] + 1) % 2 == 0, (width - shape[0] + 1) % poolWidths[index] == 0
            else { throw .kernelShape(file: file, layer: index, shape: shape, input: [height, width, channels]) }
            guard shape[2] == channels else {
                throw .tensorShape(
                    file: file, name: "convolutions.\(index).weight", shape: shape,
                    expected: [shape[0], shape[0], channels, shape[3]])
            }
            guard bias.shape == [shape[3]] else {
                throw .tensorShape(
                    file: file, name: "convolutions.\(index).bias", shape: bias.shape, expected: [shape[3]])
            }
            let layer = Convolution(
                weight: Matrix(rows: shape[0] * shape[0] * channels, columns: shape[3], values: weight.floats),
                bias: Matrix(rows: 1, columns: shape[3], values: bias.floats), kernelSize: shape[0],
                inputHeight: height, inputWidth: width, inputChannels: channels, poolWidth: poolWidths[index])
            convolutions.append(layer)
            (height, width, channels) = (layer.outputHeight, layer.outputWidth, layer.outputChannels)
        }
        let windowText = metadata["frame_window"] ?? String(width)
        guard let window = Int(windowText), window >= 1, window <= width else {
            throw .frameWindow(file: file, text: windowText, width: width)
        }
        var layers: [Dense] = []
        for index in 0 ..< counts.head {
            let weight = try values("head.\(index).weight")
            let bias = try values("head.\(index).bias")
            let inputs = layers.last?.outputCount ?? height * window * channels
            guard weight.shape.count == 2, weight.shape[0] == inputs, weight.shape[1] > 0 else {
                throw .tensorShape(
                    file: file, name: "head.\(index).weight", shape: weight.shape,
                    expected: [inputs, weight.shape.count == 2 ? max(1, weight.shape[1]) : outputs])
            }
            let m = weight.shape[1]
            guard bias.shape == [m] else {
                throw .tensorShape(file: file, name: "head.\(index).bias", shape: bias.shape, expected: [m])
            }
            layers.append(
                Dense(
                    weight: Matrix(rows: inputs, columns: m, values: weight.floats),
                    bias: Matrix(rows: 1, columns: m, values: bias.floats),
                    activation: index == counts.head - 1 ? .identity : .relu))
        }
        let last = layers[layers.count - 1]
        guard last.outputCount == outputs else {
            throw .tensorShape(
                file: file, name: "head.\(layers.count - 1).weight", shape: [last.inputCount, last.outputCount],
                expected: [last.inputCount, outputs])
        }
        let network = ConvolutionalNetwork(convolutions: convolutions, window: window, head: MLP(layers: layers))
        if let architecture = metadata["architecture"], architecture != Self.architecture(of: network) {
            throw .architectureMismatch(file: file, metadata: architecture, tensors: Self.architecture(of: network))
        }
        self.init(network: network, summary: metadata["training"])
    }
}
