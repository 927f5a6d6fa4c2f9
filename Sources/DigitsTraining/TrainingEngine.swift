import DigitsData
import DigitsModel
import DigitsTensor

/// Runs training steps of an `MLP` on several threads, with no allocation and a barrier
/// between the phases of a step.
///
/// The network's parameters live in one flat vector (see `ParameterLayout`), as do the
/// optimiser's moments; the batch's activations live in one `BatchWorkspace`. A step is one
/// run of the thread pool, and every thread owns the same share of the work in every step:
///
/// 1. each thread loads its shard (a contiguous range of the batch's rows) — barrier;
/// 2. for each hidden layer in turn, each thread computes its own columns of the layer's
///    output for the whole batch (`BatchWorkspace.forward`) — a barrier after each;
/// 3. each thread runs its shard through the output layer and the loss, and back to the last
///    hidden layer's dL/dA (`BatchWorkspace.outputLayerForwardBackward`: `Dense.forward`,
///    `Loss.evaluate`, `Dense.activationBackward`, `Dense.inputGradient`) — barrier;
/// 4. for each hidden layer from the top down, each thread turns its own columns of dL/dA into
///    dL/dZ and, above the first layer, multiplies them by its panel of Wᵀ: its term of the
///    layer below's dL/dA, which the threads sum for their own columns after the barrier that
///    follows (`BatchWorkspace.backward`);
/// 5. each thread forms the gradient of its own parameters from all rows at once — its panel
///    of every hidden layer's W and its columns of their b, and its rows of the output layer's
///    W and columns of its b — a block of rows at a time (`Dense.weightGradient`,
///    `Dense.biasGradient`), and applies the optimiser's update to the block while it is still
///    in cache (`Kernels.optimizerUpdate`). Gradients never make a round trip through memory.
///
/// The step computes what the plain `Optimizer.trainingStep` computes on the whole batch as
/// matrices — forward, loss, `MLP.backward`, `Optimizer.step` — with the same kernels; only the
/// order of some float sums differs (the loss is summed shard by shard, and a hidden layer's
/// dL/dI thread by thread), and the tests hold it to that step.
///
/// The hidden layers are split by columns because they hold almost all the weights: this way
/// each thread's share of W — its own column panel, one contiguous stretch of the vector — is
/// read and written by that thread only, in the forward pass, the backward pass, the gradient
/// and the update. A weight that one core reads and another then writes has to move between
/// them: on two cores, Adam's update of a 784-1024-1024-10 network took 0.62 ns a weight while
/// its second layer was split by rows of the batch, and 0.48 split by columns. Only the first
/// layer was split at first; that had cut a step's time by about a third against one barrier
/// with every layer split by rows, and splitting the later hidden layers as well cut the wide
/// network's epoch by another 3–4%. The output layer is small, and split by rows.
///
/// Because the shares depend only on the thread count, and sums are always taken in the same
/// order, the same seed and thread count always give a bit-identical model.
public final class TrainingEngine {
    /// The loss being minimised.
    public let loss: Loss
    /// Cross-entropy's label smoothing ε (0 for none).
    public let labelSmoothing: Float
    /// The optimiser's method and settings.
    public let optimizerSettings: Optimizer.Settings
    /// Optimisation steps taken, by this engine and before it (Adam's bias correction needs it).
    public private(set) var steps: Int
    /// Threads per step.
    public var threadCount: Int { pool.threadCount }

    private let pool: ThreadPool
    private let layout: ParameterLayout
    private let parameters: UnsafeMutableBufferPointer<Float>
    private let velocity: UnsafeMutableBufferPointer<Float>
    /// Adam's second moments; nil for the SGD methods.
    private let squares: UnsafeMutableBufferPointer<Float>?
    /// The weights' moving average; nil unless the optimiser keeps one.
    private let average: UnsafeMutableBufferPointer<Float>?
    private var workspace: BatchWorkspace?

