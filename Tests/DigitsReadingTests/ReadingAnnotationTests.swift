import DigitsClassifier
import DigitsImaging
import Testing

@testable import DigitsReading

/// The annotated picture `digits read --annotate` writes: frames, tags and the picture beneath.
@Suite struct ReadingAnnotationTests {
    typealias Colour = ReadingAnnotation.Colour
    static let white = Colour(gray: 255)
    static let green = ReadingAnnotation.confidentColour

    /// A digit read as `value` with `confidence`, found in `box`.
    static func digit(
        _ value: Int, confidence: Float, box: PixelBox, row: Int = 0, source: InkSource = .darkOnLight
    ) -> ReadDigit {
        var probabilities = [Float](repeating: (1 - confidence) / 9, count: 10)
        probabilities[value] = confidence
        let input = NormalizedDigit(
            pixels: [Float](repeating: 0, count: 784), inkFound: true, inkSource: source, inkBounds: box)
        return ReadDigit(classification: Classification(probabilities: probabilities, input: input), box: box, row: row)
    }

    /// A reading of `digits` in one row of a `width × height` picture.
    static func reading(_ digits: [ReadDigit], width: Int, height: Int) -> Reading {
        Reading(rows: digits.isEmpty ? [] : [ReadRow(digits: digits)], width: width, height: height)
    }

    /// A white picture with black ink filling `box`.
    static func picture(width: Int, height: Int, ink box: PixelBox) -> GrayAlphaImage {
        var image = GrayAlphaImage(width: width, height: height, gray: 255)
        for y in box.y ..< box.y + box.height {
            for x in box.x ..< box.x + box.width { image.gray[y * width + x] = 0 }
        }
        return image
    }

    @Test("with nothing read, the picture comes back in gray at its own size")
    func pictureInGray() {
        let gray = (0 ..< 60 * 40).map { UInt8($0 % 256) }
        let annotation = ReadingAnnotation(
            image: GrayAlphaImage(width: 60, height: 40, gray: gray), reading: Self.reading([], width: 60, height: 40))
        #expect(annotation.width == 60 && annotation.height == 40)
        #expect(annotation.pixels.count == 60 * 40 * 3)
        #expect(annotation[7, 3] == Colour(gray: gray[3 * 60 + 7]))
        #expect(annotation[59, 39] == Colour(gray: gray[39 * 60 + 59]))
    }

    @Test("a transparent canvas is flattened on white, and on black when its ink is light")
    func transparencyFlattened() {
        let image = GrayAlphaImage(width: 3, height: 1, gray: [0, 0, 255], alpha: [0, 255, 128])
        let annotation = ReadingAnnotation(image: image, reading: Self.reading([], width: 3, height: 1))
        #expect(annotation[0, 0] == Self.white)
        #expect(annotation[1, 0] == Colour(gray: 0))
        #expect(annotation[2, 0] == Self.white)

        // White chalk on a transparent canvas, read from its opacity: on white it would vanish.
        var chalk = GrayAlphaImage(width: 100, height: 100, gray: 255, alpha: 0)
        for index in 40 * 100 ..< 60 * 100 { chalk.alpha[index] = 255 }
        let box = PixelBox(x: 0, y: 40, width: 100, height: 20)
        let read = Self.digit(1, confidence: 0.99, box: box, source: .opacity)
        let onBlack = ReadingAnnotation(image: chalk, reading: Self.reading([read], width: 100, height: 100))
        #expect(onBlack[50, 50] == Self.white)
        #expect(onBlack[50, 90] == Colour(gray: 0))
    }

