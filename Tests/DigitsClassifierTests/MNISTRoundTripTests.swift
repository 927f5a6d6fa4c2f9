import Testing
import DigitsKit
import DigitsTestSupport

/// MNIST's own test digits, written out as 28×28 PNGs and read back through the whole
/// classify path (libpng decode, normaliser, model), must score what the model scores on the
/// IDX files: the normaliser reproduces how MNIST was made, so it should barely change them.
@Suite struct MNISTRoundTripTests {
    @Test(.enabled(if: FullMNIST.isAvailable, "needs full MNIST in $DIGITS_MNIST or ../shared/mnist"))
    func testDigitsAsPNGScoreWithinAThirdOfAPointOfTheIDXFiles() throws {
        let test = try #require(FullMNIST.directory).load(.test)
        let model = try ModelFile(contentsOf: DataTestSupport.packageRoot + "/" + ShippedModel.packagePath).model
        let direct = Evaluator(threadCount: 2).evaluate(model, on: test)

        let classifier = DigitClassifier(model: model)
        var correct = 0
        var changed = 0
        // In batches, as `digits classify` takes a folder: the answers one at a time would give.
        // Each PNG is made inside `decode` and dropped once decoded, not all 10,000 held at once.
        try classifier.classify(
            Array(0 ..< test.count),
            decode: {
                let png = try PNGEncoder.encode(
                    GrayAlphaImage(width: 28, height: 28, gray: Array(test.pixels(ofImage: $0))))
                return try PNGDecoder.decode(png, name: "test digit \($0)")
            }
        ) {
            index, answer in
            let result = try answer.get()
            if result.prediction == Int(test.labels[index]) { correct += 1 }
            let original = test.pixels(ofImage: index).map { Float($0) / 255 }
            if zip(original, result.input.pixels).contains(where: { abs($0 - $1) > 0.05 }) { changed += 1 }
        }
        let throughPNG = Double(correct) / Double(test.count)
        print(
            "IDX accuracy \(direct.accuracy), PNG accuracy \(throughPNG), inputs changed by the normaliser: \(changed)")
        #expect(abs(throughPNG - direct.accuracy) <= 0.003)
    }
}
