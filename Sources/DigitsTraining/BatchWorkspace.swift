import DigitsData
import DigitsModel
import DigitsTensor

/// The memory a training step works in: the batch's inputs, labels, every layer's output and
/// dL/dZ, one row per example (`rowStride(width:)` floats apart), plus each thread's scratch
/// for its share of the update and of the input gradients.
///
/// Allocated once for the largest batch and reused every step, so a step allocates nothing.
/// The threads of a step share the batch buffers and write disjoint parts of them: the rows of
/// their shard, or (for the layers split by columns) their own columns. The step's barriers
/// order every read of another thread's part after its write.
final class BatchWorkspace {
    let layout: ParameterLayout
    /// The most examples a batch may have.
    let capacity: Int
    /// Examples loaded for the current step.
    var rows = 0
    /// One example per row, `layout.layers[0].inputs` values in [0, 1], rows `inputStride` apart.
    let inputs: UnsafeMutableBufferPointer<Float>
    /// The distance between rows of `inputs`.
    let inputStride: Int
    /// The distance between rows of each layer's output and dL/dZ.
    let outputStrides: [Int]
    /// The label of each row.
    let labels: UnsafeMutableBufferPointer<Int>
    /// The index in the training set of each row's example (dropout's masks depend on it).
    let examples: UnsafeMutableBufferPointer<Int>
    /// Each layer's output A, capacity rows of m values.
    private let outputs: [UnsafeMutableBufferPointer<Float>]
    /// Each layer's dL/dA, turned into dL/dZ in place by the backward pass.
    private let outputGradients: [UnsafeMutableBufferPointer<Float>]
    /// Each thread's room for its share of the update.
    let scratch: [ThreadScratch]

    /// Weight-gradient rows formed at a time: small enough that the block stays in the core's
    /// cache between the product that fills it and the update that reads it (128 rows of a
    /// 768-column panel are 384 KiB), large enough that the product runs enough row tiles to pack
    /// its dL/dZ panels and the update streams long runs of weights and moments. From 48 rows,
    /// the wide workload's epoch (784-1024-1024-10, Adam, two threads on a Zen 4 EPYC) went from
    /// 3.51 to 3.34 s at the first quartile of alternating runs in a busy hour and from 3.34 to
    /// 3.31 s in a quiet one, and the reference workload's, in the busy hour, from 0.503 to
    /// 0.484 s. With 48 rows one thread's gradient of the 1024×1024 layer ran 10–30% slower than
    /// the other's.
    static let gradientBlockRows = 128

    /// One thread's gradient block (`gradientBlockRows` × the widest layer), bias gradient, its
    /// part of the input gradient of every split layer but the first, room to distort images in
    /// when augmenting, and what the loss came to on its shard.
    final class ThreadScratch {
        let gradientBlock: UnsafeMutableBufferPointer<Float>
        let biasGradient: UnsafeMutableBufferPointer<Float>
        /// For each layer l in `layout.splitLayers` above the first, this thread's term of dL/dI:
        /// its columns of dL/dZ times its panel of Wᵀ (capacity rows, as layer l − 1's output is
        /// laid out). The threads' terms sum to the layer's dL/dI. Nil for the other layers.
        let inputGradientParts: [UnsafeMutableBufferPointer<Float>?]
        let distortion = DigitDistorter.Workspace()
        var evaluation = Loss.Evaluation(lossSum: 0, correct: 0)

        init(layout: ParameterLayout, capacity: Int, outputStrides: [Int]) {
            let widest = layout.layers.map(\.outputs).max() ?? 0
            gradientBlock = .allocateCacheAligned(count: BatchWorkspace.gradientBlockRows * widest)
            biasGradient = .allocateCacheAligned(count: widest)
            inputGradientParts = layout.layers.indices.map { l in
                guard l > 0, layout.splitLayers.contains(l) else { return nil }
                return .allocateCacheAligned(count: capacity * outputStrides[l - 1])
            }
        }

        deinit {
            gradientBlock.deallocateCacheAligned()
            biasGradient.deallocateCacheAligned()
            for part in inputGradientParts { part?.deallocateCacheAligned() }
        }
    }

