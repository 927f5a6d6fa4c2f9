import CKernels

/// The scratch memory one thread needs for its shard of a batch, and for its share of the
/// parameter update.
///
/// Allocated once for the largest shard and reused every step, so a step allocates nothing. A
/// workspace belongs to one thread while the step runs its shards forward and backward; after the
/// step's barrier every thread reads (never writes) every workspace's inputs and dL/dZ to form
/// the weight gradients of its own rows.
final class ShardWorkspace {
    let layout: ParameterLayout
    /// The most rows a shard may have.
    let capacity: Int
    /// The shard's inputs and labels.
    var batch: MNISTBatch
    /// Each layer's output A, capacity × m.
    private let outputs: [UnsafeMutableBufferPointer<Float>]
    /// Each layer's dL/dA, turned into dL/dZ in place by the backward pass.
    private let outputGradients: [UnsafeMutableBufferPointer<Float>]
    /// Room for a block of weight-gradient rows (`gradientBlockRows` × the widest layer) and a
    /// bias gradient, filled and consumed by this thread's share of the update.
    let gradientBlock: UnsafeMutableBufferPointer<Float>
    let biasGradient: UnsafeMutableBufferPointer<Float>
    /// Rows loaded for the current step.
    var rows: Int { batch.labels.count }
    /// What the shard's loss came to in the current step.
    var evaluation = Loss.Evaluation(lossSum: 0, correct: 0)

    /// Weight-gradient rows formed at a time: small enough that the block stays in the core's
    /// cache between the product that fills it and the update that reads it.
    static let gradientBlockRows = 48

    init(layout: ParameterLayout, capacity: Int) {
        self.layout = layout
        self.capacity = capacity
        batch = MNISTBatch(capacity: capacity)
        outputs = layout.layers.map { .allocate(capacity: capacity * $0.outputs) }
        outputGradients = layout.layers.map { .allocate(capacity: capacity * $0.outputs) }
        for buffer in outputs + outputGradients { buffer.initialize(repeating: 0) }
        let widest = layout.layers.map(\.outputs).max() ?? 0
        gradientBlock = .allocate(capacity: Self.gradientBlockRows * widest)
        gradientBlock.initialize(repeating: 0)
        biasGradient = .allocate(capacity: widest)
        biasGradient.initialize(repeating: 0)
    }

    deinit {
        for buffer in outputs + outputGradients { buffer.deallocate() }
        gradientBlock.deallocate()
        biasGradient.deallocate()
    }

    /// Forward, loss and backward for the loaded shard with the parameters in `parameters`,
    /// leaving every layer's dL/dZ in place for the update (`withLayerInput`, `outputGradient`).
    /// `batchSize` is the whole batch's size, so that the shards' gradients sum to the gradient
    /// of the batch's mean loss.
    ///
    /// This is `Dense.backward` split in two: the part that runs down the layers (dL/dZ and
    /// dL/dI) happens here, per shard; dL/dW and dL/db are formed after the barrier from all
    /// shards at once, by rows, so each thread can apply the update while the gradient is in cache.
    func forwardBackward(parameters: UnsafeMutableBufferPointer<Float>, loss: Loss, batchSize: Int) {
        guard rows > 0 else {
            evaluation = Loss.Evaluation(lossSum: 0, correct: 0)
            return
        }
        let p = UnsafePointer(parameters.baseAddress!)
        let layers = layout.layers
        let rows = self.rows
        withLayerInput(0) { input in
            func layerInput(_ l: Int) -> UnsafePointer<Float> { l == 0 ? input : UnsafePointer(outputs[l - 1].baseAddress!) }
            func shape(_ l: Int) -> Dense.Shape { Dense.Shape(rows: rows, inputs: layers[l].inputs, outputs: layers[l].outputs) }

            for (l, layer) in layers.enumerated() {
                Dense.forward(shape(l), input: layerInput(l), weight: p + layer.weight.lowerBound,
                              bias: p + layer.bias.lowerBound, activation: layer.activation,
                              output: outputs[l].baseAddress!)
            }
            let last = layers.count - 1
            evaluation = batch.labels.withUnsafeBufferPointer { labels in
                loss.evaluate(logits: outputs[last].baseAddress!, rows: rows, classes: layers[last].outputs,
                              labels: labels.baseAddress!, batchSize: batchSize,
                              gradient: outputGradients[last].baseAddress!)
            }
            for l in stride(from: last, through: 0, by: -1) {
                let layer = layers[l]
                // dL/dZ = dL/dA ⊙ f'(Z), in place.
                ck_activation_backward(outputs[l].baseAddress!, outputGradients[l].baseAddress!,
                                       rows * layer.outputs, layer.activation.kernelCode)
                if l > 0 {
                    Dense.inputGradient(shape(l), outputGradient: outputGradients[l].baseAddress!,
                                        weight: p + layer.weight.lowerBound,
                                        inputGradient: outputGradients[l - 1].baseAddress!)
                }
            }
        }
    }

    /// Calls `body` with layer `l`'s input for this shard (rows × n): the pixels for layer 0,
    /// the previous layer's output otherwise.
    func withLayerInput<Result>(_ l: Int, _ body: (UnsafePointer<Float>) -> Result) -> Result {
        if l > 0 { return body(UnsafePointer(outputs[l - 1].baseAddress!)) }
        return batch.inputs.storage.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// Layer `l`'s dL/dZ for this shard (rows × m), as the backward pass left it.
    func outputGradient(_ l: Int) -> UnsafePointer<Float> {
        UnsafePointer(outputGradients[l].baseAddress!)
    }
}