    /// An engine that trains `model` with `optimizer`'s settings and state on `threadCount` threads,
    /// minimising `loss` (with its target smoothed by `labelSmoothing`, cross-entropy only).
    public init(model: MLP, optimizer: Optimizer, loss: Loss, labelSmoothing: Float = 0, threadCount: Int) {
        self.loss = loss
        self.labelSmoothing = labelSmoothing
        optimizerSettings = optimizer.settings
        steps = optimizer.steps
        pool = ThreadPool(threadCount: threadCount)
        layout = ParameterLayout(model: model, panels: pool.threadCount)
        // A local copy: the function below cannot capture self before every property is set.
        let layout = layout
        /// A new flat vector holding `parts`, laid out as the parameters are.
        func flat(_ parts: [(weight: Matrix, bias: Matrix)]) -> UnsafeMutableBufferPointer<Float> {
            let vector = UnsafeMutableBufferPointer<Float>.allocateCacheAligned(count: layout.count)
            layout.flatten(parts, into: vector)
            return vector
        }
        parameters = flat(model.layers.map { ($0.weight, $0.bias) })
        velocity = flat(optimizer.velocities.map { ($0.weight, $0.bias) })
        squares =
            optimizer.settings.method.usesSecondMoments ? flat(optimizer.squares.map { ($0.weight, $0.bias) }) : nil
        average = optimizer.averagedModel.map { flat($0.layers.map { ($0.weight, $0.bias) }) }
    }

    deinit {
        parameters.deallocateCacheAligned()
        velocity.deallocateCacheAligned()
        squares?.deallocateCacheAligned()
        average?.deallocateCacheAligned()
    }

    /// The network as trained so far (a copy).
    public var model: MLP { model(from: parameters) }

    /// The moving average of the weights so far, when the optimiser keeps one (a copy).
    public var averagedModel: MLP? { average.map(model(from:)) }

    /// The model the run makes so far: the moving average when there is one, else the weights.
    public var resultModel: MLP { averagedModel ?? model }

    /// A network whose parameters are `flat`, laid out as the parameters are.
    private func model(from flat: UnsafeMutableBufferPointer<Float>) -> MLP {
        MLP(
            layers: zip(layout.layers, layout.unflatten(flat)).map { layer, values in
                Dense(weight: values.weight, bias: values.bias, activation: layer.activation)
            })
    }

    /// The optimiser's settings and state — its moments and step count — as they are now (a copy).
    public var optimizer: Optimizer {
        var optimizer = Optimizer(for: model, settings: optimizerSettings)
        optimizer.steps = steps
        optimizer.averagedModel = averagedModel
        for (l, values) in layout.unflatten(velocity).enumerated() {
            (optimizer.velocities[l].weight, optimizer.velocities[l].bias) = values
        }
        let squareValues: [(weight: Matrix, bias: Matrix)] = squares.map(layout.unflatten) ?? []
        for (l, values) in squareValues.enumerated() {
            (optimizer.squares[l].weight, optimizer.squares[l].bias) = values
        }
        return optimizer
    }

    /// Makes sure the workspace has room for a batch of `rows` examples.
    private func reserve(rows: Int) -> BatchWorkspace {
        if let workspace, workspace.capacity >= rows { return workspace }
        let workspace = BatchWorkspace(layout: layout, capacity: rows, threadCount: pool.threadCount)
        self.workspace = workspace
        return workspace
    }

