import DigitsTensor

/// A small convolutional network: convolution layers (each with ReLU and pooling, see
/// `Convolution`) that find strokes wherever they are in the picture, then a multi-layer
/// perceptron, the head, that reads every window of `window` consecutive columns of the last
/// one's output.
///
/// Each window is a *frame*, and the head gives each frame its own logits: a network whose window
/// spans the last output's whole width reads the image as one thing (one frame), and one with a
/// narrower window reads it column by column, as `NumberReader.rowReaders` read a row of digits.
/// An MLP alone learns what it sees at each place of its input apart; the convolutions share one
/// set of kernels over every place, and the head one set of weights over every frame, so what is
/// learnt of a stroke here holds for it there. Inputs are B images, one per row, channels last,
/// as the first convolution reads them.
public struct ConvolutionalNetwork: Equatable, Sendable {
    /// The convolution layers, input side first; each reads the previous one's output.
    public var convolutions: [Convolution]
    /// How many columns of the last convolution's output the head reads at once.
    public let window: Int
    /// The perceptron over each window of the last convolution's output, its logits the network's.
    public var head: MLP

    /// A network of these layers; each layer must read what the one before it writes, and the
    /// head a window of `window` columns of the last (all its rows and channels).
    public init(convolutions: [Convolution], window: Int, head: MLP) {
        precondition(!convolutions.isEmpty, "at least one convolution")
        for (lower, upper) in zip(convolutions, convolutions.dropFirst()) {
            precondition(
                upper.inputHeight == lower.outputHeight && upper.inputWidth == lower.outputWidth
                    && upper.inputChannels == lower.outputChannels, "each convolution reads the one before")
        }
        let last = convolutions[convolutions.count - 1]
        precondition(window >= 1 && window <= last.outputWidth, "the window must fit the last output")
        precondition(head.inputCount == last.outputHeight * window * last.outputChannels, "the head reads a window")
        self.convolutions = convolutions
        self.window = window
        self.head = head
    }

    /// Floats per input image.
    public var inputCount: Int { convolutions[0].inputCount }
    /// Logits per frame.
    public var outputCount: Int { head.outputCount }
    /// Frames per image: the windows that fit across the last convolution's output.
    public var frames: Int { convolutions[convolutions.count - 1].outputWidth - window + 1 }
    /// Learnt values in all.
    public var parameterCount: Int {
        convolutions.reduce(head.parameterCount) { $0 + $1.weight.storage.count + $1.bias.storage.count }
    }

    /// Input columns from one frame's view to the next's: the product of the layers' pool widths.
    public var frameStep: Int { convolutions.reduce(1) { $0 * $1.poolWidth } }

    /// The input column at the centre of frame `frame`'s view (a fraction for a point between
    /// frames): each convolution multiplies the stride between its output columns by its pool
    /// width and widens what one sees by its kernel.
    public func centreColumn(ofFrame frame: Double) -> Double {
        var centre = frame + Double(window - 1) / 2
        for layer in convolutions.reversed() {
            // A pooled column covers `poolWidth` convolved ones; a convolved column is centred its
            // kernel's half-width into the layer's input.
            let pool = Double(layer.poolWidth)
            centre = pool * centre + (pool - 1) / 2 + Double(layer.kernelSize - 1) / 2
        }
        return centre
    }

    /// Every window of `features` (B × the last convolution's outputCount) as one row:
    /// (B·frames) × head.inputCount, each row the window's values in row, column, channel order.
    func frameRows(of features: Matrix) -> Matrix {
        let last = convolutions[convolutions.count - 1]
        let (frames, span, rowLength) = (frames, window * last.outputChannels, last.outputWidth * last.outputChannels)
        var rows = Matrix(rows: features.rows * frames, columns: head.inputCount)
        features.storage.withUnsafeBufferPointer { source in
            rows.storage.withUnsafeMutableBufferPointer { target in
                for image in 0 ..< features.rows {
                    for frame in 0 ..< frames {
                        var to = (image * frames + frame) * head.inputCount
                        for y in 0 ..< last.outputHeight {
                            let from = image * features.columns + y * rowLength + frame * last.outputChannels
                            for offset in 0 ..< span { target[to + offset] = source[from + offset] }
                            to += span
                        }
                    }
                }
            }
        }
        return rows
    }

    /// The gradient with respect to the last convolution's output (B × outputCount), given the
    /// gradient with respect to its frame rows: each value sums the gradients of every window
    /// that holds it.
    func featureGradient(fromFrameRows gradient: Matrix, images: Int) -> Matrix {
        let last = convolutions[convolutions.count - 1]
        let (frames, span, rowLength) = (frames, window * last.outputChannels, last.outputWidth * last.outputChannels)
        var features = Matrix(rows: images, columns: last.outputCount)
        for image in 0 ..< images {
            for frame in 0 ..< frames {
                var from = (image * frames + frame) * head.inputCount
                for y in 0 ..< last.outputHeight {
                    let to = image * last.outputCount + y * rowLength + frame * last.outputChannels
                    for offset in 0 ..< span { features.storage[to + offset] += gradient.storage[from + offset] }
                    from += span
                }
            }
        }
        return features
    }

