import CKernels

/// Runs training steps of an `MLP` on several threads, with no allocation and one barrier per step.
///
/// The network's parameters live in one flat vector (see `ParameterLayout`), as do the
/// optimiser's velocities and each thread's gradient. A step is one run of the thread pool:
///
/// 1. each thread loads its contiguous shard of the batch and runs it forward, then backward
///    down the layers (`Dense.forward`, dL/dZ and `Dense.inputGradient` on raw buffers);
/// 2. all threads meet at a barrier;
/// 3. each thread takes its own rows of every weight matrix (and columns of every bias), forms
///    their gradient from all shards at once — dL/dW rows = Σ over shards of Iᵀ·dL/dZ, a block of
///    rows at a time — and applies the SGD update to that block while it is still in cache.
///    Gradients never make a round trip through memory, and no thread waits for another.
///
/// Because the shards and the ranges depend only on the thread count, and sums are always taken
/// in the same order, the same seed and thread count always give a bit-identical model.
public final class TrainingEngine {
    /// The loss being minimised.
    public let loss: Loss
    /// SGD momentum μ.
    public let momentum: Float
    /// L2 weight decay λ on weights.
    public let weightDecay: Float
    /// Threads per step.
    public var threadCount: Int { pool.threadCount }

    private let pool: ThreadPool
    private let layout: ParameterLayout
    private let parameters: UnsafeMutableBufferPointer<Float>
    private let velocity: UnsafeMutableBufferPointer<Float>
    private var workspaces: [ShardWorkspace] = []

    /// An engine that trains `model` with `optimizer`'s settings and state on `threadCount` threads.
    public init(model: MLP, optimizer: SGD, loss: Loss, threadCount: Int) {
        self.loss = loss
        momentum = optimizer.momentum
        weightDecay = optimizer.weightDecay
        pool = ThreadPool(threadCount: threadCount)
        layout = ParameterLayout(model: model)
        parameters = .allocate(capacity: layout.count)
        velocity = .allocate(capacity: layout.count)
        layout.flatten(model.layers.map { ($0.weight, $0.bias) }, into: parameters)
        layout.flatten(optimizer.velocities.map { ($0.weight, $0.bias) }, into: velocity)
    }

    deinit {
        parameters.deallocate()
        velocity.deallocate()
    }

    /// The network as trained so far (a copy).
    public var model: MLP {
        MLP(layers: zip(layout.layers, layout.unflatten(parameters)).map { layer, values in
            Dense(weight: values.weight, bias: values.bias, activation: layer.activation)
        })
    }

    /// The optimiser's settings and state — its velocities — as they are now (a copy).
    public var optimizer: SGD {
        var sgd = SGD(for: model, momentum: momentum, weightDecay: weightDecay)
        for (l, values) in layout.unflatten(velocity).enumerated() {
            sgd.velocities[l].weight = values.weight
            sgd.velocities[l].bias = values.bias
        }
        return sgd
    }

    /// Makes sure every thread has scratch memory for a shard of `rows` examples.
    private func reserve(shardRows rows: Int) {
        guard rows > (workspaces.first?.capacity ?? 0) else { return }
        workspaces = (0 ..< pool.threadCount).map { _ in ShardWorkspace(layout: layout, capacity: rows) }
    }