    /// One optimisation step on the examples `batch` of `data`.
    ///
    /// `augmentation`, when given, distorts every image as it is loaded, each from its own
    /// generator (the run's seed, the epoch, the image's index), so what an image becomes does not
    /// depend on the thread count or on where a run was resumed. `dropout`, when given, drops
    /// input pixels and hidden units by masks hashed from the same things (see `Dropout`).
    /// Returns the batch's summed loss and correct count (measured before the update).
    @discardableResult
    public func step(
        batch: ArraySlice<Int>, of data: MNISTDataSet, learningRate: Float,
        augmentation: EpochAugmentation? = nil, dropout: EpochDropout? = nil
    ) -> Loss.Evaluation {
        let threads = pool.threadCount
        let workspace = reserve(rows: batch.count)
        workspace.rows = batch.count
        let (pool, layout, loss, batchSize) = (self.pool, self.layout, self.loss, batch.count)
        let labelSmoothing = self.labelSmoothing
        let state: FlatState = (parameters, velocity, squares, average)
        let averaging = optimizerSettings.averaging
        steps += 1
        let rules = (
            weights: optimizerSettings.rule(learningRate: learningRate, step: steps, decayed: true),
            biases: optimizerSettings.rule(learningRate: learningRate, step: steps, decayed: false)
        )

        pool.run { t in
            Kernels.withDenormalsFlushed {
                let p = UnsafePointer(state.parameters.baseAddress!)
                let scratch = workspace.scratch[t]
                let shard = ThreadPool.share(of: batchSize, part: t, parts: threads)
                workspace.load(
                    batch[batch.startIndex + shard.lowerBound ..< batch.startIndex + shard.upperBound],
                    from: data, into: shard, augmentation: augmentation, dropout: dropout, scratch: scratch)
                pool.barrier()

                // Forward through the layers split by columns, each thread for its own columns of
                // every row; a layer's input is the whole of the previous layer's output.
                for l in layout.splitLayers {
                    workspace.forward(layer: l, panel: t, parameters: p, dropout: dropout)
                    pool.barrier()
                }
                scratch.evaluation = workspace.outputLayerForwardBackward(
                    rows: shard, parameters: p, loss: loss, labelSmoothing: labelSmoothing, batchSize: batchSize)
                pool.barrier()
                // Backward through the hidden layers, each thread for its own columns of every row.
                let last = layout.layers.count - 1
                for l in layout.splitLayers.reversed() where l < last {
                    workspace.backward(layer: l, panel: t, parameters: p, dropout: dropout, parts: workspace.scratch)
                    if l > 0 { pool.barrier() }
                }

                // This thread's parameters: its panel of every split layer (all rows), and its rows
                // of the output layer's W and columns of its b when that is split by rows. Each
                // was read only by this thread in this step, except the output layer's few.
                for l in layout.splitLayers {
                    Self.update(
                        layer: l, panel: t, rows: 0 ..< layout.layers[l].inputs,
                        biasColumns: layout.layers[l].panels[t], workspace: workspace, scratch: scratch,
                        state: state, rules: rules, averaging: averaging)
                }
                if !layout.splitLayers.contains(last) {
                    let layer = layout.layers[last]
                    Self.update(
                        layer: last, panel: 0, rows: ThreadPool.share(of: layer.inputs, part: t, parts: threads),
                        biasColumns: ThreadPool.share(of: layer.outputs, part: t, parts: threads),
                        workspace: workspace, scratch: scratch, state: state, rules: rules, averaging: averaging)
                }
            }
        }
        return workspace.scratch.reduce(Loss.Evaluation(lossSum: 0, correct: 0)) {
            Loss.Evaluation(lossSum: $0.lossSum + $1.evaluation.lossSum, correct: $0.correct + $1.evaluation.correct)
        }
    }

