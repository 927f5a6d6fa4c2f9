import Testing
import DigitsKit

/// The layers run activations through C kernels over whole matrices; these pin them to the
/// one-value definitions in `Activation`.
@Suite struct ActivationTests {
    @Test(arguments: Activation.allCases)
    func layerOutputIsTheActivationOfTheRawActivation(activation: Activation) {
        var generator = SplitMix64(seed: 5)
        var weight = Matrix(rows: 6, columns: 5), input = Matrix(rows: 4, columns: 6)
        for i in weight.storage.indices { weight.storage[i] = Float(generator.nextNormal()) }
        for i in input.storage.indices { input.storage[i] = Float(generator.nextNormal(standardDeviation: 2)) }
        let layer = Dense(weight: weight, bias: Matrix([[0.5, -0.5, 0, 1, -1]]), activation: activation)
        let z = layer.rawActivation(input)
        let a = layer.forward(input)
        for i in z.storage.indices {
            #expect(abs(a.storage[i] - activation.apply(z.storage[i])) <= 1e-6 * max(1, abs(a.storage[i])))
        }
    }

    @Test func reluKeepsNaNSoDivergenceIsSeen() {
        let layer = Dense(weight: Matrix([[1]]), bias: Matrix([[0]]), activation: .relu)
        #expect(layer.forward(Matrix([[.nan]]))[0, 0].isNaN)
        #expect(layer.forward(Matrix([[-3]]))[0, 0] == 0)
    }

    @Test func derivativesAreWrittenThroughTheOutput() {
        #expect(Activation.relu.derivative(output: 2) == 1 && Activation.relu.derivative(output: 0) == 0)
        #expect(Activation.sigmoid.derivative(output: 0.5) == 0.25)
        #expect(Activation.tanh.derivative(output: 0.5) == 0.75)
        #expect(Activation.identity.derivative(output: -7) == 1)
    }
}
