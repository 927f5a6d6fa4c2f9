/// Runs training steps and evaluations of an `MLP` on several threads.
///
/// A step splits its batch into one contiguous shard per thread. Each thread runs its shard
/// forward and backward with its own scratch memory, producing its own gradients; then the
/// parameters are split into ranges and each thread sums the shards' gradients for its range (in
/// shard order, so the sum never depends on timing) and applies the optimiser's update. The same
/// seed and thread count therefore always give a bit-identical model.
public final class TrainingEngine {
    /// The network being trained.
    public private(set) var model: MLP
    /// The optimiser and its state (the momentum buffers).
    public private(set) var optimizer: SGD
    /// The loss being minimised.
    public let loss: Loss
    /// The threads steps and evaluations run on.
    public let runner: ParallelRunner

    private var workspaces: [ShardWorkspace]
    private var shardCapacity: Int

    /// An engine that trains `model` with `optimizer` on `threadCount` threads.
    public init(model: MLP, optimizer: SGD, loss: Loss, threadCount: Int) {
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
        runner = ParallelRunner(threadCount: threadCount)
        shardCapacity = 0
        workspaces = []
    }

    /// Makes sure every thread has scratch memory for a shard of `rows` examples.
    private func reserve(shardRows rows: Int) {
        guard rows > shardCapacity else { return }
        shardCapacity = rows
        workspaces = (0 ..< runner.threadCount).map { _ in ShardWorkspace(model: model, capacity: rows) }
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
        let shards = runner.split(batch.count)
        reserve(shardRows: shards.map(\.count).max() ?? 0)
        let model = self.model, loss = self.loss, batchSize = batch.count, workspaces = self.workspaces
        runner.run { t in
            let workspace = workspaces[t]
            let indices = batch[batch.startIndex + shards[t].lowerBound ..< batch.startIndex + shards[t].upperBound]
            workspace.load(indices, from: data)
            if let transform {
                var generator = SplitMix64(seed: transformSeed &+ UInt64(t) &* 0x9E37_79B9_7F4A_7C15)
                transform.apply(to: &workspace.input, generator: &generator)
            }
            if indices.isEmpty {
                workspace.evaluation = Loss.Evaluation(lossSum: 0, correct: 0)
                for l in workspace.gradients.indices {
                    workspace.gradients[l].weight.fill(0)
                    workspace.gradients[l].bias.fill(0)
                }
            } else {
                workspace.forwardBackward(model, loss: loss, batchSize: batchSize)
            }
        }
        applyUpdate(learningRate: learningRate)
        return workspaces.reduce(Loss.Evaluation(lossSum: 0, correct: 0)) {
            Loss.Evaluation(lossSum: $0.lossSum + $1.evaluation.lossSum, correct: $0.correct + $1.evaluation.correct)
        }
    }

    /// Sums the shards' gradients and applies the optimiser, each thread over its own range of
    /// every parameter array.
    private func applyUpdate(learningRate: Float) {
        let momentum = optimizer.momentum, decay = optimizer.weightDecay
        for l in model.layers.indices {
            for isWeight in [true, false] {
                let shards = workspaces.map { isWeight ? $0.gradients[l].weight.storage : $0.gradients[l].bias.storage }
                let ranges = runner.split(shards[0].count)
                withParameterBuffers(layer: l, weight: isWeight) { parameters, velocity in
                    withGradientPointers(shards) { gradientShards in
                        runner.run { t in
                            SGD.update(parameters: parameters, velocity: velocity, gradientShards: gradientShards,
                                       range: ranges[t], learningRate: learningRate,
                                       momentum: momentum, weightDecay: isWeight ? decay : 0)
                        }
                    }
                }
            }
        }
    }

    private func withParameterBuffers(
        layer l: Int, weight: Bool,
        _ body: (UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) -> Void
    ) {
        if weight {
            model.layers[l].weight.storage.withUnsafeMutableBufferPointer { p in
                optimizer.velocities[l].weight.storage.withUnsafeMutableBufferPointer { v in body(p, v) }
            }
        } else {
            model.layers[l].bias.storage.withUnsafeMutableBufferPointer { p in
                optimizer.velocities[l].bias.storage.withUnsafeMutableBufferPointer { v in body(p, v) }
            }
        }
    }

    /// Evaluates `model` on every example of `data`, in chunks of `chunkSize` per thread.
    public func evaluate(on data: MNISTDataSet, chunkSize: Int = 256) -> EvaluationReport {
        Evaluator(runner: runner).evaluate(model, on: data, loss: loss, chunkSize: chunkSize)
    }
}

/// Calls `body` with buffer pointers to each array (for summing gradient shards).
func withGradientPointers(_ arrays: [[Float]], _ body: ([UnsafeBufferPointer<Float>]) -> Void) {
    func nest(_ index: Int, _ collected: inout [UnsafeBufferPointer<Float>]) {
        if index == arrays.count {
            body(collected)
            return
        }
        arrays[index].withUnsafeBufferPointer { pointer in
            collected.append(pointer)
            nest(index + 1, &collected)
        }
    }
    var collected: [UnsafeBufferPointer<Float>] = []
    collected.reserveCapacity(arrays.count)
    nest(0, &collected)
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
