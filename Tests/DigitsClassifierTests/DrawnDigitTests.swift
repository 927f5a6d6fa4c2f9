import Testing
import DigitsKit
import DigitsTestSupport

/// MNIST test digits redrawn the way people's pictures come — enlarged, dark ink on white,
/// off-centre on a big canvas, coloured ink on a transparent canvas — must classify about as
/// well as the 28×28 originals.
@Suite struct DrawnDigitTests {
    /// The digit enlarged `scale` times by bilinear interpolation, as ink coverage in [0, 1].
    static func enlarged(_ pixels: ArraySlice<UInt8>, scale: Int) -> [Float] {
        let side = 28 * scale
        var result = [Float](repeating: 0, count: side * side)
        let source = Array(pixels)
        func at(_ x: Int, _ y: Int) -> Float {
            (x < 0 || y < 0 || x >= 28 || y >= 28) ? 0 : Float(source[y * 28 + x]) / 255
        }
        for y in 0 ..< side {
            for x in 0 ..< side {
                let sx = (Float(x) + 0.5) / Float(scale) - 0.5, sy = (Float(y) + 0.5) / Float(scale) - 0.5
                let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                let fx = sx - Float(x0), fy = sy - Float(y0)
                let top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
                let bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
                result[y * side + x] = top * (1 - fy) + bottom * fy
            }
        }
        return result
    }

    enum Form: CaseIterable {
        case darkOnWhite, offCentreOnAPage, blueOnTransparent

        /// The digit drawn in this form, as PNG bytes.
        func png(_ pixels: ArraySlice<UInt8>, index: Int) throws -> [UInt8] {
            switch self {
            case .darkOnWhite:
                let ink = DrawnDigitTests.enlarged(pixels, scale: 10)
                let gray = ink.map { UInt8((1 - $0) * 255) }
                return try PNGEncoder.encode(GrayAlphaImage(width: 280, height: 280, gray: gray))
            case .offCentreOnAPage:
                let ink = DrawnDigitTests.enlarged(pixels, scale: 3)
                let (width, height) = (400, 300)
                let left = 20 + (index * 37) % 280, top = 15 + (index * 53) % 190
                var gray = [UInt8](repeating: 235, count: width * height)  // grey paper
                for y in 0 ..< 84 {
                    for x in 0 ..< 84 {
                        gray[(top + y) * width + left + x] = UInt8(235 - ink[y * 84 + x] * 200)
                    }
                }
                return try PNGEncoder.encode(GrayAlphaImage(width: width, height: height, gray: gray))
            case .blueOnTransparent:
                let ink = DrawnDigitTests.enlarged(pixels, scale: 5)
                var rgba: [UInt8] = []
                for value in ink { rgba += [20, 40, 200, UInt8(value * 255)] }
                return try PNGEncoder.encode(pixels: rgba, width: 140, height: 140, layout: .rgba)
            }
        }
    }

    @Test(
        .enabled(if: FullMNIST.isAvailable, "needs full MNIST in $DIGITS_MNIST or ../shared/mnist"),
        arguments: Form.allCases)
    func redrawnTestDigitsClassifyAboutAsWellAsTheOriginals(form: Form) throws {
        let test = try #require(FullMNIST.directory).load(.test)
        let model = try ModelFile(contentsOf: DataTestSupport.packageRoot + "/" + ShippedModel.packagePath).model
        let classifier = DigitClassifier(model: model)
        let count = 300
        let labels = (0 ..< count).map { Int(test.labels[$0]) }
        let originals = model.probabilities(
            Matrix(
                rows: count, columns: 784,
                values: (0 ..< count).flatMap { test.pixels(ofImage: $0).map { Float($0) / 255 } }))
        let original = labels.indices.filter { Softmax.argmax(originals.row($0)) == labels[$0] }.count
        // In batches, as `digits classify` takes a folder: the answers one at a time would give.
        var redrawn = 0
        try classifier.classify(
            Array(0 ..< count),
            decode: { try PNGDecoder.decode(try form.png(test.pixels(ofImage: $0), index: $0), name: "digit \($0)") }
        ) { index, answer in
            if try answer.get().prediction == labels[index] { redrawn += 1 }
        }
        print("\(form): originals \(original)/\(count), redrawn \(redrawn)/\(count)")
        // Redrawing blurs strokes a little (interpolation, resampling twice), so allow a point.
        #expect(Double(original - redrawn) / Double(count) <= 0.01)
    }
}
