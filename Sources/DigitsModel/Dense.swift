import DigitsTensor

/// A fully connected layer: `Z = I·W + b`, `A = f(Z)`, in the row-vector convention.
///
/// Shapes, for a batch of `B` examples, `n` inputs and `m` outputs:
/// - input `I`: B×n, one example per row
/// - weight `W`: n×m (column `j` holds the weights of output neuron `j`)
/// - bias `b`: 1×m, added to every row
/// - raw activation `Z` and output `A`: B×m
///
/// The backward pass, given dL/dA, follows the chain rule exactly as written:
/// - dL/dZ = dL/dA ⊙ f'(Z)
/// - dL/dW = Iᵀ · dL/dZ  (n×m)
/// - dL/db = the column sums of dL/dZ  (1×m)
/// - dL/dI = dL/dZ · Wᵀ  (B×n), handed to the layer below
///
/// Who calls what: the `Matrix` methods here call the raw-buffer forms in the extension below,
/// and `MLP.forwardOutputs` / `MLP.backward` chain the `Matrix` methods over a network. The
/// training engine (`BatchWorkspace` and `TrainingEngine` in DigitsTraining) calls the raw
/// `Dense.forward` and the four named backward steps — `activationBackward`, `weightGradient`,
/// `biasGradient`, `inputGradient` — one at a time, never the raw `Dense.backward`: it forms
/// dL/dW and dL/db only after every shard's dL/dZ is ready, each thread for its own share.
public struct Dense: Equatable, Sendable {
    /// The weights `W`, `inputCount × outputCount`.
    public var weight: Matrix
    /// The biases `b`, `1 × outputCount`.
    public var bias: Matrix
    /// The non-linearity `f`.
    public var activation: Activation

    /// A layer with the given parameters; `bias` must be `1 × weight.columns`.
    public init(weight: Matrix, bias: Matrix, activation: Activation) {
        precondition(bias.rows == 1 && bias.columns == weight.columns, "bias must be 1×\(weight.columns)")
        self.weight = weight
        self.bias = bias
        self.activation = activation
    }

    /// Number of inputs `n`.
    public var inputCount: Int { weight.rows }
    /// Number of outputs `m`.
    public var outputCount: Int { weight.columns }

    // MARK: Forward

    /// `Z = I·W + b` alone (no activation), as a new B×m matrix.
    public func rawActivation(_ input: Matrix) -> Matrix {
        Dense(weight: weight, bias: bias, activation: .identity).forward(input)
    }

    /// The forward pass `A = f(I·W + b)` written into `output` (resized to B×m without allocating
    /// when its capacity allows).
    public func forward(_ input: Matrix, into output: inout Matrix) {
        precondition(input.columns == inputCount, "layer expects \(inputCount) inputs, got \(input.columns)")
        output.resize(rows: input.rows)
        let shape = Shape(rows: input.rows, inputs: inputCount, outputs: outputCount)
        input.storage.withUnsafeBufferPointer { i in
            weight.storage.withUnsafeBufferPointer { w in
                bias.storage.withUnsafeBufferPointer { b in
                    output.storage.withUnsafeMutableBufferPointer { a in
                        Dense.forward(
                            shape, input: i.baseAddress!, weight: w.baseAddress!, bias: b.baseAddress!,
                            activation: activation, output: a.baseAddress!)
                    }
                }
            }
        }
    }

    /// The forward pass as a new matrix.
    public func forward(_ input: Matrix) -> Matrix {
        var output = Matrix(rows: input.rows, columns: outputCount)
        forward(input, into: &output)
        return output
    }

    // MARK: Backward

    /// The backward pass through the activation and the weights: the raw `Dense.backward`
    /// (steps 1–3) over the matrices' storage. `MLP.backward` calls this for every layer.
    ///
    /// - Parameters:
    ///   - input: `I`, the B×n input the forward pass saw.
    ///   - output: `A`, the B×m output the forward pass produced.
    ///   - outputGradient: dL/dA on entry (B×m); dL/dZ on return, ready for `inputGradient`.
    ///   - gradients: receives dL/dW (n×m) and dL/db (1×m).
    public func backward(input: Matrix, output: Matrix, outputGradient: inout Matrix, gradients: inout Gradients) {
        precondition(input.rows == output.rows && output.rows == outputGradient.rows)
        let shape = Shape(rows: input.rows, inputs: inputCount, outputs: outputCount)
        input.storage.withUnsafeBufferPointer { i in
            output.storage.withUnsafeBufferPointer { a in
                outputGradient.storage.withUnsafeMutableBufferPointer { g in
                    gradients.weight.storage.withUnsafeMutableBufferPointer { dW in
                        gradients.bias.storage.withUnsafeMutableBufferPointer { db in
                            Dense.backward(
                                shape, input: i.baseAddress!, output: a.baseAddress!, activation: activation,
                                outputGradient: g.baseAddress!, weightGradient: dW.baseAddress!,
                                biasGradient: db.baseAddress!)
                        }
                    }
                }
            }
        }
    }

