import DigitsKit
import DigitsTestSupport
import Testing

/// The reader on handwritten numbers from the reading sets, damaged in ways real pictures are.
@Suite struct NumberReaderTests {
    static let reader = Result {
        NumberReader(
            model: try ShippedModel.load().model, verifier: try ShippedModel.loadVerifier().model, cutScorer: nil)
    }
    static let sample = Result { try ReadingSets.fixtures().sample(.spaced, index: 0) }
    /// The first 24 bundled touching rows, each with what `reader` reads in it: read once for the
    /// tests that measure another reader against it.
    static let touchingReadings = Result {
        let shipped = try reader.get()
        return try ReadingSets.fixtures().samples(.touching, count: 24).map { sample in
            (sample: sample, text: try shipped.read(sample.image).text)
        }
    }

    /// `image` widened by `extra` columns of its own paper on the right.
    static func widened(_ image: GrayAlphaImage, by extra: Int) -> GrayAlphaImage {
        let paper = image.gray[0]
        var gray: [UInt8] = []
        for y in 0 ..< image.height {
            gray += image.gray[y * image.width ..< (y + 1) * image.width]
            gray += [UInt8](repeating: paper, count: extra)
        }
        return GrayAlphaImage(width: image.width + extra, height: image.height, gray: gray)
    }

    @Test("a clean handwritten number reads as its digits, left to right, with their boxes in order")
    func cleanNumber() throws {
        let sample = try Self.sample.get()
        let reading = try Self.reader.get().read(sample.image)
        #expect(reading.text == sample.text)
        #expect(reading.rows.count == 1)
        let lefts = reading.digits.map(\.box.x)
        #expect(lefts == lefts.sorted())
    }

    @Test("strokes broken by a line of paper running across the row still read as the same digits")
    func brokenStrokes() throws {
        // The line falls from the top left to the bottom right, so it breaks each digit at a
        // different height into pieces that share their columns.
        let sample = try Self.sample.get()
        var image = sample.image
        for x in 0 ..< image.width {
            let y = x * image.height / image.width
            for row in max(0, y - 1) ..< min(image.height, y + 1) { image.gray[row * image.width + x] = image.gray[0] }
        }
        let reading = try Self.reader.get().read(image)
        #expect(reading.text == sample.text)
    }

    @Test("a number written with a dotted pen reads as its digits")
    func dottedPen() throws {
        // Ink survives only in 3×3 blocks two pixels apart: every stroke falls apart into dots.
        let sample = try Self.sample.get()
        var image = sample.image
        for y in 0 ..< image.height {
            for x in 0 ..< image.width where x % 5 >= 3 || y % 5 >= 3 {
                image.gray[y * image.width + x] = image.gray[0]
            }
        }
        let reading = try Self.reader.get().read(image)
        #expect(reading.text == sample.text)
    }

    @Test("a dot beside the number is left unread")
    func dotLeftUnread() throws {
        let sample = try Self.sample.get()
        var image = Self.widened(sample.image, by: 60)
        let middle = image.height / 2
        for y in middle ..< middle + 4 {
            for x in image.width - 30 ..< image.width - 26 { image.gray[y * image.width + x] = 0 }
        }
        #expect(try Self.reader.get().read(image).text == sample.text)
    }

    @Test(
        "cutting a piece too wide to be one digit is free, so touching digits are cut apart more often",
        .onlyOptimized)
    func wideTouchingPiecesAreCut() throws {
        var costlyCuts = try Self.reader.get()
        costlyCuts.settings.severalDigitsWidth = .infinity
        var free = ReadingScore()
        var costly = ReadingScore()
        for (sample, text) in try Self.touchingReadings.get() {
            free.add(expected: sample.text, read: text)
            costly.add(expected: sample.text, read: try costlyCuts.read(sample.image).text)
        }
        #expect(free.digitAccuracy > costly.digitAccuracy + 0.05)
    }

    @Test(
        "with the cut scorer placing the cuts, touching rows have at least a quarter fewer digits wrong",
        .onlyOptimized)
    func cutScorerReadsTouchingRowsBetter() throws {
        let scored = NumberReader(
            model: try ShippedModel.load().model, verifier: try ShippedModel.loadVerifier().model,
            cutScorer: try ShippedModel.loadCutScorer().model)
        #expect(scored.settings == .forCutScorer)
        var byInk = ReadingScore()
        var byScorer = ReadingScore()
        for (sample, text) in try Self.touchingReadings.get() {
            byInk.add(expected: sample.text, read: text)
            byScorer.add(expected: sample.text, read: try scored.read(sample.image).text)
        }
        #expect(4 * byScorer.digitErrors <= 3 * byInk.digitErrors)
        #expect(byScorer.wholeAccuracy > byInk.wholeAccuracy)
    }

