import Testing
import DigitsKit

/// Every backward pass checked against central finite differences of its forward pass.
///
/// The forward passes run in Float, so the differences use a step of 1e-2 on inputs of order 1
/// and compare with a tolerance scaled to the gradient's size.
@Suite struct GradientCheckTests {
    static func randomMatrix(_ rows: Int, _ columns: Int, _ generator: inout SplitMix64, scale: Double = 1) -> Matrix {
        var m = Matrix(rows: rows, columns: columns)
        for i in m.storage.indices { m.storage[i] = Float(generator.nextNormal(standardDeviation: scale)) }
        return m
    }

    /// Central difference of `f` with respect to every element of `x`.
    static func numericalGradient(of x: Matrix, step: Float = 1e-2, _ f: (Matrix) -> Double) -> Matrix {
        var gradient = Matrix(rows: x.rows, columns: x.columns)
        for i in x.storage.indices {
            var plus = x, minus = x
            plus.storage[i] += step
            minus.storage[i] -= step
            gradient.storage[i] = Float((f(plus) - f(minus)) / Double(2 * step))
        }
        return gradient
    }

    static func expectClose(
        _ analytic: Matrix, _ numeric: Matrix, tolerance: Float = 2e-2,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(analytic.shape == numeric.shape, sourceLocation: sourceLocation)
        let scale = max(1, numeric.storage.map(abs).max() ?? 0)
        let worst = zip(analytic.storage, numeric.storage).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= tolerance * scale, "largest difference \(worst)", sourceLocation: sourceLocation)
    }

    /// A scalar of the layer's output, L = Σ A ⊙ R, whose dL/dA is R.
    static func weightedSum(_ a: Matrix, _ r: Matrix) -> Double {
        zip(a.storage, r.storage).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    @Test(arguments: Activation.allCases)
    func denseLayerBackwardMatchesFiniteDifferences(activation: Activation) {
        var generator = SplitMix64(seed: 7)
        let layer = Dense(
            weight: Self.randomMatrix(5, 4, &generator, scale: 0.5),
            bias: Self.randomMatrix(1, 4, &generator, scale: 0.5), activation: activation)
        let input = Self.randomMatrix(3, 5, &generator)
        let r = Self.randomMatrix(3, 4, &generator)
        let output = layer.forward(input)
        let analytic = layer.backward(input: input, output: output, outputGradient: r)

        Self.expectClose(analytic.input, Self.numericalGradient(of: input) { Self.weightedSum(layer.forward($0), r) })
        Self.expectClose(
            analytic.weight,
            Self.numericalGradient(of: layer.weight) {
                Self.weightedSum(Dense(weight: $0, bias: layer.bias, activation: activation).forward(input), r)
            })
        Self.expectClose(
            analytic.bias,
            Self.numericalGradient(of: layer.bias) {
                Self.weightedSum(Dense(weight: layer.weight, bias: $0, activation: activation).forward(input), r)
            })
    }

    @Test(arguments: Loss.allCases)
    func lossGradientMatchesFiniteDifferences(loss: Loss) {
        var generator = SplitMix64(seed: 11)
        let logits = Self.randomMatrix(4, 10, &generator, scale: 2)
        let labels = [3, 0, 9, 3]
        var analytic = Matrix(rows: 4, columns: 10)
        _ = loss.evaluate(logits: logits, labels: labels, batchSize: 4, gradient: &analytic)
        let numeric = Self.numericalGradient(of: logits, step: 1e-3) {
            loss.evaluate(logits: $0, labels: labels).lossSum / 4
        }
        Self.expectClose(analytic, numeric, tolerance: 5e-3)
    }

    @Test(arguments: [Float(0.1), 0.5])
    func smoothedCrossEntropyGradientMatchesFiniteDifferences(labelSmoothing: Float) {
        var generator = SplitMix64(seed: 12)
        let logits = Self.randomMatrix(4, 10, &generator, scale: 2)
        let labels = [3, 0, 9, 3]
        func evaluate(_ z: Matrix, gradient: inout Matrix) -> Loss.Evaluation {
            Loss.crossEntropy.evaluate(
                logits: z, labels: labels, batchSize: 4, labelSmoothing: labelSmoothing, gradient: &gradient)
        }
        var analytic = Matrix(rows: 4, columns: 10)
        _ = evaluate(logits, gradient: &analytic)
        let numeric = Self.numericalGradient(of: logits, step: 1e-3) {
            var unused = Matrix(rows: 4, columns: 10)
            return evaluate($0, gradient: &unused).lossSum / 4
        }
        Self.expectClose(analytic, numeric, tolerance: 5e-3)
    }

    @Test func wholeNetworkGradientMatchesFiniteDifferences() {
        var generator = SplitMix64(seed: 3)
        let model = MLP(inputCount: 6, hidden: [5, 4], outputCount: 10, activation: .tanh, generator: &generator)
        let input = Self.randomMatrix(2, 6, &generator)
        let labels = [1, 7]
        func meanLoss(_ m: MLP) -> Double {
            Loss.crossEntropy.evaluate(logits: m.logits(input), labels: labels).lossSum / 2
        }

        // Backward through the layers by hand, top to bottom.
        var outputs: [Matrix] = []
        var current = input
        for layer in model.layers {
            current = layer.forward(current)
            outputs.append(current)
        }
        var upstream = Matrix(rows: 2, columns: 10)
        _ = Loss.crossEntropy.evaluate(logits: outputs[2], labels: labels, batchSize: 2, gradient: &upstream)
        var weightGradients: [Matrix] = Array(repeating: Matrix(rows: 0, columns: 0), count: 3)
        for l in stride(from: 2, through: 0, by: -1) {
            let result = model.layers[l].backward(
                input: l == 0 ? input : outputs[l - 1], output: outputs[l],
                outputGradient: upstream)
            weightGradients[l] = result.weight
            upstream = result.input
        }
        for l in 0 ..< 3 {
            Self.expectClose(
                weightGradients[l],
                Self.numericalGradient(of: model.layers[l].weight, step: 1e-3) {
                    var perturbed = model
                    perturbed.layers[l].weight = $0
                    return meanLoss(perturbed)
                }, tolerance: 1e-2)
        }
    }
}