    /// dL/dI = dL/dZ · Wᵀ (B×n), the gradient handed to the layer below; `dZ` is what `backward`
    /// left in its `outputGradient`. Runs step 4, the raw `Dense.inputGradient`; `MLP.backward`
    /// calls it for every layer (the first layer's is the gradient of the network's input, which
    /// the training engine skips since nothing below needs it).
    public func inputGradient(_ dZ: Matrix, into dI: inout Matrix) {
        dI.resize(rows: dZ.rows)
        let shape = Shape(rows: dZ.rows, inputs: inputCount, outputs: outputCount)
        dZ.storage.withUnsafeBufferPointer { g in
            weight.storage.withUnsafeBufferPointer { w in
                dI.storage.withUnsafeMutableBufferPointer { d in
                    Dense.inputGradient(
                        shape, outputGradient: g.baseAddress!, weight: w.baseAddress!,
                        inputGradient: d.baseAddress!)
                }
            }
        }
    }

    /// The whole backward pass of this layer returning new matrices: (dL/dW n×m, dL/db 1×m,
    /// dL/dI B×n), given I (B×n), A (B×m) and dL/dA (B×m). `backward(…gradients:)` then
    /// `inputGradient`, for tests and examples that look at one layer.
    public func backward(input: Matrix, output: Matrix, outputGradient: Matrix)
        -> (weight: Matrix, bias: Matrix, input: Matrix)
    {
        var dZ = outputGradient
        var gradients = Gradients(for: self)
        var dI = Matrix(rows: input.rows, columns: inputCount)
        backward(input: input, output: output, outputGradient: &dZ, gradients: &gradients)
        inputGradient(dZ, into: &dI)
        return (gradients.weight, gradients.bias, dI)
    }

    /// dL/dW and dL/db for one layer, shaped like its parameters.
    public struct Gradients: Equatable, Sendable {
        /// dL/dW, n×m.
        public var weight: Matrix
        /// dL/db, 1×m.
        public var bias: Matrix

        /// Zero gradients shaped like `layer`'s parameters.
        public init(for layer: Dense) {
            weight = Matrix(rows: layer.inputCount, columns: layer.outputCount)
            bias = Matrix(rows: 1, columns: layer.outputCount)
        }
    }
}

// MARK: - The math on raw buffers

extension Dense {
    /// The sizes one pass works with: B rows, n inputs, m outputs. All buffers are row-major and
    /// dense (a row of I is n floats, a row of A is m floats).
    public struct Shape: Equatable, Sendable {
        /// B, the examples in the batch.
        public var rows: Int
        /// n, the layer's inputs.
        public var inputs: Int
        /// m, the layer's outputs.
        public var outputs: Int

        /// A shape for `rows` examples through an n → m layer.
        public init(rows: Int, inputs: Int, outputs: Int) {
            (self.rows, self.inputs, self.outputs) = (rows, inputs, outputs)
        }
    }

    /// The forward pass on raw buffers: `A = f(I·W + b)`, I B×n, W n×m, b m, A B×m.
    ///
    /// `outputStride` is the distance between rows of A (m unless given). A wider stride lets
    /// a layer be computed in column slices: each slice is itself an n → width layer whose
    /// outputs land in its own columns of the full output. `inputStride` is the distance between
    /// rows of I (n unless given).
    ///
    /// For ReLU and identity the bias and activation are fused into the product
    /// (`Kernels.product(…addingBias:relu:)`); for sigmoid and tanh the product is followed by
    /// `Kernels.addBiasAndApply`. `forward(_:into:)` above (and so every `Matrix` forward pass)
    /// calls this, and so does the training engine's `BatchWorkspace`, for each layer — the first
    /// one a column panel at a time.
    public static func forward(
        _ shape: Shape, input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        activation: Activation, output: UnsafeMutablePointer<Float>, outputStride: Int? = nil,
        inputStride: Int? = nil
    ) {
        let (b, n, m) = (shape.rows, shape.inputs, shape.outputs)
        let ldo = outputStride ?? m, ldi = inputStride ?? n
        precondition(ldo >= m, "output rows overlap")
        precondition(ldi >= n, "input rows overlap")
        guard b > 0, m > 0 else { return }
        let i = Kernels.Operand(input, stride: ldi), w = Kernels.Operand(weight, stride: m)
        if activation == .relu || activation == .identity {
            // Z = I·W with the bias and ReLU fused into the product's last write of each value.
            Kernels.product(
                rows: b, columns: m, depth: n, i, w, into: output, stride: ldo, addingBias: bias,
                relu: activation == .relu)
        } else {
            Kernels.product(rows: b, columns: m, depth: n, i, w, into: output, stride: ldo)  // Z = I·W
            Kernels.addBiasAndApply(
                activation.kernelFunction, to: output, rows: b, columns: m, stride: ldo,
                bias: bias)  // A = f(Z + b)
        }
    }

