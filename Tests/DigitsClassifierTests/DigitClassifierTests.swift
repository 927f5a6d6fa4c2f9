import DigitsKit
import DigitsTestSupport
import Testing

/// `DigitClassifier`'s batch of inputs: the same answers as one input at a time.
@Suite struct DigitClassifierTests {
    @Test func aBatchGetsTheAnswersEachInputGetsAlone() throws {
        let classifier = DigitClassifier(model: try ShippedModel.load().model)
        let sets = try PictureSets.fixtures()
        // Pictures of several kinds, so the batch mixes confident and doubtful answers.
        let kinds: [PictureSetKind] = [.clean, .broadPen, .printed]
        let inputs = kinds.flatMap { kind in
            (0 ..< 12).map { classifier.normalizer.normalize(sets.sample(kind, index: $0).image) }
        }
        let batch = classifier.classify(inputs)
        #expect(batch.count == inputs.count)
        for (input, answer) in zip(inputs, batch) {
            let alone = classifier.classify(input)
            #expect(answer.input == input)
            #expect(answer.prediction == alone.prediction)
            for (a, b) in zip(answer.probabilities, alone.probabilities) { #expect(abs(a - b) <= 1e-5) }
        }
        #expect(classifier.classify([NormalizedDigit]()).isEmpty)
    }
}
