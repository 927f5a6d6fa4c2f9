import DigitsData
import DigitsModel
import DigitsTensor

/// The memory a training step works in: the batch's inputs, labels, every layer's output and
/// dL/dZ, one row per example (`rowStride(width:)` floats apart), plus each thread's scratch
/// for its share of the update.
///
/// Allocated once for the largest batch and reused every step, so a step allocates nothing.
/// The threads of a step share the batch buffers and write disjoint parts of them: the rows of
/// their shard, or (for the first layer's output) their own columns. The step's barriers order
/// every read of another thread's part after its write.
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
    /// cache between the product that fills it and the update that reads it.
    static let gradientBlockRows = 48

    /// One thread's gradient block (`gradientBlockRows` × the widest layer), bias gradient, room
    /// to distort images in when augmenting, and what the loss came to on its shard.
    final class ThreadScratch {
        let gradientBlock: UnsafeMutableBufferPointer<Float>
        let biasGradient: UnsafeMutableBufferPointer<Float>
        let distortion = DigitDistorter.Workspace()
        var evaluation = Loss.Evaluation(lossSum: 0, correct: 0)

        init(widest: Int) {
            gradientBlock = .allocateCacheAligned(count: BatchWorkspace.gradientBlockRows * widest)
            biasGradient = .allocateCacheAligned(count: widest)
        }

        deinit {
            gradientBlock.deallocateCacheAligned()
            biasGradient.deallocateCacheAligned()
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
        let widest = layout.layers.map(\.outputs).max() ?? 0
        scratch = (0 ..< threadCount).map { _ in ThreadScratch(widest: widest) }
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

    /// The first layer's forward pass for the columns of W's panel `p`, for every row of the
    /// batch: `Dense.forward` on the panel as an n → width layer, its outputs written into its
    /// own columns of the full output through the output stride; then, when the layer is hidden
    /// and `dropout` asks, those columns' units dropped.
    func forwardFirstLayer(panel p: Int, parameters: UnsafePointer<Float>, dropout: EpochDropout?) {
        let layer = layout.layers[0]
        let columns = layer.panels[p]
        Dense.forward(
            Dense.Shape(rows: rows, inputs: layer.inputs, outputs: columns.count), input: inputs.baseAddress!,
            weight: parameters + layer.panelStart(p), bias: parameters + layer.bias.lowerBound + columns.lowerBound,
            activation: layer.activation, output: output(0) + columns.lowerBound, outputStride: outputStrides[0],
            inputStride: inputStride)
        if let dropout, dropout.dropout.hidden > 0, layout.layers.count > 1 {
            for row in 0 ..< rows {
                Dropout.apply(
                    to: output(0) + row * outputStrides[0] + columns.lowerBound, firstUnit: columns.lowerBound,
                    count: columns.count, layer: 1, example: examples[row], epoch: dropout.epoch, seed: dropout.seed,
                    rate: dropout.dropout.hidden)
            }
        }
    }

    /// Forward from layer 1, the loss and backward down to layer 0's dL/dZ, for the rows `shard`.
    /// Layer 0's output must be complete for these rows. `batchSize` is the whole batch's size,
    /// so that the shards' gradients sum to the gradient of the batch's mean loss;
    /// `labelSmoothing` is the loss's ε (0 for none). With `dropout`, every hidden layer's
    /// output loses its dropped units (layer 0's already has, in `forwardFirstLayer`), and
    /// their dL/dZ is scaled as the kept units were (see `Dropout`).
    ///
    /// The calls, in order: `Dense.forward` for layers 1…; `Loss.evaluate` on the raw buffers,
    /// which writes dL/dA of the logits; then, from the last layer down, backward step 1
    /// (`Dense.activationBackward`, dL/dZ in place) and, above layer 0, step 4
    /// (`Dense.inputGradient`, dL/dI written as the layer below's dL/dA). That is the part of
    /// `MLP.backward` that runs down the layers, per shard. Steps 2 and 3 (`Dense.weightGradient`,
    /// `Dense.biasGradient`) are not run here: `TrainingEngine` forms dL/dW and dL/db afterwards
    /// from all rows at once, each thread for its own share of the parameters, and layer 0's
    /// dL/dI is never formed since nothing below needs it.
    func forwardBackward(
        rows shard: Range<Int>, parameters: UnsafePointer<Float>, loss: Loss, labelSmoothing: Float, batchSize: Int,
        dropout: EpochDropout?
    ) -> Loss.Evaluation {
        guard !shard.isEmpty else { return Loss.Evaluation(lossSum: 0, correct: 0) }
        let layers = layout.layers
        func shape(_ l: Int) -> Dense.Shape {
            Dense.Shape(rows: shard.count, inputs: layers[l].inputs, outputs: layers[l].outputs)
        }
        func rowsOf(_ buffer: UnsafeMutablePointer<Float>, stride: Int) -> UnsafeMutablePointer<Float> {
            buffer + shard.lowerBound * stride
        }
        for l in layers.indices.dropFirst() {
            let layer = layers[l]
            assert(layer.panels.count == 1, "only the first layer is split into panels")
            Dense.forward(
                shape(l), input: rowsOf(layerInput(l), stride: layerInputStride(l)),
                weight: parameters + layer.weight.lowerBound, bias: parameters + layer.bias.lowerBound,
                activation: layer.activation, output: rowsOf(output(l), stride: outputStrides[l]),
                outputStride: outputStrides[l], inputStride: layerInputStride(l))
            if let dropout, dropout.dropout.hidden > 0, l < layers.count - 1 {
                for row in shard {
                    Dropout.apply(
                        to: output(l) + row * outputStrides[l], firstUnit: 0, count: layer.outputs, layer: l + 1,
                        example: examples[row], epoch: dropout.epoch, seed: dropout.seed, rate: dropout.dropout.hidden)
                }
            }
        }
        let last = layers.count - 1
        let classes = layers[last].outputs
        // The loss reads and writes packed rows; ten classes never take a padded stride.
        precondition(outputStrides[last] == classes, "the output layer's rows are padded")
        let evaluation = loss.evaluate(
            logits: rowsOf(output(last), stride: classes), rows: shard.count,
            classes: classes, labels: labels.baseAddress! + shard.lowerBound,
            batchSize: batchSize, labelSmoothing: labelSmoothing,
            gradient: rowsOf(outputGradient(last), stride: classes))
        for l in stride(from: last, through: 0, by: -1) {
            let layer = layers[l]
            // dL/dZ = dL/dA ⊙ f'(Z), in place. The rows' padding comes along; it is zero in both
            // buffers, and stays zero.
            Dense.activationBackward(
                layer.activation, output: rowsOf(output(l), stride: outputStrides[l]),
                outputGradient: rowsOf(outputGradient(l), stride: outputStrides[l]),
                count: shard.count * outputStrides[l])
            if let dropout, dropout.dropout.hidden > 0, l < last {
                // A dropped unit's dL/dZ is already 0 (ReLU's derivative, read from its zeroed
                // output); a kept one's is scaled as its output was.
                let scale = 1 / (1 - dropout.dropout.hidden)
                let gradient = rowsOf(outputGradient(l), stride: outputStrides[l])
                for i in 0 ..< shard.count * outputStrides[l] { gradient[i] *= scale }
            }
            if l > 0 {
                Dense.inputGradient(
                    shape(l), outputGradient: rowsOf(outputGradient(l), stride: outputStrides[l]),
                    weight: parameters + layer.weight.lowerBound,
                    inputGradient: rowsOf(outputGradient(l - 1), stride: outputStrides[l - 1]),
                    outputGradientStride: outputStrides[l], inputGradientStride: outputStrides[l - 1])
            }
        }
        return evaluation
    }
}