    /// The distance, in floats, between the rows of a buffer of `width` values per example:
    /// `width`, or a cache line more when `width` floats fill a multiple of 2 KiB.
    ///
    /// At such a stride a column strip of the buffer, read down the batch, falls in the same few
    /// sets of a core's L1 cache on every row, and is gone before the next tile comes back to it.
    /// The weight gradient Iᵀ·dL/dZ reads both operands that way, 64 rows deep; for a 1024-wide
    /// layer, in 48-row blocks on one thread, the padded stride took it from 81% to 96% of the
    /// core's peak at avx512 and from 54% to 78% at avx2 (1536 wide: 94% to 96%, 77% to 81%).
    /// A 32-row shard's forward and input-gradient products through a 1024×1024 layer went from
    /// 80% to 90% and from 85% to 91% at avx512 (unchanged at avx2). The zero-filled padding is
    /// never written, and stays zero.
    static func rowStride(width: Int) -> Int {
        width % 512 == 0 ? width + 16 : width
    }

    init(layout: ParameterLayout, capacity: Int, threadCount: Int) {
        self.layout = layout
        self.capacity = capacity
        inputStride = Self.rowStride(width: layout.layers[0].inputs)
        outputStrides = layout.layers.map { Self.rowStride(width: $0.outputs) }
        inputs = .allocateCacheAligned(count: capacity * inputStride)
        labels = .allocate(capacity: capacity)
        labels.initialize(repeating: 0)
        examples = .allocate(capacity: capacity)
        examples.initialize(repeating: 0)
        outputs = outputStrides.map { .allocateCacheAligned(count: capacity * $0) }
        outputGradients = outputStrides.map { .allocateCacheAligned(count: capacity * $0) }
        scratch = (0 ..< threadCount).map { [outputStrides] _ in
            ThreadScratch(layout: layout, capacity: capacity, outputStrides: outputStrides)
        }
    }

    deinit {
        for buffer in [inputs] + outputs + outputGradients { buffer.deallocateCacheAligned() }
        labels.deallocate()
        examples.deallocate()
    }

    /// Loads examples `indices` of `data` into rows `rows` (as many as there are indices),
    /// scaling pixels to [0, 1] — or, when augmenting, distorting each image as its own
    /// generator (from the run's seed, the epoch and the image's index) draws, in `scratch` —
    /// then dropping pixels when `dropout` asks.
    func load(
        _ indices: ArraySlice<Int>, from data: MNISTDataSet, into rows: Range<Int>,
        augmentation: EpochAugmentation?, dropout: EpochDropout?, scratch: ThreadScratch
    ) {
        let pixels = layout.layers[0].inputs
        precondition(
            pixels == MNISTDataSet.pixelsPerImage && indices.count == rows.count && rows.upperBound <= capacity)
        data.images.withUnsafeBufferPointer { images in
            for (offset, index) in indices.enumerated() {
                let row = rows.lowerBound + offset
                // The batch is a random draw from a data set larger than the cache, so the next
                // image is asked for now, to arrive while this one is converted.
                if offset + 1 < indices.count {
                    let next = indices[indices.startIndex + offset + 1]
                    Kernels.prefetch(images.baseAddress! + next * pixels, bytes: pixels)
                }
                let image = images.baseAddress! + index * pixels
                let destination = inputs.baseAddress! + row * inputStride
                if let augmentation {
                    var generator = DigitDistorter.generator(
                        seed: augmentation.seed, epoch: augmentation.epoch, index: index)
                    augmentation.distorter.distort(
                        image, into: destination, generator: &generator, workspace: scratch.distortion)
                } else {
                    Kernels.unitFloats(fromBytes: image, into: destination, count: pixels)
                }
                labels[row] = Int(data.labels[index])
                examples[row] = index
                if let dropout, dropout.dropout.input > 0 {
                    Dropout.apply(
                        to: destination, firstUnit: 0, count: pixels, layer: 0, example: index, epoch: dropout.epoch,
                        seed: dropout.seed, rate: dropout.dropout.input)
                }
            }
        }
    }

