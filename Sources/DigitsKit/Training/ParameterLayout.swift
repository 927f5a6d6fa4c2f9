/// Where each layer's weights and biases live in one flat parameter vector.
///
/// The training engine keeps every parameter of the network — and, laid out the same way, every
/// velocity and every thread's gradient — in one contiguous buffer, so that the optimiser step
/// is one pass over a few flat arrays that the threads split evenly between them.
struct ParameterLayout {
    /// One layer's place in the vector.
    struct Layer {
        /// n → m.
        var inputs: Int
        var outputs: Int
        var activation: Activation
        /// W, n×m row-major.
        var weight: Range<Int>
        /// b, m values.
        var bias: Range<Int>
    }

    /// The layers, input side first.
    var layers: [Layer]
    /// Floats in the whole vector.
    var count: Int

    /// The layout of `model`'s parameters: layer 0's weight, layer 0's bias, layer 1's weight, …
    init(model: MLP) {
        var offset = 0
        layers = model.layers.map { layer in
            let weight = offset ..< offset + layer.weight.storage.count
            let bias = weight.upperBound ..< weight.upperBound + layer.bias.storage.count
            offset = bias.upperBound
            return Layer(inputs: layer.inputCount, outputs: layer.outputCount, activation: layer.activation,
                         weight: weight, bias: bias)
        }
        count = offset
    }

    /// Copies `model`'s parameters (or, with `velocities`, the optimiser's) into `vector`.
    func flatten(_ parts: [(weight: Matrix, bias: Matrix)], into vector: UnsafeMutableBufferPointer<Float>) {
        for (layer, part) in zip(layers, parts) {
            _ = UnsafeMutableBufferPointer(rebasing: vector[layer.weight]).update(fromContentsOf: part.weight.storage)
            _ = UnsafeMutableBufferPointer(rebasing: vector[layer.bias]).update(fromContentsOf: part.bias.storage)
        }
    }

    /// The (weight, bias) matrices of every layer, read from `vector`.
    func unflatten(_ vector: UnsafeMutableBufferPointer<Float>) -> [(weight: Matrix, bias: Matrix)] {
        layers.map { layer in
            (Matrix(rows: layer.inputs, columns: layer.outputs, values: Array(vector[layer.weight])),
             Matrix(rows: 1, columns: layer.outputs, values: Array(vector[layer.bias])))
        }
    }
}