    /// The backward pass through the activation and the weights on raw buffers: the three
    /// named steps below, in order.
    ///
    /// `backward(input:output:outputGradient:gradients:)` above calls this. The training engine
    /// does not: it runs step 1 per shard of the batch (with step 4 below), and steps 2 and 3
    /// afterwards from every row at once, on each thread's own block of the parameters.
    ///
    /// `outputGradient` holds dL/dA (B×m) on entry and dL/dZ on return; `weightGradient` (n×m)
    /// and `biasGradient` (m) are overwritten with dL/dW and dL/db.
    public static func backward(
        _ shape: Shape, input: UnsafePointer<Float>, output: UnsafePointer<Float>, activation: Activation,
        outputGradient: UnsafeMutablePointer<Float>, weightGradient: UnsafeMutablePointer<Float>,
        biasGradient: UnsafeMutablePointer<Float>
    ) {
        let (b, n, m) = (shape.rows, shape.inputs, shape.outputs)
        activationBackward(activation, output: output, outputGradient: outputGradient, count: b * m)
        Dense.weightGradient(
            rows: n, columns: m, batch: b, input: input, inputStride: n,
            outputGradient: outputGradient, outputGradientStride: m, into: weightGradient, stride: m)
        Dense.biasGradient(
            columns: m, batch: b, outputGradient: outputGradient, outputGradientStride: m,
            into: biasGradient)
    }

    /// Backward step 1, through the activation: dL/dZ = dL/dA ⊙ f'(Z), in place over `count`
    /// values (B×m), with f' computed from the layer's output A (see
    /// `Activation.derivative(output:)`), by `Kernels.multiplyByDerivative`. Called by the raw
    /// `Dense.backward` and, per shard, by the engine's `BatchWorkspace.forwardBackward`.
    public static func activationBackward(
        _ activation: Activation, output: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>, count: Int
    ) {
        Kernels.multiplyByDerivative(
            of: activation.kernelFunction, outputs: output, gradient: outputGradient,
            count: count)
    }

    /// Backward step 2, the weight gradient: dL/dW = Iᵀ · dL/dZ, (n×B)·(B×m), from all B rows.
    ///
    /// Written for a block of W as well as the whole of it: `rows` rows of W starting at the
    /// input column `input` points to, and `columns` columns starting at the dL/dZ column
    /// `outputGradient` points to, with the buffers' own row strides. The block lands in
    /// `weightGradient` with row stride `stride`. With no batch rows it is zero. Called by the
    /// raw `Dense.backward` for the whole of W, and by `TrainingEngine` for blocks of a thread's
    /// share of W, a few rows at a time.
    public static func weightGradient(
        rows: Int, columns: Int, batch: Int, input: UnsafePointer<Float>, inputStride: Int,
        outputGradient: UnsafePointer<Float>, outputGradientStride: Int,
        into weightGradient: UnsafeMutablePointer<Float>, stride: Int
    ) {
        Kernels.product(
            rows: rows, columns: columns, depth: batch,
            Kernels.Operand(input, stride: inputStride, transposed: true),
            Kernels.Operand(outputGradient, stride: outputGradientStride),
            into: weightGradient, stride: stride)
    }

    /// Backward step 3, the bias gradient: dL/db = the column sums of dL/dZ over all B rows, for
    /// `columns` columns starting where `outputGradient` points (rows `outputGradientStride`
    /// apart), into `columns` floats. Called by the raw `Dense.backward` for every column, and by
    /// `TrainingEngine` for a thread's range of columns.
    public static func biasGradient(
        columns: Int, batch: Int, outputGradient: UnsafePointer<Float>, outputGradientStride: Int,
        into biasGradient: UnsafeMutablePointer<Float>
    ) {
        Kernels.columnSums(
            of: outputGradient, rows: batch, columns: columns, stride: outputGradientStride,
            into: biasGradient)
    }

    /// Backward step 4, handed down: dL/dI = dL/dZ · Wᵀ, (B×m)·(m×n) into `inputGradient` (B×n),
    /// their rows `outputGradientStride` (m unless given) and `inputGradientStride` (n unless
    /// given) apart. Called by `inputGradient(_:into:)` above and, per shard for every layer but
    /// the first, by the engine's `BatchWorkspace.forwardBackward`, which writes it as the dL/dA
    /// of the layer below.
    public static func inputGradient(
        _ shape: Shape, outputGradient: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, outputGradientStride: Int? = nil,
        inputGradientStride: Int? = nil
    ) {
        let (b, n, m) = (shape.rows, shape.inputs, shape.outputs)
        let ldg = outputGradientStride ?? m, ldi = inputGradientStride ?? n
        precondition(ldg >= m && ldi >= n, "gradient rows overlap")
        guard b > 0 else { return }
        Kernels.product(
            rows: b, columns: n, depth: m, Kernels.Operand(outputGradient, stride: ldg),
            Kernels.Operand(weight, stride: m, transposed: true), into: inputGradient, stride: ldi)
    }
}

extension Activation {
    /// The kernels' name for this activation.
    var kernelFunction: Kernels.Function {
        switch self {
        case .identity: .identity
        case .relu: .relu
        case .sigmoid: .sigmoid
        case .tanh: .tanh
        }
    }
}