    /// Layer `l`'s input (rows × n, rows `layerInputStride(l)` apart): the pixels for layer 0,
    /// the previous layer's output otherwise.
    func layerInput(_ l: Int) -> UnsafeMutablePointer<Float> {
        l == 0 ? inputs.baseAddress! : outputs[l - 1].baseAddress!
    }

    /// The distance between rows of layer `l`'s input.
    func layerInputStride(_ l: Int) -> Int { l == 0 ? inputStride : outputStrides[l - 1] }

    /// Layer `l`'s output A (rows × m, rows `outputStrides[l]` apart).
    func output(_ l: Int) -> UnsafeMutablePointer<Float> { outputs[l].baseAddress! }

    /// Layer `l`'s dL/dZ (rows × m, rows `outputStrides[l]` apart) once the backward pass has run.
    func outputGradient(_ l: Int) -> UnsafeMutablePointer<Float> { outputGradients[l].baseAddress! }

    /// The forward pass of layer `l`, one of `layout.splitLayers`, for the columns of W's panel
    /// `p`, for every row of the batch: `Dense.forward` on the panel as an n → width layer, its
    /// outputs written into its own columns of the full output through the output stride; then,
    /// when the layer is hidden and `dropout` asks, those columns' units dropped. The layer's
    /// input must be complete for every row.
    func forward(layer l: Int, panel p: Int, parameters: UnsafePointer<Float>, dropout: EpochDropout?) {
        let layer = layout.layers[l]
        let columns = layer.panels[p]
        Dense.forward(
            Dense.Shape(rows: rows, inputs: layer.inputs, outputs: columns.count), input: layerInput(l),
            weight: parameters + layer.panelStart(p), bias: parameters + layer.bias.lowerBound + columns.lowerBound,
            activation: layer.activation, output: output(l) + columns.lowerBound, outputStride: outputStrides[l],
            inputStride: layerInputStride(l))
        if let dropout, dropout.dropout.hidden > 0, l < layout.layers.count - 1 {
            for row in 0 ..< rows {
                Dropout.apply(
                    to: output(l) + row * outputStrides[l] + columns.lowerBound, firstUnit: columns.lowerBound,
                    count: columns.count, layer: l + 1, example: examples[row], epoch: dropout.epoch,
                    seed: dropout.seed, rate: dropout.dropout.hidden)
            }
        }
    }

    /// The output layer's part of the step for the rows `shard`: its forward pass (unless it is
    /// split by columns, in a network without hidden layers, and `forward(layer:panel:)` has run
    /// it), the loss, and its backward steps 1 and 4 — dL/dZ in place, then dL/dI written as the
    /// layer below's dL/dA for these rows. The output layer's input must be complete for these
    /// rows. `batchSize` is the whole batch's size, so that the shards' gradients sum to the
    /// gradient of the batch's mean loss; `labelSmoothing` is the loss's ε (0 for none).
    ///
    /// With `backward(layer:panel:parameters:dropout:parts:)` for the layers below, this is the
    /// part of `MLP.backward` that runs down the layers. Steps 2 and 3 (`Dense.weightGradient`,
    /// `Dense.biasGradient`) are not run here: `TrainingEngine` forms dL/dW and dL/db afterwards
    /// from all rows at once, each thread for its own share of the parameters.
    func outputLayerForwardBackward(
        rows shard: Range<Int>, parameters: UnsafePointer<Float>, loss: Loss, labelSmoothing: Float, batchSize: Int
    ) -> Loss.Evaluation {
        guard !shard.isEmpty else { return Loss.Evaluation(lossSum: 0, correct: 0) }
        let last = layout.layers.count - 1
        let layer = layout.layers[last]
        let shape = Dense.Shape(rows: shard.count, inputs: layer.inputs, outputs: layer.outputs)
        func rowsOf(_ buffer: UnsafeMutablePointer<Float>, stride: Int) -> UnsafeMutablePointer<Float> {
            buffer + shard.lowerBound * stride
        }
        if !layout.splitLayers.contains(last) {
            Dense.forward(
                shape, input: rowsOf(layerInput(last), stride: layerInputStride(last)),
                weight: parameters + layer.weight.lowerBound, bias: parameters + layer.bias.lowerBound,
                activation: layer.activation, output: rowsOf(output(last), stride: outputStrides[last]),
                outputStride: outputStrides[last], inputStride: layerInputStride(last))
        }
        // The loss reads and writes packed rows; ten classes never take a padded stride.
        precondition(outputStrides[last] == layer.outputs, "the output layer's rows are padded")
        let evaluation = loss.evaluate(
            logits: rowsOf(output(last), stride: layer.outputs), rows: shard.count,
            classes: layer.outputs, labels: labels.baseAddress! + shard.lowerBound,
            batchSize: batchSize, labelSmoothing: labelSmoothing,
            gradient: rowsOf(outputGradient(last), stride: layer.outputs))
        // dL/dZ = dL/dA ⊙ f'(Z), in place.
        Dense.activationBackward(
            layer.activation, output: rowsOf(output(last), stride: layer.outputs),
            outputGradient: rowsOf(outputGradient(last), stride: layer.outputs), count: shard.count * layer.outputs)
        if last > 0 {
            Dense.inputGradient(
                shape, outputGradient: rowsOf(outputGradient(last), stride: layer.outputs),
                weight: parameters + layer.weight.lowerBound,
                inputGradient: rowsOf(outputGradient(last - 1), stride: outputStrides[last - 1]),
                outputGradientStride: layer.outputs, inputGradientStride: outputStrides[last - 1])
        }
        return evaluation
    }

