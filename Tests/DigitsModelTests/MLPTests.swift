import Testing
import DigitsKit

@Suite struct MLPTests {
    /// The bound is Σ|W|·bound + |b| layer by layer, capped at 1 after tanh or sigmoid.
    @Test func outputBoundIsWorkedOutLayerByLayer() {
        let first = Dense(
            weight: Matrix(rows: 2, columns: 2, values: [1, -2, 3, 0.5]),
            bias: Matrix(rows: 1, columns: 2, values: [-1, 0]), activation: .relu)
        let last = Dense(
            weight: Matrix(rows: 2, columns: 1, values: [2, -1]),
            bias: Matrix(rows: 1, columns: 1, values: [0.25]), activation: .identity)
        // Inputs in [0, 1]: first layer ≤ (1 + 3 + 1, 2 + 0.5) = (5, 2.5); last ≤ 2·5 + 1·2.5 + 0.25.
        #expect(MLP(layers: [first, last]).outputMagnitudeBound() == 12.75)
        var squashed = first
        squashed.activation = .tanh
        #expect(MLP(layers: [squashed, last]).outputMagnitudeBound() == 3.25)
        // Inputs in [0, 2]: first layer ≤ (2 + 6 + 1, 4 + 1) = (9, 5); last ≤ 2·9 + 1·5 + 0.25.
        #expect(MLP(layers: [first, last]).outputMagnitudeBound(inputLimit: 2) == 23.25)
    }

    /// No input in [0, 1] gives a logit beyond the bound (random networks, random inputs).
    @Test func noInputExceedsTheBound() {
        var generator = SplitMix64(seed: 17)
        for activation in [Activation.relu, .sigmoid] {
            let model = MLP(
                inputCount: 784, hidden: [32, 16], outputCount: 10, activation: activation,
                generator: &generator)
            let bound = model.outputMagnitudeBound()
            var inputs = Matrix(rows: 50, columns: 784)
            for i in inputs.storage.indices { inputs.storage[i] = Float.random(in: 0 ... 1, using: &generator) }
            // Include the corners: all zeros and all ones.
            for j in 0 ..< 784 { inputs[0, j] = 0; inputs[1, j] = 1 }
            let worst = model.logits(inputs).storage.map { Double(abs($0)) }.max()!
            #expect(worst <= bound && bound.isFinite, "\(activation): \(worst) > \(bound)")
        }
    }
}
