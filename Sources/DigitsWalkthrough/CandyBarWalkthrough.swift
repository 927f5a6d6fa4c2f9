import DigitsTensor
import DigitsModel
import DigitsTraining

/// The design notes' worked example, computed step by step by the library's own layers.
///
/// A two-layer network prices a candy bar from the coins paid for it, `[quarters, nickels] =
/// [5, 6]`. The walkthrough runs one plain training step — the forward pass, the backward pass
/// with the notes' toy loss `L = T − A`, and one SGD update — and records every value with its
/// shape, so a learner can follow the math through the real code: `Optimizer.trainingStep`, which runs
/// `MLP.forwardOutputs`, `MLP.backward` (each layer's `Dense.backward` and `Dense.inputGradient`)
/// and `Optimizer.step`. The raw activations Z, which the backward pass does not keep, come from
/// `Dense.rawActivation`.
public struct CandyBarWalkthrough {
    /// The first layer: 2 inputs → 2 neurons, ReLU.
    public let layer1 = Dense(weight: Matrix([[2, 2], [1, 3]]), bias: Matrix([[1, 1]]), activation: .relu)
    /// The second layer: 2 inputs → 1 neuron, ReLU.
    public let layer2 = Dense(weight: Matrix([[0.5], [0]]), bias: Matrix([[3.5]]), activation: .relu)
    /// The input: 5 quarters and 6 nickels.
    public let input = Matrix([[5, 6]])
    /// The SGD learning rate η.
    public let learningRate: Float = 0.01

    /// The example with the notes' numbers.
    public init() {}

    /// The whole walkthrough as text, one step per line.
    public func text() -> String {
        // The whole step, by the plain path training is tested against: forward, dL/dA2 = −1,
        // backward through both layers, then SGD. Everything printed is what it computed
        // (the raw activations Z, which the backward pass does not keep, aside).
        var model = MLP(layers: [layer1, layer2])
        var optimizer = Optimizer(for: model, momentum: 0)
        let step = optimizer.trainingStep(&model, inputs: input, learningRate: learningRate) { a2 in
            Matrix(rows: a2.rows, columns: a2.columns, repeating: -1)  // L = T − A, so dL/dA = −1
        }
        let (a1, a2) = (step.outputs[0], step.outputs[1])
        let backward = step.backward

        var lines: [String] = []
        func show(_ name: String, _ value: Matrix, _ note: String = "") {
            let shape = "(\(value.rows)×\(value.columns))"
            lines.append(
                "  " + name.padding(toLength: 30) + shape.padding(toLength: 8) + " = "
                    + Self.format(value) + (note.isEmpty ? "" : "   " + note))
        }

        lines.append("The design notes' worked example: a two-layer network prices a candy bar")
        lines.append("from the coins paid for it, I = [quarters, nickels] = [5, 6].")
        lines.append("Row-vector convention: each layer computes Z = I·W + b, then A = f(Z).")
        lines.append("")
        lines.append("Forward pass")
        lines.append("Layer 1: Dense 2 → 2, ReLU")
        show("I", input)
        show("W1", layer1.weight)
        show("b1", layer1.bias)

        show("Z1 = I·W1 + b1", layer1.rawActivation(input))
        show("A1 = ReLU(Z1)", a1)
        lines.append("Layer 2: Dense 2 → 1, ReLU")
        show("W2", layer2.weight)
        show("b2", layer2.bias)
        show("Z2 = A1·W2 + b2", layer2.rawActivation(a1))
        show("A2 = ReLU(Z2)", a2, "→ 5 quarters and 6 nickels are worth \(Self.format(a2[0, 0])) dollars")
        lines.append("")

        lines.append("Backward pass, with the toy loss L = T − A, so dL/dA2 = −1")
        lines.append("and ReLU'(Z) = 1 where Z > 0, else 0.")
        show("dL/dZ2 = dL/dA2 ⊙ ReLU'(Z2)", backward.rawActivationGradients[1])
        show("dL/dW2 = A1ᵀ·dL/dZ2", backward.gradients[1].weight)
        show("dL/db2 = Σ rows of dL/dZ2", backward.gradients[1].bias)
        show("dL/dA1 = dL/dZ2·W2ᵀ", backward.inputGradients[1])
        show("dL/dZ1 = dL/dA1 ⊙ ReLU'(Z1)", backward.rawActivationGradients[0])
        show("dL/dW1 = Iᵀ·dL/dZ1", backward.gradients[0].weight)
        show("dL/db1 = Σ rows of dL/dZ1", backward.gradients[0].bias)
        show("dL/dI = dL/dZ1·W1ᵀ", backward.inputGradients[0])
        lines.append("")

        lines.append("One SGD step, η = \(Self.format(learningRate)): parameter ← parameter − η × gradient")
        show("W2", model.layers[1].weight)
        show("b2", model.layers[1].bias)
        show("W1", model.layers[0].weight)
        show("b1", model.layers[0].bias)
        show(
            "A2 after the step", model.logits(input),
            "(was \(Self.format(a2[0, 0])): L = T − A falls as A rises, so descent raises the price)")
        return lines.joined(separator: "\n")
    }

    /// A number rounded to 6 decimals, without trailing zeros: 17, -0.5, 0.67.
    static func format(_ value: Float) -> String {
        let rounded = (Double(value) * 1e6).rounded() / 1e6
        if rounded == rounded.rounded() && abs(rounded) < 1e15 { return String(Int(rounded)) }
        return String(rounded)
    }

    /// A matrix as nested rows of formatted numbers.
    static func format(_ matrix: Matrix) -> String {
        "["
            + matrix.nestedRows.map { "[" + $0.map { format($0) }.joined(separator: ", ") + "]" }.joined(
                separator: ", ") + "]"
    }
}

extension String {
    /// The string padded with spaces on the right to `length` characters (never truncated).
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
