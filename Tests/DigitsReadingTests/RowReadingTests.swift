import DigitsKit
import DigitsTestSupport
import Testing

@testable import DigitsReading

/// Rows of touching digits read whole by the row reader: what it is given, and what it gives.
@Suite struct RowReadingTests {
    static let reader = Result {
        NumberReader(
            model: try ShippedModel.load().model, verifier: try ShippedModel.loadVerifier().model, cutScorer: nil,
            rowReaders: try ShippedModel.loadRowReaders().map(\.network))
    }
    static let readerByInk = Result {
        NumberReader(
            model: try ShippedModel.load().model, verifier: try ShippedModel.loadVerifier().model, cutScorer: nil)
    }

    /// An ink map of `width` × `height` pixels, ink 1 where `isInk` says so.
    static func inkMap(width: Int, height: Int, isInk: (Int, Int) -> Bool) -> InkMap {
        var table = [Float](repeating: 0, count: 256)
        table[255] = 1
        var plane = [UInt8](repeating: 0, count: width * height)
        for y in 0 ..< height {
            for x in 0 ..< width where isInk(x, y) { plane[y * width + x] = 255 }
        }
        return InkMap(width: width, height: height, plane: plane, table: table, source: .darkOnLight)
    }

    @Test("a row is scaled to 24 pixels tall keeping its proportions, and its columns map back to the picture's")
    func inputKeepsProportions() {
        // A 100×50 block of ink at (30, 10): 48×24 in the input, from input column 2.
        let box = PixelBox(x: 30, y: 10, width: 100, height: 50)
        let input = RowReaderInput(ink: Self.inkMap(width: 100, height: 50) { _, _ in true }, box: box, width: 252)
        func ink(_ x: Int, _ y: Int) -> Float { input.values[y * 252 + x] }
        #expect(ink(2, 2) == 1 && ink(49, 25) == 1)
        #expect(ink(50, 25) == 0 && ink(1, 10) == 0 && ink(10, 26) == 0 && ink(10, 1) == 0)
        #expect(input.horizontalScale == 0.48)
        #expect(input.pictureColumn(of: 2) == 30 && input.pictureColumn(of: 50) == 130)
    }

