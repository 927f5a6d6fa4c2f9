/// The scratch memory one thread needs to run its shard of a batch forward and backward.
///
/// Allocated once for the largest shard and reused every step: the partial last batch only
/// shrinks the matrices' row counts, which keeps their capacity, so a step allocates nothing.
/// A workspace belongs to one thread at a time.
final class ShardWorkspace: @unchecked Sendable {
    /// The shard's inputs, rows × 784, pixels scaled to [0, 1].
    var input: Matrix
    /// The shard's labels.
    var labels: [Int]
    /// Each layer's output A.
    var outputs: [Matrix]
    /// Each layer's dL/dA, turned into dL/dZ in place by the backward pass.
    var outputGradients: [Matrix]
    /// Each layer's dL/dW and dL/db for this shard.
    var gradients: [Dense.Gradients]
    /// What the shard's loss came to.
    var evaluation = Loss.Evaluation(lossSum: 0, correct: 0)

    init(model: MLP, capacity: Int) {
        input = Matrix(rows: capacity, columns: model.inputCount)
        labels = [Int](repeating: 0, count: capacity)
        outputs = model.layers.map { Matrix(rows: capacity, columns: $0.outputCount) }
        outputGradients = outputs
        gradients = model.layers.map(Dense.Gradients.init(for:))
    }

    /// Loads the examples `indices` of `data` as the shard's inputs (pixels / 255) and labels.
    func load(_ indices: ArraySlice<Int>, from data: MNISTDataSet) {
        let pixels = MNISTDataSet.pixelsPerImage
        input.resize(rows: indices.count)
        labels.removeAll(keepingCapacity: true)
        data.images.withUnsafeBufferPointer { images in
            input.storage.withUnsafeMutableBufferPointer { destination in
                for (row, index) in indices.enumerated() {
                    let source = index * pixels, target = row * pixels
                    for p in 0 ..< pixels {
                        destination[target + p] = Float(images[source + p]) * (1 / 255)
                    }
                }
            }
        }
        for index in indices { labels.append(Int(data.labels[index])) }
    }

    /// Runs the loaded inputs through `model`, leaving each layer's output in `outputs`.
    func forward(_ model: MLP) {
        for l in model.layers.indices {
            model.layers[l].forward(l == 0 ? input : outputs[l - 1], into: &outputs[l])
        }
    }

    /// Forward, loss and backward for the loaded shard; `batchSize` is the whole batch's size so
    /// the shards' gradients sum to the batch's mean gradient.
    func forwardBackward(_ model: MLP, loss: Loss, batchSize: Int) {
        forward(model)
        let last = model.layers.count - 1
        evaluation = loss.evaluate(logits: outputs[last], labels: labels, batchSize: batchSize,
                                   gradient: &outputGradients[last])
        for l in stride(from: last, through: 0, by: -1) {
            let layer = model.layers[l]
            layer.backward(input: l == 0 ? input : outputs[l - 1], output: outputs[l],
                           outputGradient: &outputGradients[l], gradients: &gradients[l])
            if l > 0 {
                layer.inputGradient(outputGradients[l], into: &outputGradients[l - 1])
            }
        }
    }
}
