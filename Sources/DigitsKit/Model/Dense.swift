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
        var z = Matrix(rows: input.rows, columns: outputCount)
        Matrix.multiply(input, weight, into: &z)
        z.addRowVector(bias)
        return z
    }

    /// The forward pass `A = f(I·W + b)` written into `output` (resized to B×m without allocating
    /// when its capacity allows).
    public func forward(_ input: Matrix, into output: inout Matrix) {
        precondition(input.columns == inputCount, "layer expects \(inputCount) inputs, got \(input.columns)")
        output.resize(rows: input.rows)
        Matrix.multiply(input, weight, into: &output)
        output.addRowVector(bias)
        activation.apply(inPlace: &output)
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
        activation.backward(output: output, gradient: &outputGradient)
        Matrix.multiply(input, outputGradient, transposing: .first, into: &gradients.weight)
        outputGradient.sumColumns(into: &gradients.bias)
    }

    /// dL/dI = dL/dZ · Wᵀ (B×n), the gradient handed to the layer below; `dZ` is what `backward`
    /// left in its `outputGradient`. The first layer skips this: nothing below it needs it.
    public func inputGradient(_ dZ: Matrix, into dI: inout Matrix) {
        dI.resize(rows: dZ.rows)
        Matrix.multiply(dZ, weight, transposing: .second, into: &dI)
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

extension Matrix {
    /// Adds the 1×columns `vector` to every row (the bias term of `I·W + b`).
    public mutating func addRowVector(_ vector: Matrix) {
        precondition(vector.rows == 1 && vector.columns == columns)
        let columns = self.columns
        vector.storage.withUnsafeBufferPointer { v in
            storage.withUnsafeMutableBufferPointer { s in
                var offset = 0
                while offset < s.count {
                    for j in 0 ..< columns { s[offset + j] += v[j] }
                    offset += columns
                }
            }
        }
    }

    /// Writes the sum of each column into the 1×columns `result` (dL/db from dL/dZ).
    public func sumColumns(into result: inout Matrix) {
        precondition(result.rows == 1 && result.columns == columns)
        let columns = self.columns
        storage.withUnsafeBufferPointer { s in
            result.storage.withUnsafeMutableBufferPointer { r in
                r.update(repeating: 0)
                var offset = 0
                while offset < s.count {
                    for j in 0 ..< columns { r[j] += s[offset + j] }
                    offset += columns
                }
            }
        }
    }
}
