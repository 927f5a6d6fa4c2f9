/// The scratch memory one thread needs to run its shard of a batch forward and backward.
///
/// Allocated once for the largest shard and reused every step, so a step allocates nothing. A
/// workspace belongs to one thread at a time; only `parameterGradient` is read by the other
/// threads, after the barrier that ends the backward pass.
final class ShardWorkspace {
    let layout: ParameterLayout
    /// The most rows a shard may have.
    let capacity: Int
    /// The shard's inputs and labels.
    var batch: MNISTBatch
    /// Each layer's output A, capacity × m, one after another.
    private let outputs: [UnsafeMutableBufferPointer<Float>]
    /// Each layer's dL/dA, turned into dL/dZ in place by the backward pass.
    private let outputGradients: [UnsafeMutableBufferPointer<Float>]
    /// dL/dθ for this shard, laid out like the parameter vector.
    let parameterGradient: UnsafeMutableBufferPointer<Float>
    /// Rows loaded for the current step.
    var rows: Int { batch.labels.count }
    /// What the shard's loss came to in the current step.
    var evaluation = Loss.Evaluation(lossSum: 0, correct: 0)

    init(layout: ParameterLayout, capacity: Int) {
        self.layout = layout
        self.capacity = capacity
        batch = MNISTBatch(capacity: capacity)
        outputs = layout.layers.map { .allocate(capacity: capacity * $0.outputs) }
        outputGradients = layout.layers.map { .allocate(capacity: capacity * $0.outputs) }
        for buffer in outputs + outputGradients { buffer.initialize(repeating: 0) }
        parameterGradient = .allocate(capacity: layout.count)
        parameterGradient.initialize(repeating: 0)
    }

    deinit {
        for buffer in outputs + outputGradients { buffer.deallocate() }
        parameterGradient.deallocate()
    }

    /// Forward, loss and backward for the loaded shard with the parameters in `parameters`,
    /// leaving dL/dθ in `parameterGradient`. `batchSize` is the whole batch's size, so that the
    /// shards' gradients sum to the gradient of the batch's mean loss.
    func forwardBackward(parameters: UnsafeMutableBufferPointer<Float>, loss: Loss, batchSize: Int) {
        guard rows > 0 else {
            evaluation = Loss.Evaluation(lossSum: 0, correct: 0)
            parameterGradient.update(repeating: 0)
            return
        }
        let p = UnsafePointer(parameters.baseAddress!), g = parameterGradient.baseAddress!
        let layers = layout.layers
        let rows = self.rows
        batch.inputs.storage.withUnsafeBufferPointer { inputBuffer in
            let input = inputBuffer.baseAddress!
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
                Dense.backward(shape(l), input: layerInput(l), output: outputs[l].baseAddress!,
                               activation: layer.activation, outputGradient: outputGradients[l].baseAddress!,
                               weightGradient: g + layer.weight.lowerBound, biasGradient: g + layer.bias.lowerBound)
                if l > 0 {
                    Dense.inputGradient(shape(l), outputGradient: outputGradients[l].baseAddress!,
                                        weight: p + layer.weight.lowerBound,
                                        inputGradient: outputGradients[l - 1].baseAddress!)
                }
            }
        }
    }
}
