import Testing
import DigitsKit

/// The whole network's backward pass, `MLP.backward`, against `Dense.backward` run layer by
/// layer and against finite differences of the loss.
@Suite struct MLPBackwardTests {
    /// `forwardOutputs` gives every layer's output, each layer fed the one before, ending at the
    /// logits.
    @Test func forwardOutputsAreEachLayersOutput() {
        var generator = SplitMix64(seed: 41)
        let model = MLP(inputCount: 6, hidden: [5, 4], outputCount: 3, activation: .relu, generator: &generator)
        let input = GradientCheckTests.randomMatrix(4, 6, &generator)
        let outputs = model.forwardOutputs(input)
        #expect(outputs.count == 3)
        #expect(outputs[0] == model.layers[0].forward(input))
        #expect(outputs[1] == model.layers[1].forward(outputs[0]))
        #expect(outputs[2] == model.logits(input))
        #expect(outputs.map(\.columns) == [5, 4, 3] && outputs.allSatisfy { $0.rows == 4 })
    }

    /// Every gradient `MLP.backward` records is exactly the one `Dense.backward` gives when the
    /// layers are run by hand, top to bottom, each handed the dL/dI of the layer above.
    @Test(arguments: [[7, 5], [], [3]])
    func matchesDenseBackwardLayerByLayer(hidden: [Int]) {
        var generator = SplitMix64(seed: 42)
        let model = MLP(inputCount: 8, hidden: hidden, outputCount: 4, activation: .sigmoid, generator: &generator)
        let input = GradientCheckTests.randomMatrix(3, 8, &generator)
        let dA = GradientCheckTests.randomMatrix(3, 4, &generator)
        let outputs = model.forwardOutputs(input)
        let backward = model.backward(input: input, outputs: outputs, outputGradient: dA)

        let last = model.layers.count - 1
        #expect(backward.gradients.count == model.layers.count)
        #expect(backward.rawActivationGradients.count == model.layers.count)
        #expect(backward.inputGradients.count == model.layers.count)
        var upstream = dA
        for l in stride(from: last, through: 0, by: -1) {
            let layer = model.layers[l]
            let layerInput = l == 0 ? input : outputs[l - 1]
            let byHand = layer.backward(input: layerInput, output: outputs[l], outputGradient: upstream)
            #expect(backward.gradients[l].weight == byHand.weight, "dL/dW of layer \(l)")
            #expect(backward.gradients[l].bias == byHand.bias, "dL/db of layer \(l)")
            #expect(backward.inputGradients[l] == byHand.input, "dL/dI of layer \(l)")
            var dZ = upstream
            var gradients = Dense.Gradients(for: layer)
            layer.backward(input: layerInput, output: outputs[l], outputGradient: &dZ, gradients: &gradients)
            #expect(backward.rawActivationGradients[l] == dZ, "dL/dZ of layer \(l)")
            #expect(dZ.shape == (3, layer.outputCount) && byHand.input.shape == (3, layer.inputCount))
            upstream = byHand.input
        }
        #expect(backward.networkInputGradient == backward.inputGradients[0])
    }

    /// dL/dW, dL/db of every layer and dL/dI of the input agree with central differences of the
    /// mean cross-entropy loss.
    @Test(arguments: [Activation.tanh, .sigmoid])
    func matchesFiniteDifferencesOfTheLoss(activation: Activation) {
        var generator = SplitMix64(seed: 43)
        let model = MLP(inputCount: 6, hidden: [5, 4], outputCount: 10, activation: activation, generator: &generator)
        let input = GradientCheckTests.randomMatrix(3, 6, &generator)
        let labels = [2, 9, 0]
        func meanLoss(_ m: MLP, _ x: Matrix) -> Double {
            Loss.crossEntropy.evaluate(logits: m.logits(x), labels: labels).lossSum / 3
        }
        let outputs = model.forwardOutputs(input)
        var dA = Matrix(rows: 3, columns: 10)
        _ = Loss.crossEntropy.evaluate(logits: outputs[2], labels: labels, batchSize: 3, gradient: &dA)
        let backward = model.backward(input: input, outputs: outputs, outputGradient: dA)

        for l in model.layers.indices {
            GradientCheckTests.expectClose(
                backward.gradients[l].weight,
                GradientCheckTests.numericalGradient(of: model.layers[l].weight, step: 1e-3) {
                    var perturbed = model
                    perturbed.layers[l].weight = $0
                    return meanLoss(perturbed, input)
                }, tolerance: 1e-2)
            GradientCheckTests.expectClose(
                backward.gradients[l].bias,
                GradientCheckTests.numericalGradient(of: model.layers[l].bias, step: 1e-3) {
                    var perturbed = model
                    perturbed.layers[l].bias = $0
                    return meanLoss(perturbed, input)
                }, tolerance: 1e-2)
        }
        GradientCheckTests.expectClose(
            backward.networkInputGradient,
            GradientCheckTests.numericalGradient(of: input, step: 1e-3) { meanLoss(model, $0) }, tolerance: 1e-2)
    }

    /// A batch of no examples goes through: every gradient is zero and shaped like its parameters.
    @Test func anEmptyBatchHasZeroGradients() {
        var generator = SplitMix64(seed: 44)
        let model = MLP(inputCount: 5, hidden: [4], outputCount: 3, activation: .relu, generator: &generator)
        let input = Matrix(rows: 0, columns: 5)
        let backward = model.backward(
            input: input, outputs: model.forwardOutputs(input),
            outputGradient: Matrix(rows: 0, columns: 3))
        for (l, layer) in model.layers.enumerated() {
            #expect(backward.gradients[l] == Dense.Gradients(for: layer))
            #expect(backward.inputGradients[l].shape == (0, layer.inputCount))
        }
    }
}
