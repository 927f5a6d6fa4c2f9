import Testing
import DigitsKit

/// The engine's fast step (flat buffers, sharded over threads, fused kernels) against the plain
/// path: the whole batch through the `Matrix` methods of `Dense`, then `SGD.step`.
@Suite struct TrainingEngineTests {
    @Test(arguments: [(threads: 1, batch: 10), (threads: 2, batch: 10), (threads: 3, batch: 7), (threads: 4, batch: 3)])
    func oneStepMatchesThePlainReference(threads: Int, batch: Int) throws {
        var generator = SplitMix64(seed: 21)
        let model = MLP(inputCount: 784, hidden: [20, 12], outputCount: 10, activation: .relu, generator: &generator)
        let data = syntheticDataSet(count: 40, seed: 8)
        let indices = Array(stride(from: 3, to: 3 + 3 * batch, by: 3))
        var optimizer = SGD(for: model, momentum: 0.9, weightDecay: 0.01)
        // A first step so the momentum buffers are not zero.
        optimizer.velocities[0].weight.fill(0.001)

        let engine = TrainingEngine(model: model, optimizer: optimizer, loss: .crossEntropy, threadCount: threads)
        let fast = engine.step(batch: indices[...], of: data, learningRate: 0.1)

        // The reference: the batch as one matrix, the layers' Matrix methods, SGD.step.
        var inputs = MNISTBatch(capacity: batch)
        inputs.load(indices, from: data)
        var outputs: [Matrix] = []
        for layer in model.layers { outputs.append(layer.forward(outputs.last ?? inputs.inputs)) }
        var upstream = Matrix(rows: batch, columns: 10)
        let reference = Loss.crossEntropy.evaluate(logits: outputs[2], labels: inputs.labels, batchSize: batch,
                                                   gradient: &upstream)
        var gradients = model.layers.map(Dense.Gradients.init(for:))
        for l in stride(from: 2, through: 0, by: -1) {
            let result = model.layers[l].backward(input: l == 0 ? inputs.inputs : outputs[l - 1], output: outputs[l],
                                                  outputGradient: upstream)
            (gradients[l].weight, gradients[l].bias, upstream) = (result.weight, result.bias, result.input)
        }
        var expected = model
        optimizer.step(&expected, gradients: gradients, learningRate: 0.1)

        #expect(fast.correct == reference.correct)
        #expect(abs(fast.lossSum - reference.lossSum) < 1e-4)
        let trained = engine.model
        for l in 0 ..< 3 {
            let worst = zip(trained.layers[l].weight.storage, expected.layers[l].weight.storage).map { abs($0 - $1) }.max()!
            let worstBias = zip(trained.layers[l].bias.storage, expected.layers[l].bias.storage).map { abs($0 - $1) }.max()!
            #expect(worst < 1e-6 && worstBias < 1e-6, "layer \(l): \(worst), \(worstBias)")
        }
        let velocityError = zip(engine.optimizer.velocities[0].weight.storage, optimizer.velocities[0].weight.storage)
            .map { abs($0 - $1) }.max()!
        #expect(velocityError < 1e-6)
    }
}
