import Testing
import DigitsKit
import DigitsTestSupport

@testable import DigitsReport

/// Choosing the wrong digits to show, and finding them as the evaluator counts them.
@Suite struct WrongDigitsTests {
    @Test func theMostConfidentComeFirstAndTiesGoByIndex() {
        let candidates = [
            WrongDigit(index: 40, truth: 1, predicted: 7, confidence: 0.6),
            WrongDigit(index: 9, truth: 4, predicted: 9, confidence: 1),
            WrongDigit(index: 3, truth: 5, predicted: 3, confidence: 0.6),
            WrongDigit(index: 12, truth: 2, predicted: 8, confidence: 0.99),
            WrongDigit(index: 2, truth: 8, predicted: 0, confidence: 1),
        ]
        let chosen = WrongDigits.mostConfident(candidates, limit: 4)
        #expect(chosen.map(\.index) == [2, 9, 12, 3])
        // The order the candidates come in does not matter.
        #expect(WrongDigits.mostConfident(candidates.reversed(), limit: 4) == chosen)
        #expect(WrongDigits.mostConfident(candidates, limit: 0).isEmpty)
        #expect(WrongDigits.mostConfident(candidates, limit: 99).count == 5)
    }

    @Test func theWrongDigitsAreTheOnesTheEvaluatorCounts() throws {
        let data = try MNISTDirectory(path: DataTestSupport.subsetDirectory).load(.test)
        var generator = SplitMix64(seed: 3)
        // An untrained network gets most digits wrong, with all sorts of confidences.
        let model = MLP(inputCount: 784, hidden: [16], outputCount: 10, activation: .relu, generator: &generator)
        let pool = ThreadPool(threadCount: 2)
        let report = Evaluator(pool: pool).evaluate(model, on: data)
        let wrong = WrongDigits.all(model, on: data, pool: pool)
        #expect(wrong.count == report.count - report.correct)
        #expect(wrong.map(\.index) == wrong.map(\.index).sorted())
        var confusion = report.confusion
        for digit in wrong {
            #expect(digit.truth == Int(data.labels[digit.index]) && digit.predicted != digit.truth)
            #expect(digit.confidence > 0.1 && digit.confidence <= 1)  // the largest of ten probabilities
            confusion[digit.truth][digit.predicted] -= 1
        }
        // Every off-diagonal count is accounted for, one wrong digit each.
        for truth in 0 ..< 10 {
            for predicted in 0 ..< 10 where predicted != truth { #expect(confusion[truth][predicted] == 0) }
        }
        #expect(WrongDigits.all(model, on: data, pool: ThreadPool(threadCount: 1)) == wrong)
    }
}
