import Foundation
import Testing
import DigitsKit

@Suite struct LossTests {
    @Test func crossEntropyStaysFiniteForHugeLogits() {
        let logits = Matrix([
            [1e4, -1e4, 0, 0, 0, 0, 0, 0, 0, 0], [-1e4, -1e4, -1e4, -1e4, -1e4, -1e4, -1e4, -1e4, -1e4, 1e4],
        ])
        var gradient = Matrix(rows: 2, columns: 10)
        let result = Loss.crossEntropy.evaluate(logits: logits, labels: [1, 9], batchSize: 2, gradient: &gradient)
        #expect(result.lossSum.isFinite)
        // The first example puts all its mass on class 0 but is labelled 1: loss 2e4.
        #expect(abs(result.lossSum - 2e4) < 1)
        #expect(gradient.storage.allSatisfy { $0.isFinite })
        #expect(result.correct == 1)
    }

    @Test func softmaxSumsToOneAndKeepsOrder() {
        let p = Softmax.probabilities(of: [1, 2, 3, -50, 1000])
        #expect(abs(p.reduce(0, +) - 1) < 1e-6)
        #expect(Softmax.argmax(p) == 4)
        let q = Softmax.probabilities(of: [0, 0])
        #expect(q == [0.5, 0.5])
    }

    /// Label smoothing is cross-entropy against the target (1 − ε)·one-hot + ε/10, computed here
    /// by hand in Double from the softmax; with ε = 0 it is plain cross-entropy, bit for bit.
    @Test func labelSmoothingIsCrossEntropyAgainstTheMixedTarget() {
        let logits = Matrix([[2, -1, 0.5, 0, 3, 0, -2, 1, 0, 0.25], [0, 0, 0, 0, 0, 0, 0, 0, 0, 9]])
        let labels = [4, 2]
        let epsilon: Float = 0.1
        var gradient = Matrix(rows: 2, columns: 10)
        let smoothed = Loss.crossEntropy.evaluate(
            logits: logits, labels: labels, batchSize: 2, labelSmoothing: epsilon, gradient: &gradient)
        var expectedLoss = 0.0
        for r in 0 ..< 2 {
            let p = Softmax.probabilities(of: Array(logits.storage[r * 10 ..< r * 10 + 10]))
            for c in 0 ..< 10 {
                let target = (c == labels[r] ? 1 - Double(epsilon) : 0) + Double(epsilon) / 10
                expectedLoss -= target * log(Double(p[c]))
                #expect(abs(Double(gradient[r, c]) - (Double(p[c]) - target) / 2) < 1e-6, "row \(r), class \(c)")
            }
        }
        #expect(abs(smoothed.lossSum - expectedLoss) < 1e-4)
        #expect(smoothed.correct == 1)

        var plainGradient = Matrix(rows: 2, columns: 10), zeroGradient = Matrix(rows: 2, columns: 10)
        let plain = Loss.crossEntropy.evaluate(logits: logits, labels: labels, batchSize: 2, gradient: &plainGradient)
        let zero = Loss.crossEntropy.evaluate(
            logits: logits, labels: labels, batchSize: 2, labelSmoothing: 0, gradient: &zeroGradient)
        #expect(zero == plain && zeroGradient == plainGradient)
    }

    @Test func crossEntropyOfUniformLogitsIsLogTen() {
        let result = Loss.crossEntropy.evaluate(logits: Matrix(rows: 1, columns: 10), labels: [4])
        #expect(abs(result.lossSum - 2.302585) < 1e-5)
    }
}