    /// Everything a forward pass over a batch computed, kept for the backward pass.
    public struct Pass: Sendable {
        /// Each convolution's forward pass, input side first.
        public var convolutions: [Convolution.Forward]
        /// The frame rows the head read, (B·frames) × head.inputCount.
        public var frameRows: Matrix
        /// The head's activations, one matrix per layer (`MLP.forwardOutputs`); the last is the logits.
        public var headOutputs: [Matrix]
        /// The network's logits, (B·frames) × outputCount: image b's frame f in row b·frames + f.
        public var logits: Matrix { headOutputs[headOutputs.count - 1] }
    }

    /// A forward pass over the B images in `input` (B × inputCount).
    public func forward(_ input: Matrix) -> Pass {
        var passes: [Convolution.Forward] = []
        var current = input
        for layer in convolutions {
            let pass = layer.forward(current)
            current = pass.output
            passes.append(pass)
        }
        let frameRows = frameRows(of: current)
        return Pass(convolutions: passes, frameRows: frameRows, headOutputs: head.forwardOutputs(frameRows))
    }

    /// The logits of the B images in `input`, (B·frames) × outputCount.
    public func logits(_ input: Matrix) -> Matrix { forward(input).logits }

    /// dL/dW and dL/db of every layer, shaped like its parameters.
    public struct Gradients: Equatable, Sendable {
        /// The convolutions' gradients, input side first.
        public var convolutions: [Convolution.Gradients]
        /// The head's layers' gradients, input side first.
        public var head: [Dense.Gradients]

        /// Zero gradients shaped like `network`'s parameters.
        public init(for network: ConvolutionalNetwork) {
            convolutions = network.convolutions.map(Convolution.Gradients.init(for:))
            head = network.head.layers.map(Dense.Gradients.init(for:))
        }

        /// Every gradient matrix, in a fixed order (each layer's weight, then its bias).
        var matrices: [Matrix] {
            get { convolutions.flatMap { [$0.weight, $0.bias] } + head.flatMap { [$0.weight, $0.bias] } }
            set {
                for index in convolutions.indices {
                    convolutions[index].weight = newValue[2 * index]
                    convolutions[index].bias = newValue[2 * index + 1]
                }
                let offset = 2 * convolutions.count
                for index in head.indices {
                    head[index].weight = newValue[offset + 2 * index]
                    head[index].bias = newValue[offset + 2 * index + 1]
                }
            }
        }

        /// Adds `other`'s gradients to these (the gradients of two halves of a batch make the whole's).
        public mutating func add(_ other: Gradients) {
            matrices = zip(matrices, other.matrices).map { mine, theirs in
                var sum = mine
                for index in sum.storage.indices { sum.storage[index] += theirs.storage[index] }
                return sum
            }
        }
    }

    /// The gradients of a loss with respect to every parameter, given the forward pass `pass`
    /// over a batch and the loss's gradient with respect to its logits ((B·frames) × outputCount).
    public func backward(_ pass: Pass, outputGradient: Matrix) -> Gradients {
        var gradients = Gradients(for: self)
        let headBackward = head.backward(
            input: pass.frameRows, outputs: pass.headOutputs, outputGradient: outputGradient)
        gradients.head = headBackward.gradients
        var gradient = featureGradient(
            fromFrameRows: headBackward.networkInputGradient, images: pass.convolutions[0].output.rows)
        for index in convolutions.indices.reversed() {
            let (layerGradients, inputGradient) = convolutions[index].backward(
                pass.convolutions[index], outputGradient: gradient, inputGradient: index > 0)
            gradients.convolutions[index] = layerGradients
            if let inputGradient { gradient = inputGradient }
        }
        return gradients
    }

    /// One step of SGD with momentum: `velocity = momentum · velocity + gradients`, then every
    /// parameter moves by `−learningRate · velocity`.
    public mutating func step(
        with gradients: Gradients, velocity: inout Gradients, learningRate: Float, momentum: Float
    ) {
        var velocities = velocity.matrices
        let steps = gradients.matrices
        for index in velocities.indices {
            for value in velocities[index].storage.indices {
                velocities[index].storage[value] =
                    momentum * velocities[index].storage[value]
                    + steps[index].storage[value]
            }
        }
        velocity.matrices = velocities
        for index in convolutions.indices {
            move(&convolutions[index].weight, by: velocities[2 * index], rate: learningRate)
            move(&convolutions[index].bias, by: velocities[2 * index + 1], rate: learningRate)
        }
        let offset = 2 * convolutions.count
        for index in head.layers.indices {
            move(&head.layers[index].weight, by: velocities[offset + 2 * index], rate: learningRate)
            move(&head.layers[index].bias, by: velocities[offset + 2 * index + 1], rate: learningRate)
        }
    }

    private func move(_ parameter: inout Matrix, by velocity: Matrix, rate: Float) {
        for index in parameter.storage.indices { parameter.storage[index] -= rate * velocity.storage[index] }
    }
}
