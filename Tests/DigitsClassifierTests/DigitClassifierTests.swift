import DigitsKit
import DigitsTestSupport
import Testing

/// `DigitClassifier`'s batches: the same answers as one input at a time, in the order given,
/// with each picture that cannot be decoded reported in its place.
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

    @Test func manyPicturesAreAnsweredInOrderWithFailuresInTheirPlace() throws {
        struct Unreadable: Error {}
        let classifier = DigitClassifier(model: try ShippedModel.load().model)
        let sets = try PictureSets.fixtures()
        // 11 sources in batches of 4: the last batch is partial, and every 5th picture fails.
        let sources = Array(0 ..< 11)
        var reported: [Int] = []
        try classifier.classify(sources, batchSize: 4) { index in
            if index % 5 == 3 { throw Unreadable() }
            return sets.sample(.clean, index: index).image
        } report: { index, answer in
            reported.append(index)
            switch answer {
            case .success(let result):
                #expect(index % 5 != 3)
                let alone = classifier.classify(sets.sample(.clean, index: index).image)
                #expect(result.input == alone.input)
                #expect(result.prediction == alone.prediction)
            case .failure(let error):
                #expect(index % 5 == 3)
                #expect(error is Unreadable)
            }
        }
        #expect(reported == sources)
    }
}
