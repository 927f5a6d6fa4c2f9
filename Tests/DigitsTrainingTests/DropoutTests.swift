import Testing
import DigitsKit
@testable import DigitsTraining

/// Dropout's masks, and the engine's step with dropout against a plain reference written out
/// layer by layer.
@Suite struct DropoutTests {
    @Test func aMaskDropsTheAskedShareAndDependsOnlyOnItsKey() {
        let kept = (0 ..< 100_000).filter {
            Dropout.keeps(unit: $0 % 1000, layer: 1 + $0 / 50_000, example: $0 / 1000, epoch: 3, seed: 9, rate: 0.3)
        }.count
        #expect(abs(Double(kept) / 100_000 - 0.7) < 0.01)
        // The same key gives the same answer; another epoch, example, layer or seed redraws.
        let mask = { (epoch: Int, example: Int, layer: Int, seed: UInt64) in
            (0 ..< 256).map {
                Dropout.keeps(unit: $0, layer: layer, example: example, epoch: epoch, seed: seed, rate: 0.5)
            }
        }
        let reference = mask(1, 7, 1, 42)
        #expect(mask(1, 7, 1, 42) == reference)
        for other in [mask(2, 7, 1, 42), mask(1, 8, 1, 42), mask(1, 7, 2, 42), mask(1, 7, 1, 43)] {
            let same = zip(other, reference).filter { $0 == $1 }.count
            #expect(same > 90 && same < 166, "\(same) of 256 units agree")
        }
        #expect((0 ..< 256).allSatisfy { Dropout.keeps(unit: $0, layer: 1, example: 0, epoch: 1, seed: 1, rate: 0) })
    }

    @Test func applyingAMaskZeroesDroppedUnitsAndScalesKeptOnes() {
        var values = [Float](repeating: 2, count: 64)
        values.withUnsafeMutableBufferPointer {
            Dropout.apply(
                to: $0.baseAddress!, firstUnit: 100, count: 64, layer: 2, example: 5, epoch: 4, seed: 8, rate: 0.25)
        }
        for (j, value) in values.enumerated() {
            let keeps = Dropout.keeps(unit: 100 + j, layer: 2, example: 5, epoch: 4, seed: 8, rate: 0.25)
            #expect(value == (keeps ? 2 / 0.75 : 0))
        }
    }

    /// One step with dropout written plainly: the masks applied to the input and to every hidden
    /// layer's output, the loss, then each layer's backward pass with dL/dA scaled by 1/(1 − p)
    /// where its output was masked, and `Optimizer.step`.
    static func referenceStep(
        _ model: inout MLP, optimizer: inout Optimizer, indices: [Int], data: MNISTDataSet, dropout: EpochDropout,
        learningRate: Float
    ) -> Loss.Evaluation {
        var batch = MNISTBatch(capacity: indices.count)
        batch.load(indices, from: data)
        var activations = [batch.inputs]
        func mask(_ matrix: inout Matrix, layer: Int, rate: Float) {
            guard rate > 0 else { return }
            for (row, example) in indices.enumerated() {
                for column in 0 ..< matrix.columns {
                    let keeps = Dropout.keeps(
                        unit: column, layer: layer, example: example, epoch: dropout.epoch, seed: dropout.seed,
                        rate: rate)
                    matrix[row, column] = keeps ? matrix[row, column] / (1 - rate) : 0
                }
            }
        }
        mask(&activations[0], layer: 0, rate: dropout.dropout.input)
        let last = model.layers.count - 1
        for (l, layer) in model.layers.enumerated() {
            var output = layer.forward(activations[l])
            if l < last { mask(&output, layer: l + 1, rate: dropout.dropout.hidden) }
            activations.append(output)
        }
        var outputGradient = Matrix(rows: indices.count, columns: 10)
        let evaluation = Loss.crossEntropy.evaluate(
            logits: activations[last + 1], labels: batch.labels, batchSize: indices.count, gradient: &outputGradient)
        var gradients = model.layers.map(Dense.Gradients.init(for:))
        for l in stride(from: last, through: 0, by: -1) {
            if l < last {
                for i in outputGradient.storage.indices { outputGradient.storage[i] /= 1 - dropout.dropout.hidden }
            }
            let backward = model.layers[l].backward(
                input: activations[l], output: activations[l + 1], outputGradient: outputGradient)
            gradients[l].weight = backward.weight
            gradients[l].bias = backward.bias
            outputGradient = backward.input
        }
        optimizer.step(&model, gradients: gradients, learningRate: learningRate)
        return evaluation
    }

    @Test(arguments: [
        (threads: 1, hidden: [20, 12]), (threads: 3, hidden: [20, 12]), (threads: 2, hidden: [40]),
        // Hidden rows 512 wide, stored 528 floats apart.
        (threads: 2, hidden: [512, 20]),
    ])
    func theEnginesStepWithDropoutIsThePlainOne(c: (threads: Int, hidden: [Int])) {
        var generator = SplitMix64(seed: 17)
        let model = MLP(inputCount: 784, hidden: c.hidden, outputCount: 10, activation: .relu, generator: &generator)
        let data = syntheticDataSet(count: 40, seed: 6)
        let dropout = EpochDropout(dropout: Dropout(hidden: 0.3, input: 0.2), seed: 99, epoch: 2)
        let optimizer = Optimizer(for: model, momentum: 0.9)
        let engine = TrainingEngine(model: model, optimizer: optimizer, loss: .crossEntropy, threadCount: c.threads)
        var expected = model, expectedOptimizer = optimizer
        for batch in [Array(stride(from: 1, to: 30, by: 3)), Array(0 ..< 9)] {
            let fast = engine.step(batch: batch[...], of: data, learningRate: 0.05, dropout: dropout)
            let reference = Self.referenceStep(
                &expected, optimizer: &expectedOptimizer, indices: batch, data: data, dropout: dropout,
                learningRate: 0.05)
            #expect(fast.correct == reference.correct && abs(fast.lossSum - reference.lossSum) < 1e-4)
        }
        for l in expected.layers.indices {
            let worst = zip(engine.model.layers[l].weight.storage, expected.layers[l].weight.storage)
                .map { abs($0 - $1) }.max()!
            let worstBias = zip(engine.model.layers[l].bias.storage, expected.layers[l].bias.storage)
                .map { abs($0 - $1) }.max()!
            #expect(worst < 1e-5 && worstBias < 1e-5, "layer \(l): \(worst), \(worstBias)")
        }
        // Dropout changed the step: without it the model would have come out otherwise.
        let plain = TrainingEngine(model: model, optimizer: optimizer, loss: .crossEntropy, threadCount: c.threads)
        plain.step(batch: Array(stride(from: 1, to: 30, by: 3))[...], of: data, learningRate: 0.05)
        #expect(plain.model != engine.model)
    }
}