    @Test("a blank picture reads as no digits, with a warning")
    func blankPicture() throws {
        let reading = try Self.reader.get().read(GrayAlphaImage(width: 200, height: 80, gray: 240))
        #expect(reading.text.isEmpty)
        #expect(reading.warning != nil)
        #expect(reading.confidence == 0)
    }

    @Test("a picture of hundreds of separate marks is refused with the count, not read slowly")
    func tooManyPieces() throws {
        var gray = [UInt8](repeating: 255, count: 300 * 300)
        for row in 0 ..< 30 {
            for column in 0 ..< 30 {
                for y in row * 10 + 2 ..< row * 10 + 6 {
                    for x in column * 10 + 2 ..< column * 10 + 6 { gray[y * 300 + x] = 0 }
                }
            }
        }
        let image = GrayAlphaImage(width: 300, height: 300, gray: gray)
        #expect(throws: ReadingError.tooManyPieces(name: "grid", found: 900, limit: 500)) {
            try Self.reader.get().read(image, name: "grid")
        }
    }
}

extension NumberReaderTests {
    @Test("PNG bytes read as the picture they encode; damaged bytes are an unreadable picture")
    func pngBytes() throws {
        let sample = try Self.sample.get()
        let reader = try Self.reader.get()
        let bytes = try PNGEncoder.encode(sample.image)
        #expect(try reader.read(pngBytes: bytes, name: "number.png").text == sample.text)
        #expect {
            try reader.read(pngBytes: Array(bytes.prefix(bytes.count / 2)), name: "cut.png")
        } throws: { error in
            guard case .unreadablePicture(let reason) = error as? ReadingError else { return false }
            return reason.description.contains("cut.png")
        }
    }

    @Test("a PNG file reads as the picture it holds")
    func pngFile() throws {
        let sample = try Self.sample.get()
        try DataTestSupport.withTemporaryDirectory { folder in
            let path = folder + "/number.png"
            try PNGEncoder.write(sample.image, toFile: path)
            #expect(try Self.reader.get().read(contentsOfFile: path).text == sample.text)
        }
    }
}

extension NumberReaderTests {
    /// A 0 drawn as an ellipse ring half again as wide as it is tall, 7 pixels thick, on paper.
    static func wideZero() -> GrayAlphaImage {
        let (width, height) = (140, 100)
        var gray = [UInt8](repeating: 235, count: width * height)
        for y in 0 ..< height {
            for x in 0 ..< width {
                let dx = Double(x - 70)
                let dy = Double(y - 50)
                // Distance from the ring's middle line, roughly, in pixels: scaled by the radius.
                let radius = (dx * dx / (45 * 45) + dy * dy / (30 * 30)).squareRoot()
                if abs(radius - 1) * 36 < 3.5 { gray[y * width + x] = 30 }
            }
        }
        return GrayAlphaImage(width: width, height: height, gray: gray)
    }

    @Test("a wide 0, cut into more slices than a digit usually takes, is still read as one 0")
    func wideZeroReadsWhole() throws {
        let reader = try Self.reader.get()
        #expect(try reader.read(Self.wideZero()).text == "0")
        // Held to `maximumPartsPerDigit` slices, the ring cannot be read whole.
        var limited = reader
        limited.settings.widestDigit = 0
        #expect(try limited.read(Self.wideZero()).text != "0")
    }
}

/// What the digit verifier adds to reading touching digits.
@Suite struct DigitVerifierReadingTests {
    @Test(
        "with the verifier, touching rows have at least a quarter fewer digits wrong than without",
        .onlyOptimized)
    func verifierReadsTouchingRowsBetter() throws {
        // Eight rows, 47 digits.
        let samples = try ReadingSets.fixtures().samples(.touching, count: 8)
        let model = try ShippedModel.load().model
        var digitErrors: [Int] = []
        for verifier in [nil, try ShippedModel.loadVerifier().model] {
            let reader = NumberReader(model: model, verifier: verifier, cutScorer: nil)
            var score = ReadingScore()
            for sample in samples {
                score.add(expected: sample.text, read: try reader.read(sample.image, name: sample.name).text)
            }
            digitErrors.append(score.digitErrors)
        }
        #expect(
            digitErrors[1] * 4 <= digitErrors[0] * 3, "digits wrong without the verifier, then with: \(digitErrors)")
    }
    @Test("the reader and the model file agree on how many outputs a verifier and a cut scorer have")
    func verifierOutputCountsAgree() {
        #expect(NumberReader.verifierOutputCount == ModelFile.verifierOutputCount)
        #expect(NumberReader.cutScorerOutputCount == ModelFile.cutScorerOutputCount)
    }
}