    @Test("a row shifted right starts that many columns later, and its columns still map back to the picture's")
    func shiftedInput() {
        let box = PixelBox(x: 30, y: 10, width: 100, height: 50)
        let ink = Self.inkMap(width: 100, height: 50) { _, _ in true }
        let input = RowReaderInput(ink: ink, box: box, width: 252)
        let shifted = RowReaderInput(ink: ink, box: box, width: 252, left: 5)
        for y in 0 ..< 28 {
            #expect(
                Array(shifted.values[y * 252 + 5 ..< y * 252 + 251])
                    == Array(input.values[y * 252 + 2 ..< y * 252 + 248]))
            #expect(shifted.values[y * 252 + 4] == 0)
        }
        #expect(shifted.pictureColumn(of: 5) == 30 && shifted.pictureColumn(of: 53) == 130)
    }

    @Test("a row too wide for the input is squeezed across to fit, not cut off")
    func wideRowIsSqueezed() {
        let box = PixelBox(x: 0, y: 0, width: 1200, height: 20)
        // Ink only in the last 10 columns: it must still reach the input.
        let input = RowReaderInput(
            ink: Self.inkMap(width: 1200, height: 20) { x, _ in x >= 1190 }, box: box, width: 252)
        #expect(input.horizontalScale == 248.0 / 1200)
        #expect(input.values[10 * 252 + 249] > 0.9)
        #expect(input.values[10 * 252 + 240] == 0)
    }

    @Test("a picture whose rows hold no piece wide enough for touching digits reads exactly as without the row reader")
    func separateDigitsAreUnchanged() throws {
        let sets = try ReadingSets.fixtures()
        var compared = 0
        for kind in [ReadingSetKind.spaced, .tight, .printed, .multiRow] {
            for sample in sets.samples(kind, count: 6) {
                let reader = try Self.reader.get()
                let rows = try reader.rowSegmenters(of: sample.image, name: sample.name)
                guard !rows.contains(where: { $0.holdsTouchingDigits() }) else { continue }
                #expect(
                    try reader.read(sample.image) == (try Self.readerByInk.get().read(sample.image)), "\(sample.name)")
                compared += 1
            }
        }
        #expect(compared >= 20)
    }

    @Test("a touching row's digits come left to right, each with ten probabilities and a box inside the row")
    func touchingRowDigits() throws {
        let sample = try ReadingSets.fixtures().sample(.touching, index: 0)
        let reading = try Self.reader.get().read(sample.image)
        let digits = reading.rows.flatMap(\.digits)
        #expect(!digits.isEmpty)
        let row = sample.digitBoxes.dropFirst().reduce(sample.digitBoxes[0]) { $0.union($1) }
        for (left, right) in zip(digits, digits.dropFirst()) { #expect(left.box.x < right.box.x) }
        for digit in digits {
            #expect(digit.classification.probabilities.count == 10)
            #expect(abs(digit.classification.probabilities.reduce(0, +) - 1) < 1e-4)
            #expect(digit.box.x >= row.x - 1 && digit.box.x + digit.box.width <= row.x + row.width + 1)
            #expect(digit.classification.input.inkFound)
        }
    }

    /// A string's chance is the mean of its log-probabilities over the readings, so a reading
    /// repeated changes nothing: not the digits, not their probabilities, not their boxes.
    @Test("two copies of one row reader read every touching row exactly as one does")
    func copiesOfOneReaderReadAsOne() throws {
        let one = try Self.reader.get()
        let rowReaders = try ShippedModel.loadRowReaders().map(\.network)
        let copies = NumberReader(
            model: try ShippedModel.load().model, verifier: try ShippedModel.loadVerifier().model, cutScorer: nil,
            rowReaders: rowReaders + rowReaders)
        for sample in try ReadingSets.fixtures().samples(.touching, count: 4) {
            let (a, b) = (try one.read(sample.image), try copies.read(sample.image))
            #expect(a.text == b.text)
            for (left, right) in zip(a.rows.flatMap(\.digits), b.rows.flatMap(\.digits)) {
                #expect(left.box == right.box)
                for (p, q) in zip(left.classification.probabilities, right.classification.probabilities) {
                    #expect(abs(p - q) < 1e-5)
                }
            }
        }
    }

    @Test("reading each row a second time shifted a pixel gets no more of the bundled touching rows' digits wrong")
    func shiftedViewsReadAsWell() throws {
        var settings = try Self.reader.get().settings
        settings.rowReaderViews = 1
        var oneView = try Self.reader.get()
        oneView.settings = settings
        settings.rowReaderViews = 2
        var twoViews = oneView
        twoViews.settings = settings
        var (one, two) = (ReadingScore(), ReadingScore())
        for sample in try ReadingSets.fixtures().samples(.touching, count: 12) {
            one.add(expected: sample.text, read: try oneView.read(sample.image).text)
            let reading = try twoViews.read(sample.image)
            two.add(expected: sample.text, read: reading.text)
            for digit in reading.rows.flatMap(\.digits) {
                #expect(abs(digit.classification.probabilities.reduce(0, +) - 1) < 1e-4)
            }
        }
        #expect(two.digitErrors <= one.digitErrors)
    }

    @Test(
        "with the row reader, the bundled touching rows are read whole more often and with fewer digits wrong",
        .onlyOptimized)
    func touchingRowsReadBetter() throws {
        var byInk = ReadingScore()
        var whole = ReadingScore()
        for sample in try ReadingSets.fixtures().samples(.touching, count: 40) {
            byInk.add(expected: sample.text, read: try Self.readerByInk.get().read(sample.image).text)
            whole.add(expected: sample.text, read: try Self.reader.get().read(sample.image).text)
        }
        #expect(whole.wholeAccuracy >= byInk.wholeAccuracy + 0.1)
        #expect(2 * whole.digitErrors <= byInk.digitErrors)
    }
}
