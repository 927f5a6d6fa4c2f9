import DigitsModel
import DigitsTensor

/// Stochastic gradient descent with momentum and optional weight decay, in PyTorch's form:
///
///     v ← μ·v + (g + λ·w)
///     w ← w − η·v
///
/// with learning rate η, momentum μ and weight decay λ (applied to weights, not biases). With
/// μ = 0 and λ = 0 this is the plain `parameter −= learning rate × gradient` of the design notes.
///
/// Every path runs the rule through `update(parameters:velocity:stride:…)` on raw buffers, which
/// calls `Kernels.sgdUpdate`: `step` for each weight and bias array of an `MLP` (and so
/// `trainingStep`, the plain forward-backward-update step), and `TrainingEngine` directly on
/// blocks of its flat parameter vector.
public struct SGD: Equatable, Sendable {
    /// Momentum μ (0 for plain SGD).
    public var momentum: Float
    /// L2 weight decay λ on weights (0 for none).
    public var weightDecay: Float
    /// The velocity `v` of every parameter, shaped like the model's layers.
    public var velocities: [Dense.Gradients]

    /// An optimiser for `model` with zero velocities.
    public init(for model: MLP, momentum: Float, weightDecay: Float = 0) {
        self.momentum = momentum
        self.weightDecay = weightDecay
        velocities = model.layers.map(Dense.Gradients.init(for:))
    }

    /// One update of every parameter of `model` from `gradients`: one per layer, each shaped like
    /// its layer's parameters (dL/dW n×m, dL/db 1×m), e.g. `MLP.Backward.gradients`. Weights are
    /// decayed by λ, biases are not.
    public mutating func step(_ model: inout MLP, gradients: [Dense.Gradients], learningRate: Float) {
        precondition(gradients.count == model.layers.count)
        for l in model.layers.indices {
            SGD.update(
                parameters: &model.layers[l].weight.storage, velocity: &velocities[l].weight.storage,
                gradient: gradients[l].weight.storage, learningRate: learningRate,
                momentum: momentum, weightDecay: weightDecay)
            SGD.update(
                parameters: &model.layers[l].bias.storage, velocity: &velocities[l].bias.storage,
                gradient: gradients[l].bias.storage, learningRate: learningRate,
                momentum: momentum, weightDecay: 0)
        }
    }

    /// The update rule applied to every element of one parameter array (`parameters`,
    /// `velocity` and `gradient` all the same length); `step` calls it for each weight and bias.
    public static func update(
        parameters: inout [Float], velocity: inout [Float], gradient: [Float],
        learningRate: Float, momentum: Float, weightDecay: Float
    ) {
        precondition(parameters.count == velocity.count && gradient.count == parameters.count)
        parameters.withUnsafeMutableBufferPointer { p in
            velocity.withUnsafeMutableBufferPointer { v in
                gradient.withUnsafeBufferPointer { g in
                    update(
                        parameters: p.baseAddress!, velocity: v.baseAddress!, stride: 0, gradient: g.baseAddress!,
                        gradientStride: 0, rows: 1, columns: g.count, learningRate: learningRate,
                        momentum: momentum, weightDecay: weightDecay)
                }
            }
        }
    }

    /// The update rule on a `rows × columns` block of one parameter matrix on raw buffers: the
    /// parameters and their velocities share the row stride `stride`, the gradient has its own.
    /// The array form above (and so `step`) runs this on a whole array as one row; the training
    /// engine runs it on blocks of rows of its flat parameter vector.
    public static func update(
        parameters: UnsafeMutablePointer<Float>, velocity: UnsafeMutablePointer<Float>, stride: Int,
        gradient: UnsafePointer<Float>, gradientStride: Int, rows: Int, columns: Int,
        learningRate: Float, momentum: Float, weightDecay: Float
    ) {
        Kernels.sgdUpdate(
            weights: parameters, velocities: velocity, stride: stride, gradient: gradient,
            gradientStride: gradientStride, rows: rows, columns: columns, learningRate: learningRate,
            momentum: momentum, weightDecay: weightDecay)
    }
}