    /// The backward pass of hidden layer `l`, one of `layout.splitLayers`, for the columns of
    /// panel `p` and every row of the batch, run by thread `p`; `parts` are every thread's scratch.
    ///
    /// First its dL/dA: the layer above has written it whole when that is the output layer;
    /// otherwise each thread of the layer above left a term of it in `parts`, and this thread
    /// sums them, in thread order, for its own columns. Then backward step 1 (dL/dZ in place,
    /// dropped units' kept and scaled as their outputs were), and, above layer 0, step 4 for the
    /// panel: its columns of dL/dZ times its panel of Wᵀ, this thread's term of the layer below's
    /// dL/dA, into `parts[p]`. Layer 0's dL/dI is never formed since nothing below needs it.
    func backward(
        layer l: Int, panel p: Int, parameters: UnsafePointer<Float>, dropout: EpochDropout?,
        parts: [ThreadScratch]
    ) {
        let layer = layout.layers[l]
        let columns = layer.panels[p]
        let stride = outputStrides[l]
        if !columns.isEmpty {
            let gradient = outputGradient(l) + columns.lowerBound, activations = output(l) + columns.lowerBound
            let width = columns.count
            let scale: Float? = dropout.flatMap { $0.dropout.hidden > 0 ? 1 / (1 - $0.dropout.hidden) : nil }
            for row in 0 ..< rows {
                let destination = gradient + row * stride
                if layout.splitLayers.contains(l + 1) {
                    let offset = row * stride + columns.lowerBound
                    let first = parts[0].inputGradientParts[l + 1]!.baseAddress! + offset
                    destination.update(from: first, count: width)
                    for part in parts.dropFirst() {
                        let term = part.inputGradientParts[l + 1]!.baseAddress! + offset
                        for j in 0 ..< width { destination[j] += term[j] }
                    }
                }
                Dense.activationBackward(
                    layer.activation, output: activations + row * stride, outputGradient: destination, count: width)
                // A dropped unit's dL/dZ is already 0 (ReLU's derivative, read from its zeroed
                // output); a kept one's is scaled as its output was.
                if let scale { for j in 0 ..< width { destination[j] *= scale } }
            }
        }
        guard l > 0 else { return }
        let term = parts[p].inputGradientParts[l]!.baseAddress!
        let belowStride = outputStrides[l - 1]
        if columns.isEmpty {
            // A panel without columns adds nothing to the sum.
            term.update(repeating: 0, count: rows * belowStride)
        } else {
            Dense.inputGradient(
                Dense.Shape(rows: rows, inputs: layer.inputs, outputs: columns.count),
                outputGradient: outputGradient(l) + columns.lowerBound, weight: parameters + layer.panelStart(p),
                inputGradient: term, outputGradientStride: stride, inputGradientStride: belowStride)
        }
    }
}
