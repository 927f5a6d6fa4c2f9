import CKernels

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
                        Dense.forward(shape, input: i.baseAddress!, weight: w.baseAddress!, bias: b.baseAddress!,
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

    /// The backward pass through the activation and the weights.
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
                            Dense.backward(shape, input: i.baseAddress!, output: a.baseAddress!, activation: activation,
                                           outputGradient: g.baseAddress!, weightGradient: dW.baseAddress!,
                                           biasGradient: db.baseAddress!)
                        }
                    }
                }
            }
        }
    }

    /// dL/dI = dL/dZ · Wᵀ (B×n), the gradient handed to the layer below; `dZ` is what `backward`
    /// left in its `outputGradient`. The first layer skips this: nothing below it needs it.
    public func inputGradient(_ dZ: Matrix, into dI: inout Matrix) {
        dI.resize(rows: dZ.rows)
        let shape = Shape(rows: dZ.rows, inputs: inputCount, outputs: outputCount)
        dZ.storage.withUnsafeBufferPointer { g in
            weight.storage.withUnsafeBufferPointer { w in
                dI.storage.withUnsafeMutableBufferPointer { d in
                    Dense.inputGradient(shape, outputGradient: g.baseAddress!, weight: w.baseAddress!,
                                        inputGradient: d.baseAddress!)
                }
            }
        }
    }

    /// The whole backward pass returning new matrices: (dL/dW, dL/db, dL/dI), given I, A and dL/dA.
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
    /// outputs land in its own columns of the full output.
    ///
    /// This and the two functions below are the layer's whole arithmetic; the `Matrix` methods
    /// above and the training engine both call them.
    public static func forward(
        _ shape: Shape, input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        activation: Activation, output: UnsafeMutablePointer<Float>, outputStride: Int? = nil
    ) {
        let (b, n, m) = (Int32(shape.rows), Int32(shape.inputs), Int32(shape.outputs))
        let ldo = Int32(outputStride ?? shape.outputs)
        precondition(ldo >= m, "output rows overlap")
        guard b > 0, m > 0 else { return }
        if activation == .relu || activation == .identity {
            // Z = I·W with the bias and ReLU fused into the product's last write of each value.
            ck_sgemm_bias_act(false, false, b, m, n, input, n, weight, m, 0, output, ldo, bias, activation == .relu)
        } else {
            ck_sgemm(false, false, b, m, n, input, n, weight, m, 0, output, ldo)        // Z = I·W
            ck_bias_activation(output, b, m, ldo, bias, activation.kernelCode)        // A = f(Z + b)
        }
    }

    /// The backward pass through the activation and the weights on raw buffers.
    ///
    /// `outputGradient` holds dL/dA (B×m) on entry and dL/dZ on return; `weightGradient` (n×m)
    /// and `biasGradient` (m) are overwritten with dL/dW and dL/db.
    public static func backward(
        _ shape: Shape, input: UnsafePointer<Float>, output: UnsafePointer<Float>, activation: Activation,
        outputGradient: UnsafeMutablePointer<Float>, weightGradient: UnsafeMutablePointer<Float>,
        biasGradient: UnsafeMutablePointer<Float>
    ) {
        let (b, n, m) = (Int32(shape.rows), Int32(shape.inputs), Int32(shape.outputs))
        // dL/dZ = dL/dA ⊙ f'(Z), with f' computed from A.
        ck_activation_backward(output, outputGradient, shape.rows * shape.outputs, activation.kernelCode)
        // dL/dW = Iᵀ · dL/dZ: (n×B)·(B×m). With no rows it is zero.
        ck_sgemm(true, false, n, m, b, input, n, outputGradient, m, 0, weightGradient, m)
        // dL/db = the column sums of dL/dZ.
        ck_column_sums(outputGradient, b, m, m, biasGradient, false)
    }

    /// dL/dI = dL/dZ · Wᵀ on raw buffers: (B×m)·(m×n) into `inputGradient` (B×n).
    public static func inputGradient(
        _ shape: Shape, outputGradient: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>
    ) {
        let (b, n, m) = (Int32(shape.rows), Int32(shape.inputs), Int32(shape.outputs))
        guard b > 0 else { return }
        ck_sgemm(false, true, b, n, m, outputGradient, m, weight, m, 0, inputGradient, n)
    }
}

extension Activation {
    /// The code the C kernels know this activation by.
    var kernelCode: Int32 {
        switch self {
        case .identity: Int32(CK_ACTIVATION_IDENTITY)
        case .relu: Int32(CK_ACTIVATION_RELU)
        case .sigmoid: Int32(CK_ACTIVATION_SIGMOID)
        case .tanh: Int32(CK_ACTIVATION_TANH)
        }
    }
}
