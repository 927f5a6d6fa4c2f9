import CKernels

/// Stochastic gradient descent with momentum and optional weight decay, in PyTorch's form:
///
///     v ← μ·v + (g + λ·w)
///     w ← w − η·v
///
/// with learning rate η, momentum μ and weight decay λ (applied to weights, not biases). With
/// μ = 0 and λ = 0 this is the plain `parameter −= learning rate × gradient` of the design notes.
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

    /// One update of every parameter of `model` from `gradients` (one per layer).
    public mutating func step(_ model: inout MLP, gradients: [Dense.Gradients], learningRate: Float) {
        precondition(gradients.count == model.layers.count)
        for l in model.layers.indices {
            gradients[l].weight.storage.withUnsafeBufferPointer { g in
                SGD.update(parameters: &model.layers[l].weight.storage, velocity: &velocities[l].weight.storage,
                           gradientShards: [g], range: 0 ..< g.count, learningRate: learningRate,
                           momentum: momentum, weightDecay: weightDecay)
            }
            gradients[l].bias.storage.withUnsafeBufferPointer { g in
                SGD.update(parameters: &model.layers[l].bias.storage, velocity: &velocities[l].bias.storage,
                           gradientShards: [g], range: 0 ..< g.count, learningRate: learningRate,
                           momentum: momentum, weightDecay: 0)
            }
        }
    }

    /// The update rule over `range` of one parameter array, with the gradient given as the sum of
    /// `gradientShards` (one per thread, added in order so the result never depends on timing).
    ///
    /// The arithmetic is the C kernel `ck_sgd_update`, the same one the training engine runs.
    public static func update(
        parameters: inout [Float], velocity: inout [Float], gradientShards: [UnsafeBufferPointer<Float>],
        range: Range<Int>, learningRate: Float, momentum: Float, weightDecay: Float
    ) {
        precondition(range.upperBound <= parameters.count && parameters.count == velocity.count)
        precondition(gradientShards.allSatisfy { $0.count >= range.upperBound })
        let table: [UnsafePointer<Float>?] = gradientShards.map(\.baseAddress)
        parameters.withUnsafeMutableBufferPointer { p in
            velocity.withUnsafeMutableBufferPointer { v in
                table.withUnsafeBufferPointer { shards in
                    ck_sgd_update(p.baseAddress, v.baseAddress, shards.baseAddress, Int32(shards.count),
                                  range.lowerBound, range.upperBound, learningRate, momentum, weightDecay)
                }
            }
        }
    }
}