    @Test("each digit gets a frame in the colour of its confidence, a gap away from its ink")
    func framesAroundDigits() {
        let box = PixelBox(x: 60, y: 50, width: 40, height: 64)
        let image = Self.picture(width: 200, height: 150, ink: box)
        let annotation = ReadingAnnotation(
            image: image, reading: Self.reading([Self.digit(4, confidence: 0.99, box: box)], width: 200, height: 150))
        // 64-pixel digits: lines 2 pixels wide, 2 pixels away from the ink.
        #expect(ReadingAnnotation.lineWidth(forDigitHeight: 64) == 2)
        let frame = ReadingAnnotation.frame(around: box, lineWidth: 2)
        #expect(frame == PixelBox(x: 56, y: 46, width: 48, height: 72))
        for y in [60, 80, 117] {
            #expect(annotation[56, y] == Self.green)
            #expect(annotation[57, y] == Self.green)
            #expect(annotation[102, y] == Self.green)
            #expect(annotation[103, y] == Self.green)
            #expect(annotation[55, y] == Self.white)
            #expect(annotation[104, y] == Self.white)
        }
        for x in [70, 90] {
            #expect(annotation[x, 117] == Self.green)
            #expect(annotation[x, 116] == Self.green)
            #expect(annotation[x, 115] == Self.white, "the gap between frame and ink")
            #expect(annotation[x, 118] == Self.white)
        }
        // The ink itself is untouched.
        for y in box.y ..< box.y + box.height {
            for x in box.x ..< box.x + box.width where annotation[x, y] != Colour(gray: 0) {
                Issue.record("ink pixel (\(x), \(y)) was painted over")
            }
        }
    }

