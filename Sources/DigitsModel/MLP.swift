import DigitsTensor

/// A multi-layer perceptron: dense layers applied one after another.
///
/// Hidden layers share one activation (ReLU by default); the last layer is linear and produces
/// logits, which `probabilities` (and every `Loss`) turn into class probabilities with a softmax.
/// For MNIST the layer sizes run 784 → hidden… → 10.
public struct MLP: Equatable, Sendable {
    /// The layers, input side first.
    public var layers: [Dense]

    /// A network made of the given layers; each layer's input count must equal the previous layer's output count.
    public init(layers: [Dense]) {
        precondition(!layers.isEmpty, "a network needs at least one layer")
        for (below, above) in zip(layers, layers.dropFirst()) {
            precondition(below.outputCount == above.inputCount, "layer sizes do not chain")
        }
        self.layers = layers
    }

    /// A freshly initialised network of sizes `inputCount → hidden… → outputCount`.
    ///
    /// Weights are drawn from a normal distribution with mean 0 and variance 2/n for ReLU (He
    /// initialisation, which keeps the activations' scale steady through ReLU layers) or 2/(n+m)
    /// for sigmoid and tanh (Glorot); biases start at 0.
    public init(
        inputCount: Int, hidden: [Int], outputCount: Int, activation: Activation,
        generator: inout SplitMix64
    ) {
        let sizes = [inputCount] + hidden + [outputCount]
        precondition(sizes.allSatisfy { $0 > 0 }, "layer sizes must be positive")
        var layers: [Dense] = []
        for index in 0 ..< sizes.count - 1 {
            let n = sizes[index], m = sizes[index + 1]
            let variance = activation == .relu ? 2 / Double(n) : 2 / Double(n + m)
            let deviation = variance.squareRoot()
            var weight = Matrix(rows: n, columns: m)
            for i in weight.storage.indices {
                weight.storage[i] = Float(generator.nextNormal(standardDeviation: deviation))
            }
            let isOutput = index == sizes.count - 2
            layers.append(
                Dense(
                    weight: weight, bias: Matrix(rows: 1, columns: m),
                    activation: isOutput ? .identity : activation))
        }
        self.init(layers: layers)
    }

    /// The sizes of every layer boundary, e.g. `[784, 256, 128, 10]`.
    public var layerSizes: [Int] { [layers[0].inputCount] + layers.map(\.outputCount) }

    /// The hidden layers' activation (ReLU for a network without hidden layers).
    public var hiddenActivation: Activation { layers.count > 1 ? layers[0].activation : .relu }

    /// Number of inputs per example.
    public var inputCount: Int { layers[0].inputCount }

    /// Number of classes.
    public var outputCount: Int { layers[layers.count - 1].outputCount }

    /// An upper bound on the magnitude of any output (logit) for inputs in [0, `inputLimit`].
    ///
    /// Worked out layer by layer without running the network: an output can be at most
    /// Σᵢ |Wᵢⱼ|·(bound on input i) + |bⱼ|, and sigmoid and tanh cap it at 1. Computed in
    /// `Double`, so the bound itself does not overflow where a `Float` would. A float sum of
    /// those terms never exceeds the bound by more than its rounding, so when the bound is far
    /// below `Float.greatestFiniteMagnitude` every output of every input is finite.
    public func outputMagnitudeBound(inputLimit: Double = 1) -> Double {
        var bounds = [Double](repeating: inputLimit, count: inputCount)
        for layer in layers {
            var next = layer.bias.storage.map { Double(abs($0)) }
            let m = layer.outputCount
            // Unchecked buffers, so the inner loop vectorises: every start of `digits` checks
            // the built-in model this way.
            layer.weight.storage.withUnsafeBufferPointer { weights in
                next.withUnsafeMutableBufferPointer { next in
                    for (i, bound) in bounds.enumerated() where bound > 0 {
                        let row = weights.baseAddress! + i * m
                        for j in 0 ..< m { next[j] += Double(abs(row[j])) * bound }
                    }
                }
            }
            if layer.activation == .sigmoid || layer.activation == .tanh {
                next = next.map { min($0, 1) }
            }
            bounds = next
        }
        return bounds.max() ?? 0
    }