    /// One optimisation step on the examples `batch` of `data`.
    ///
    /// `transform`, when given, rewrites each shard's inputs (rows of pixels in [0, 1]) before the
    /// forward pass, with a generator seeded from `transformSeed` and the shard index, so that
    /// augmentation stays deterministic. Returns the batch's summed loss and correct count
    /// (measured before the update).
    @discardableResult
    public func step(
        batch: ArraySlice<Int>, of data: MNISTDataSet, learningRate: Float,
        transform: (any BatchTransform)? = nil, transformSeed: UInt64 = 0
    ) -> Loss.Evaluation {
        let threads = pool.threadCount
        let largestShard = (batch.count + threads - 1) / threads
        reserve(shardRows: largestShard)
        let (pool, layout, workspaces, loss) = (self.pool, self.layout, self.workspaces, self.loss)
        let (parameters, velocity) = (self.parameters, self.velocity)
        let (momentum, weightDecay, batchSize) = (self.momentum, self.weightDecay, batch.count)

        pool.run { t in
            let savedFloatMode = ck_flush_denormals()
            defer { ck_restore_denormals(savedFloatMode) }
            let workspace = workspaces[t]
            let shard = (batchSize * t / threads) ..< (batchSize * (t + 1) / threads)
            workspace.batch.load(batch[batch.startIndex + shard.lowerBound ..< batch.startIndex + shard.upperBound],
                                 from: data)
            if let transform {
                var generator = SplitMix64(seed: transformSeed &+ UInt64(t) &* 0x9E37_79B9_7F4A_7C15)
                transform.apply(to: &workspace.batch.inputs, generator: &generator)
            }
            workspace.forwardBackward(parameters: parameters, loss: loss, batchSize: batchSize)

            pool.barrier()

            let mine = workspaces[t]
            for (l, layer) in layout.layers.enumerated() {
                // This thread's rows of W: the same split every step, so the result never depends on timing.
                let (n, m) = (layer.inputs, layer.outputs)
                var row = n * t / threads
                let end = n * (t + 1) / threads
                while row < end {
                    let count = min(ShardWorkspace.gradientBlockRows, end - row)
                    // dL/dW[rows] = Σ over shards of I[:, rows]ᵀ · dL/dZ, the shards added in order.
                    var first = true
                    for shard in workspaces where shard.rows > 0 {
                        shard.withLayerInput(l) { input in
                            ck_sgemm(true, false, Int32(count), Int32(m), Int32(shard.rows), input + row, Int32(n),
                                     shard.outputGradient(l), Int32(m), first ? 0 : 1,
                                     mine.gradientBlock.baseAddress!, Int32(m))
                        }
                        first = false
                    }
                    let offset = layer.weight.lowerBound + row * m
                    withUnsafePointer(to: UnsafePointer(mine.gradientBlock.baseAddress!)) { gradient in
                        ck_sgd_update(parameters.baseAddress! + offset, velocity.baseAddress! + offset, gradient, 1,
                                      0, count * m, learningRate, momentum, weightDecay)
                    }
                    row += count
                }
                // This thread's columns of b: dL/db = Σ over shards of the column sums of dL/dZ.
                let columns = (m * t / threads) ..< (m * (t + 1) / threads)
                guard !columns.isEmpty else { continue }
                var first = true
                for shard in workspaces where shard.rows > 0 {
                    ck_column_sums(shard.outputGradient(l) + columns.lowerBound, Int32(shard.rows), Int32(columns.count),
                                   Int32(m), mine.biasGradient.baseAddress!, !first)
                    first = false
                }
                let offset = layer.bias.lowerBound + columns.lowerBound
                withUnsafePointer(to: UnsafePointer(mine.biasGradient.baseAddress!)) { gradient in
                    ck_sgd_update(parameters.baseAddress! + offset, velocity.baseAddress! + offset, gradient, 1,
                                  0, columns.count, learningRate, momentum, 0)
                }
            }
        }
        return workspaces.reduce(Loss.Evaluation(lossSum: 0, correct: 0)) {
            Loss.Evaluation(lossSum: $0.lossSum + $1.evaluation.lossSum, correct: $0.correct + $1.evaluation.correct)
        }
    }

    /// Evaluates the model on every example of `data`.
    public func evaluate(on data: MNISTDataSet) -> EvaluationReport {
        Evaluator(runner: ParallelRunner(threadCount: threadCount)).evaluate(model, on: data, loss: loss)
    }
}

/// Rewrites a shard of a batch's inputs before the forward pass — the place for data
/// augmentation (shifts, rotations, noise).
///
/// `inputs` holds one example per row (784 pixels in [0, 1] for MNIST). Implementations draw
/// every random choice from `generator`, which the trainer seeds deterministically per batch and
/// shard.
public protocol BatchTransform: Sendable {
    /// Transforms `inputs` in place.
    func apply(to inputs: inout Matrix, generator: inout SplitMix64)
}
