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

    @Test func crossEntropyOfUniformLogitsIsLogTen() {
        let result = Loss.crossEntropy.evaluate(logits: Matrix(rows: 1, columns: 10), labels: [4])
        #expect(abs(result.lossSum - 2.302585) < 1e-5)
    }
}