    /// Total number of weights and biases.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.weight.storage.count + $1.bias.storage.count } }

    /// The logits for a batch of inputs (B×inputCount → B×outputCount).
    public func logits(_ input: Matrix) -> Matrix {
        layers.reduce(input) { $1.forward($0) }
    }

    /// The class probabilities (softmax of the logits) for a batch of inputs, one row per example.
    public func probabilities(_ input: Matrix) -> Matrix {
        let logits = logits(input)
        var result = logits
        let classes = logits.columns
        logits.storage.withUnsafeBufferPointer { z in
            result.storage.withUnsafeMutableBufferPointer { p in
                for r in 0 ..< logits.rows {
                    Softmax.probabilities(
                        of: UnsafeBufferPointer(rebasing: z[r * classes ..< (r + 1) * classes]),
                        into: UnsafeMutableBufferPointer(rebasing: p[r * classes ..< (r + 1) * classes]))
                }
            }
        }
        return result
    }

    /// The class probabilities for one example (`inputCount` values, e.g. 784 pixels in [0, 1]).
    public func probabilities(for input: [Float]) -> [Float] {
        probabilities(Matrix(rows: 1, columns: input.count, values: input)).storage
    }

    // MARK: The whole network's forward and backward passes, layer by layer

    /// Every layer's output A for a batch (B×inputCount in): entry `l` is B×(layer `l`'s output
    /// count), input side first; the last entry is the logits, as `logits(_:)` gives them.
    ///
    /// This is what `backward(input:outputs:outputGradient:)` needs: each layer's backward step
    /// reads its own input and output.
    public func forwardOutputs(_ input: Matrix) -> [Matrix] {
        var outputs: [Matrix] = []
        outputs.reserveCapacity(layers.count)
        for layer in layers { outputs.append(layer.forward(outputs.last ?? input)) }
        return outputs
    }

    /// The backward pass through every layer, last to first, by the chain rule: layer `l` turns
    /// its dL/dA into dL/dZ, dL/dW and dL/db with `Dense.backward`, and hands dL/dI =
    /// dL/dZ · Wᵀ (`Dense.inputGradient`) down as the dL/dA of the layer below.
    ///
    /// - Parameters:
    ///   - input: the B×inputCount batch the forward pass saw.
    ///   - outputs: every layer's output A from that pass, as `forwardOutputs(input)` returns them.
    ///   - outputGradient: dL/dA of the last layer (B×outputCount), e.g. the gradient a `Loss`
    ///     writes for the logits.
    /// - Returns: every layer's dL/dZ, dL/dW, dL/db and dL/dI (see `MLP.Backward`).
    public func backward(input: Matrix, outputs: [Matrix], outputGradient: Matrix) -> Backward {
        precondition(outputs.count == layers.count, "need one output per layer")
        precondition(
            input.columns == inputCount && outputGradient.columns == outputCount
                && outputGradient.rows == input.rows, "gradient must be B×\(outputCount)")
        var rawActivationGradients = [Matrix](repeating: Matrix(rows: 0, columns: 0), count: layers.count)
        var inputGradients = rawActivationGradients
        var gradients = layers.map(Dense.Gradients.init(for:))
        var upstream = outputGradient  // dL/dA of layer l: B×m_l
        for l in layers.indices.reversed() {
            let layer = layers[l]
            layer.backward(
                input: l == 0 ? input : outputs[l - 1], output: outputs[l], outputGradient: &upstream,
                gradients: &gradients[l])
            var handedDown = Matrix(rows: input.rows, columns: layer.inputCount)
            layer.inputGradient(upstream, into: &handedDown)
            rawActivationGradients[l] = upstream
            inputGradients[l] = handedDown
            upstream = handedDown
        }
        return Backward(
            rawActivationGradients: rawActivationGradients, gradients: gradients,
            inputGradients: inputGradients)
    }
}
