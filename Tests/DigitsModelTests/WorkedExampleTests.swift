import Testing
import DigitsKit

/// The design notes' worked example — the candy-bar network priced from 5 quarters and 6 nickels —
/// computed by the library's own layers, number for number.
@Suite struct WorkedExampleTests {
    let layer1 = Dense(weight: Matrix([[2, 2], [1, 3]]), bias: Matrix([[1, 1]]), activation: .relu)
    let layer2 = Dense(weight: Matrix([[0.5], [0]]), bias: Matrix([[3.5]]), activation: .relu)
    let input = Matrix([[5, 6]])

    @Test func forwardPassPredictsTwelve() {
        #expect(layer1.rawActivation(input) == Matrix([[17, 29]]))
        let a1 = layer1.forward(input)
        #expect(a1 == Matrix([[17, 29]]))
        #expect(layer2.forward(a1) == Matrix([[12]]))
    }

    @Test func backwardPassGivesTheNotesGradients() {
        let a1 = layer1.forward(input)
        let a2 = layer2.forward(a1)
        // L = T − A, so dL/dA = −1.
        let second = layer2.backward(input: a1, output: a2, outputGradient: Matrix([[-1]]))
        #expect(second.weight == Matrix([[-17], [-29]]))
        #expect(second.bias == Matrix([[-1]]))
        #expect(second.input == Matrix([[-0.5, 0]]))

        let first = layer1.backward(input: input, output: a1, outputGradient: second.input)
        #expect(first.weight == Matrix([[-2.5, 0], [-3, 0]]))
        #expect(first.bias == Matrix([[-0.5, 0]]))
        // dL/dI = dL/dZ1 · W1ᵀ = [−0.5, 0] · [[2, 1], [2, 3]] = [−1, −0.5].
        #expect(first.input == Matrix([[-1, -0.5]]))
    }

    @Test func oneSGDStepMovesW2ToTheNotesValues() {
        var model = MLP(layers: [layer1, layer2])
        let a1 = layer1.forward(input)
        let a2 = layer2.forward(a1)
        let second = layer2.backward(input: a1, output: a2, outputGradient: Matrix([[-1]]))
        let first = layer1.backward(input: input, output: a1, outputGradient: second.input)
        var optimizer = Optimizer(for: model, momentum: 0)
        var g1 = Dense.Gradients(for: layer1), g2 = Dense.Gradients(for: layer2)
        (g1.weight, g1.bias) = (first.weight, first.bias)
        (g2.weight, g2.bias) = (second.weight, second.bias)
        optimizer.step(&model, gradients: [g1, g2], learningRate: 0.01)
        #expect(abs(model.layers[1].weight[0, 0] - 0.67) < 1e-6)
        #expect(abs(model.layers[1].weight[1, 0] - 0.29) < 1e-6)
        #expect(abs(model.layers[0].weight[0, 0] - 2.025) < 1e-6)
    }
}