    @Test("the colour says how sure the classifier was: green, orange, red")
    func coloursByConfidence() {
        #expect(ReadingAnnotation.colour(forConfidence: 1) == ReadingAnnotation.confidentColour)
        #expect(ReadingAnnotation.colour(forConfidence: 0.9) == ReadingAnnotation.confidentColour)
        #expect(ReadingAnnotation.colour(forConfidence: 0.89) == ReadingAnnotation.unsureColour)
        #expect(ReadingAnnotation.colour(forConfidence: 0.5) == ReadingAnnotation.unsureColour)
        #expect(ReadingAnnotation.colour(forConfidence: 0.3) == ReadingAnnotation.doubtfulColour)

        let sure = PixelBox(x: 20, y: 40, width: 30, height: 50)
        let doubtful = PixelBox(x: 80, y: 40, width: 30, height: 50)
        let annotation = ReadingAnnotation(
            image: GrayAlphaImage(width: 140, height: 120, gray: 255),
            reading: Self.reading(
                [Self.digit(1, confidence: 0.95, box: sure), Self.digit(7, confidence: 0.3, box: doubtful)],
                width: 140, height: 120))
        let line = ReadingAnnotation.lineWidth(forDigitHeight: 50)
        #expect(annotation[ReadingAnnotation.frame(around: sure, lineWidth: line).x, 60] == Self.green)
        #expect(
            annotation[ReadingAnnotation.frame(around: doubtful, lineWidth: line).x, 60]
                == ReadingAnnotation.doubtfulColour)
    }

    @Test("the digit read is drawn dot for dot on a tag sitting on the frame's top-left corner")
    func tagAboveTheFrame() throws {
        let box = PixelBox(x: 60, y: 50, width: 40, height: 64)
        let annotation = ReadingAnnotation(
            image: Self.picture(width: 200, height: 150, ink: box),
            reading: Self.reading([Self.digit(4, confidence: 0.99, box: box)], width: 200, height: 150))
        let scale = ReadingAnnotation.labelScale(forDigitHeight: 64)
        #expect(scale == 2)
        let tag = ReadingAnnotation.tag(
            above: ReadingAnnotation.frame(around: box, lineWidth: 2), scale: scale, pictureWidth: 200,
            pictureHeight: 150)
        #expect(tag == PixelBox(x: 56, y: 46 - 18, width: 14, height: 18))
        let glyph = ReadingAnnotation.glyphs[4]
        for y in tag.y ..< tag.y + tag.height {
            for x in tag.x ..< tag.x + tag.width {
                let (column, row) = ((x - tag.x) / scale - 1, (y - tag.y) / scale - 1)
                let dot =
                    glyph.indices.contains(row) && (0 ..< 5).contains(column)
                    && Array(glyph[row])[column] == "#"
                #expect(annotation[x, y] == (dot ? ReadingAnnotation.labelColour : Self.green), "at (\(x), \(y))")
            }
        }
    }

    @Test("with no room above the frame, the tag goes inside it")
    func tagInsideAtTheTop() {
        let box = PixelBox(x: 30, y: 1, width: 20, height: 30)
        let annotation = ReadingAnnotation(
            image: GrayAlphaImage(width: 100, height: 60, gray: 255),
            reading: Self.reading([Self.digit(7, confidence: 0.99, box: box)], width: 100, height: 60))
        let tag = ReadingAnnotation.tag(
            above: ReadingAnnotation.frame(around: box, lineWidth: 1), scale: 1, pictureWidth: 100, pictureHeight: 60)
        #expect(tag == PixelBox(x: 28, y: 0, width: 7, height: 9))
        // The 7's top bar, row 0 of the glyph, one dot in from the tag's corner.
        #expect((29 ... 33).allSatisfy { annotation[$0, 1] == ReadingAnnotation.labelColour })
        #expect(annotation[28, 0] == Self.green)
    }

    @Test("a tag at the picture's right edge moves left to stay whole")
    func tagAtTheRightEdge() {
        let tag = ReadingAnnotation.tag(
            above: PixelBox(x: 95, y: 40, width: 10, height: 10), scale: 2, pictureWidth: 100, pictureHeight: 60)
        #expect(tag == PixelBox(x: 86, y: 22, width: 14, height: 18))
    }

    @Test("lines and lettering grow with the digits' height")
    func sizesFollowTheDigits() {
        #expect([10, 20, 64, 100, 320].map(ReadingAnnotation.lineWidth(forDigitHeight:)) == [1, 1, 2, 3, 10])
        #expect([10, 28, 70, 105, 350].map(ReadingAnnotation.labelScale(forDigitHeight:)) == [1, 1, 2, 3, 10])
    }

    @Test("digits at the edges, beyond them or in a tiny picture are clipped, never out of bounds")
    func edgesAreClipped() throws {
        let boxes = [
            PixelBox(x: 0, y: 0, width: 3, height: 3), PixelBox(x: 27, y: 17, width: 3, height: 3),
            PixelBox(x: -10, y: -10, width: 50, height: 50), PixelBox(x: 100, y: 100, width: 5, height: 5),
            PixelBox(x: 5, y: 5, width: 0, height: 0),
        ]
        let digits = boxes.enumerated().map { Self.digit($0.offset, confidence: 0.7, box: $0.element) }
        let annotation = ReadingAnnotation(
            image: GrayAlphaImage(width: 30, height: 20, gray: 200),
            reading: Self.reading(digits, width: 30, height: 20))
        #expect(annotation.pixels.count == 30 * 20 * 3)
        #expect(annotation.pixels.contains(ReadingAnnotation.unsureColour.green))

        let tiny = ReadingAnnotation(
            image: GrayAlphaImage(width: 1, height: 1, gray: 0),
            reading: Self.reading(
                [Self.digit(8, confidence: 0.99, box: PixelBox(x: 0, y: 0, width: 1, height: 1))], width: 1,
                height: 1))
        #expect(tiny.width == 1 && tiny.height == 1)
        let decoded = try PNGDecoder.decode(try tiny.pngBytes())
        #expect(decoded.width == 1 && decoded.height == 1)
    }

    @Test("the annotation encodes as an RGB PNG of the picture's size")
    func encodesAsPNG() throws {
        let box = PixelBox(x: 10, y: 10, width: 20, height: 30)
        let annotation = ReadingAnnotation(
            image: Self.picture(width: 64, height: 48, ink: box),
            reading: Self.reading([Self.digit(2, confidence: 0.99, box: box)], width: 64, height: 48))
        let bytes = try annotation.pngBytes()
        #expect(bytes[25] == 2, "colour type 2: RGB")
        let decoded = try PNGDecoder.decode(bytes)
        #expect(decoded.width == 64 && decoded.height == 48)
    }

    @Test("the font has ten distinct 5×7 glyphs")
    func glyphs() {
        let glyphs = ReadingAnnotation.glyphs
        #expect(glyphs.count == 10)
        #expect(Set(glyphs.map { $0.joined() }).count == 10)
        for glyph in glyphs {
            #expect(glyph.count == ReadingAnnotation.glyphHeight)
            #expect(
                glyph.allSatisfy { $0.count == ReadingAnnotation.glyphWidth && $0.allSatisfy { " #".contains($0) } })
        }
    }
}
