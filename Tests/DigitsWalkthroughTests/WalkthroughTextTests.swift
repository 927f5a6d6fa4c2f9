import Testing
import DigitsKit

/// The walkthrough's whole text, pinned line for line: the numbers, their shapes, the labels and
/// the layout that `digits walkthrough` prints.
@Suite struct WalkthroughTextTests {
    static let expected = """
        The design notes' worked example: a two-layer network prices a candy bar
        from the coins paid for it, I = [quarters, nickels] = [5, 6].
        Row-vector convention: each layer computes Z = I·W + b, then A = f(Z).

        Forward pass
        Layer 1: Dense 2 → 2, ReLU
          I                             (1×2)    = [[5, 6]]
          W1                            (2×2)    = [[2, 2], [1, 3]]
          b1                            (1×2)    = [[1, 1]]
          Z1 = I·W1 + b1                (1×2)    = [[17, 29]]
          A1 = ReLU(Z1)                 (1×2)    = [[17, 29]]
        Layer 2: Dense 2 → 1, ReLU
          W2                            (2×1)    = [[0.5], [0]]
          b2                            (1×1)    = [[3.5]]
          Z2 = A1·W2 + b2               (1×1)    = [[12]]
          A2 = ReLU(Z2)                 (1×1)    = [[12]]   → 5 quarters and 6 nickels are worth 12 dollars

        Backward pass, with the toy loss L = T − A, so dL/dA2 = −1
        and ReLU'(Z) = 1 where Z > 0, else 0.
          dL/dZ2 = dL/dA2 ⊙ ReLU'(Z2)   (1×1)    = [[-1]]
          dL/dW2 = A1ᵀ·dL/dZ2           (2×1)    = [[-17], [-29]]
          dL/db2 = Σ rows of dL/dZ2     (1×1)    = [[-1]]
          dL/dA1 = dL/dZ2·W2ᵀ           (1×2)    = [[-0.5, 0]]
          dL/dZ1 = dL/dA1 ⊙ ReLU'(Z1)   (1×2)    = [[-0.5, 0]]
          dL/dW1 = Iᵀ·dL/dZ1            (2×2)    = [[-2.5, 0], [-3, 0]]
          dL/db1 = Σ rows of dL/dZ1     (1×2)    = [[-0.5, 0]]
          dL/dI = dL/dZ1·W1ᵀ            (1×2)    = [[-1, -0.5]]

        One SGD step, η = 0.01: parameter ← parameter − η × gradient
          W2                            (2×1)    = [[0.67], [0.29]]
          b2                            (1×1)    = [[3.51]]
          W1                            (2×2)    = [[2.025, 2], [1.03, 3]]
          b1                            (1×2)    = [[1.005, 1]]
          A2 after the step             (1×1)    = [[23.5177]]   (was 12: L = T − A falls as A rises, so descent raises the price)
        """

    @Test func textIsExactlyTheWorkedExample() {
        let text = CandyBarWalkthrough().text()
        let actual = text.split(separator: "\n", omittingEmptySubsequences: false)
        let expected = Self.expected.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(actual.count == expected.count)
        for (number, (line, wanted)) in zip(actual, expected).enumerated() {
            #expect(line == wanted, "line \(number + 1)")
        }
        #expect(text == Self.expected)
    }
}
