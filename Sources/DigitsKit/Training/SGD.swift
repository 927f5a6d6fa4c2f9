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
    /// The parallel trainer calls this with disjoint ranges from several threads.
    public static func update(
        parameters: UnsafeMutableBufferPointer<Float>, velocity: UnsafeMutableBufferPointer<Float>,
        gradientShards: [UnsafeBufferPointer<Float>], range: Range<Int>,
        learningRate: Float, momentum: Float, weightDecay: Float
    ) {
        for i in range {
            var g: Float = 0
            for shard in gradientShards { g += shard[i] }
            g += weightDecay * parameters[i]
            let v = momentum * velocity[i] + g
            velocity[i] = v
            parameters[i] -= learningRate * v
        }
    }

    /// The same update on arrays.
    public static func update(
        parameters: inout [Float], velocity: inout [Float], gradientShards: [UnsafeBufferPointer<Float>],
        range: Range<Int>, learningRate: Float, momentum: Float, weightDecay: Float
    ) {
        parameters.withUnsafeMutableBufferPointer { p in
            velocity.withUnsafeMutableBufferPointer { v in
                update(parameters: p, velocity: v, gradientShards: gradientShards, range: range,
                       learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
            }
        }
    }
}