    /// Forms dL/dW for rows `rows` of panel `panel` of layer `l`'s weights (`Dense.weightGradient`,
    /// `BatchWorkspace.gradientBlockRows` rows at a time into the thread's scratch block), and
    /// dL/db for `biasColumns` of its bias (`Dense.biasGradient`), from every row of the batch,
    /// and applies the optimiser's update to each block (`Kernels.optimizerUpdate`; biases
    /// without weight decay) to the parameters and their moments in `state`, and moves their
    /// moving average (when there is one) by `averaging`.
    /// Called by one thread for its own share, after the backward pass of every shard.
    private static func update(
        layer l: Int, panel: Int, rows: Range<Int>, biasColumns: Range<Int>, workspace: BatchWorkspace,
        scratch: BatchWorkspace.ThreadScratch, state: FlatState, rules: (weights: UpdateRule, biases: UpdateRule),
        averaging: Float
    ) {
        let layer = workspace.layout.layers[l]
        let batchRows = workspace.rows
        let input = workspace.layerInput(l), outputGradient = workspace.outputGradient(l)
        let block = scratch.gradientBlock.baseAddress!
        let columns = layer.panels[panel]
        let width = columns.count
        if width > 0 {
            var row = rows.lowerBound
            while row < rows.upperBound {
                let count = min(BatchWorkspace.gradientBlockRows, rows.upperBound - row)
                // The panel's rows are `width` floats apart, so these rows are one contiguous stretch.
                let offset = layer.panelStart(panel) + row * width
                // The update streams these rows' weights and moments from L3 (a wide network's
                // are tens of megabytes), and the hardware prefetchers take a while to follow each
                // stream. Asked for before the product, the first 4 KiB of each (or all of a
                // smaller block) arrive while it runs: in three sets of alternating runs of the
                // wide workload, the epoch's first quartile went from 3.70, 3.58 and 3.54 s to
                // 3.65, 3.51 and 3.49 s.
                let head = min(4096, count * width * MemoryLayout<Float>.stride)
                Kernels.prefetch(state.parameters.baseAddress! + offset, bytes: head)
                Kernels.prefetch(state.velocity.baseAddress! + offset, bytes: head)
                if let squares = state.squares { Kernels.prefetch(squares.baseAddress! + offset, bytes: head) }
                if let average = state.average { Kernels.prefetch(average.baseAddress! + offset, bytes: head) }
                // dL/dW[rows, columns] = I[:, rows]ᵀ · dL/dZ[:, columns].
                Dense.weightGradient(
                    rows: count, columns: width, batch: batchRows, input: input + row,
                    inputStride: workspace.layerInputStride(l), outputGradient: outputGradient + columns.lowerBound,
                    outputGradientStride: workspace.outputStrides[l], into: block, stride: width)
                Kernels.optimizerUpdate(
                    weights: state.parameters.baseAddress! + offset, moments: state.velocity.baseAddress! + offset,
                    squares: state.squares.map { $0.baseAddress! + offset }, stride: width, gradient: block,
                    gradientStride: width, rows: count, columns: width, rule: rules.weights,
                    averaging: state.average.map { ($0.baseAddress! + offset, averaging) })
                row += count
            }
        }
        guard !biasColumns.isEmpty else { return }
        // dL/db = the column sums of dL/dZ.
        Dense.biasGradient(
            columns: biasColumns.count, batch: batchRows,
            outputGradient: outputGradient + biasColumns.lowerBound, outputGradientStride: workspace.outputStrides[l],
            into: scratch.biasGradient.baseAddress!)
        let offset = layer.bias.lowerBound + biasColumns.lowerBound
        Kernels.optimizerUpdate(
            weights: state.parameters.baseAddress! + offset, moments: state.velocity.baseAddress! + offset,
            squares: state.squares.map { $0.baseAddress! + offset }, stride: 0,
            gradient: scratch.biasGradient.baseAddress!, gradientStride: 0, rows: 1, columns: biasColumns.count,
            rule: rules.biases, averaging: state.average.map { ($0.baseAddress! + offset, averaging) })
    }

    /// The flat parameter vector, and the optimiser's moments and moving average laid out like it.
    private typealias FlatState = (
        parameters: UnsafeMutableBufferPointer<Float>, velocity: UnsafeMutableBufferPointer<Float>,
        squares: UnsafeMutableBufferPointer<Float>?, average: UnsafeMutableBufferPointer<Float>?
    )

    /// Evaluates the model the run makes so far (`resultModel`) on every example of `data`.
    public func evaluate(on data: MNISTDataSet) -> EvaluationReport {
        evaluate(resultModel, on: data)
    }

    /// Evaluates another network of the same shapes (the result's weights rounded as a file
    /// will store them, say) on every example of `data`, on the engine's threads and with its loss.
    public func evaluate(_ model: MLP, on data: MNISTDataSet) -> EvaluationReport {
        Evaluator(pool: pool).evaluate(model, on: data, loss: loss)
    }
}
