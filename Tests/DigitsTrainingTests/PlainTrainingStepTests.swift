import Testing
import DigitsKit

/// The plain training step, `Optimizer.trainingStep`: forward, loss, `MLP.backward`, `Optimizer.step`.
@Suite struct PlainTrainingStepTests {
    static func randomMatrix(_ rows: Int, _ columns: Int, _ generator: inout SplitMix64) -> Matrix {
        Matrix(
            rows: rows, columns: columns,
            values: (0 ..< rows * columns).map { _ in Float.random(in: 0 ..< 1, using: &generator) })
    }

    /// The step with a loss is its parts run one after another: the same loss, the same
    /// gradients, the same updated model and velocities, bit for bit.
    @Test(arguments: Loss.allCases)
    func aStepIsForwardLossBackwardAndUpdate(loss: Loss) {
        var generator = SplitMix64(seed: 51)
        let model = MLP(inputCount: 12, hidden: [9, 7], outputCount: 10, activation: .relu, generator: &generator)
        let inputs = Self.randomMatrix(6, 12, &generator)
        let labels = [0, 3, 9, 3, 7, 1]
        let optimizer = Optimizer(for: model, momentum: 0.9, weightDecay: 0.01)

        var stepped = model, stepping = optimizer
        let evaluation = stepping.trainingStep(&stepped, inputs: inputs, labels: labels, loss: loss, learningRate: 0.1)

        let outputs = model.forwardOutputs(inputs)
        var dA = Matrix(rows: 6, columns: 10)
        let expectedEvaluation = loss.evaluate(logits: outputs[2], labels: labels, batchSize: 6, gradient: &dA)
        let backward = model.backward(input: inputs, outputs: outputs, outputGradient: dA)
        var expected = model, expectedOptimizer = optimizer
        expectedOptimizer.step(&expected, gradients: backward.gradients, learningRate: 0.1)

        #expect(evaluation == expectedEvaluation)
        #expect(stepped == expected)
        #expect(stepping == expectedOptimizer)
        #expect(stepped != model)
    }

    /// The form that takes dL/dA from a closure hands it the last layer's output before the
    /// update, and returns that forward pass and the backward pass it ran.
    @Test func theGradientClosureSeesTheOutputAndTheStepReturnsWhatItComputed() {
        var generator = SplitMix64(seed: 52)
        let model = MLP(inputCount: 4, hidden: [3], outputCount: 2, activation: .tanh, generator: &generator)
        let inputs = Self.randomMatrix(5, 4, &generator)
        var stepped = model
        var optimizer = Optimizer(for: model, momentum: 0)
        var seen: Matrix?
        let dA = Matrix(rows: 5, columns: 2, repeating: -1)
        let result = optimizer.trainingStep(&stepped, inputs: inputs, learningRate: 0.5) { output in
            seen = output
            return dA
        }
        #expect(seen == model.logits(inputs))
        #expect(result.outputs == model.forwardOutputs(inputs))
        #expect(result.backward == model.backward(input: inputs, outputs: result.outputs, outputGradient: dA))
        for l in model.layers.indices {
            var expected = model.layers[l].weight
            for i in expected.storage.indices {
                expected.storage[i] -= 0.5 * result.backward.gradients[l].weight.storage[i]
            }
            #expect(stepped.layers[l].weight == expected, "layer \(l): w ← w − η·dL/dW")
        }
    }

    /// Repeated steps on one batch drive its loss down.
    @Test func repeatedStepsLowerTheLoss() {
        var generator = SplitMix64(seed: 53)
        var model = MLP(inputCount: 8, hidden: [16], outputCount: 10, activation: .relu, generator: &generator)
        let inputs = Self.randomMatrix(10, 8, &generator)
        let labels = Array(0 ..< 10)
        var optimizer = Optimizer(for: model, momentum: 0.9)
        let first = optimizer.trainingStep(
            &model, inputs: inputs, labels: labels, loss: .crossEntropy, learningRate: 0.1)
        var latest = first
        for _ in 0 ..< 50 {
            latest = optimizer.trainingStep(
                &model, inputs: inputs, labels: labels, loss: .crossEntropy, learningRate: 0.1)
        }
        #expect(latest.lossSum < first.lossSum / 2)
    }
}
