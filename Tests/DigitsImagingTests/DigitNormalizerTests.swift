import Foundation
import Testing
import DigitsKit
@testable import DigitsImaging

@Suite struct DigitNormalizerTests {
    typealias Support = ImagingTestSupport
    let normalizer = DigitNormalizer()

    /// Columns and rows of the 28×28 result that hold any ink.
    static func inkExtent(_ digit: NormalizedDigit) -> (columns: ClosedRange<Int>, rows: ClosedRange<Int>)? {
        let inked = (0 ..< 784).filter { digit.pixels[$0] > 0 }
        guard let first = inked.first else { return nil }
        var columns = (first % 28) ... (first % 28)
        var rows = (first / 28) ... (first / 28)
        for index in inked {
            columns = min(columns.lowerBound, index % 28) ... max(columns.upperBound, index % 28)
            rows = min(rows.lowerBound, index / 28) ... max(rows.upperBound, index / 28)
        }
        return (columns, rows)
    }

    /// The centre of mass of the result in pixel-index coordinates.
    static func centreOfMass(_ digit: NormalizedDigit) -> (x: Double, y: Double) {
        var mass = 0.0, x = 0.0, y = 0.0
        for index in 0 ..< 784 {
            let value = Double(digit.pixels[index])
            mass += value
            x += value * Double(index % 28)
            y += value * Double(index / 28)
        }
        return (x / mass, y / mass)
    }

    static func largestDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    /// A ring ("0") centred in a `side × side` picture, thick enough to survive any reduction.
    static func isOnRing(_ x: Int, _ y: Int, side: Int) -> Bool {
        let dx = Double(x) - Double(side) / 2, dy = Double(y) - Double(side) / 2
        let radius = (dx * dx + dy * dy).squareRoot()
        return radius < Double(side) * 0.3 && radius > Double(side) * 0.2
    }

    // MARK: Ink map

    @Test func darkOnLightAndLightOnDarkGiveTheSameDigit() {
        let shape = { (x: Int, y: Int) in Self.isOnRing(x, y, side: 60) || (x >= 28 && x < 32 && y > 40 && y < 58) }
        let dark = Support.drawing(width: 60, height: 60, background: 255, ink: 0, isInk: shape)
        let light = Support.drawing(width: 60, height: 60, background: 0, ink: 255, isInk: shape)

        let fromDark = normalizer.normalize(dark)
        let fromLight = normalizer.normalize(light)
        #expect(fromDark.inkSource == .darkOnLight)
        #expect(fromLight.inkSource == .lightOnDark)
        #expect(fromDark.inkFound && fromLight.inkFound)
        #expect(fromDark.pixels == fromLight.pixels)
    }

    @Test func grayPaperAndGrayInkAreStretchedToFullContrast() {
        // A photo of pencil on paper: neither is black or white.
        let shape = { (x: Int, y: Int) in Self.isOnRing(x, y, side: 80) }
        let photo = Support.drawing(width: 80, height: 80, background: 180, ink: 90, isInk: shape)
        let clean = Support.drawing(width: 80, height: 80, background: 255, ink: 0, isInk: shape)

        let fromPhoto = normalizer.normalize(photo)
        #expect(fromPhoto.pixels.max() == 1)
        #expect(fromPhoto.pixels == normalizer.normalize(clean).pixels)
    }

    @Test func lightInkOnMidGrayIsFoundByWhichSideReachesFurther() {
        // The background is darker than mid-gray, yet the ink is still darker: polarity cannot
        // come from the background's brightness alone.
        let shape = { (x: Int, y: Int) in Self.isOnRing(x, y, side: 60) }
        let dimPhoto = Support.drawing(width: 60, height: 60, background: 110, ink: 20, isInk: shape)
        let chalk = Support.drawing(width: 60, height: 60, background: 140, ink: 250, isInk: shape)

        #expect(normalizer.normalize(dimPhoto).inkSource == .darkOnLight)
        #expect(normalizer.normalize(chalk).inkSource == .lightOnDark)
        #expect(normalizer.normalize(dimPhoto).pixels == normalizer.normalize(chalk).pixels)
    }

    @Test func paperNoiseIsRemovedByTheNoiseFloor() {
        let shape = { (x: Int, y: Int) in Self.isOnRing(x, y, side: 100) }
        var noisy = Support.drawing(width: 100, height: 100, background: 230, ink: 40, isInk: shape)
        for index in noisy.gray.indices where noisy.gray[index] == 230 {
            noisy.gray[index] = UInt8(230 - 6 + Support.scrambled(index, bound: 13))  // ±6 levels of grain
        }
        let clean = Support.drawing(width: 100, height: 100, background: 230, ink: 40, isInk: shape)

        let fromNoisy = normalizer.normalize(noisy)
        let fromClean = normalizer.normalize(clean)
        #expect(fromNoisy.inkBounds == fromClean.inkBounds)
        #expect(Self.largestDifference(fromNoisy.pixels, fromClean.pixels) < 0.05)
        // The background stays exactly zero, as in MNIST.
        #expect(fromNoisy.pixels.filter { $0 > 0 }.count == fromClean.pixels.filter { $0 > 0 }.count)
    }

    @Test func colouredInkOnWhiteIsFound() throws {
        // Red ink on white paper, as RGB; its luminance is about half that of the paper.
        let shape = { (x: Int, y: Int) in Self.isOnRing(x, y, side: 50) }
        var rgb: [UInt8] = []
        for y in 0 ..< 50 {
            for x in 0 ..< 50 {
                rgb += shape(x, y) ? [220, 20, 30] : [255, 255, 255]
            }
        }
        let image = try PNGDecoder.decode(PNGEncoder.encode(pixels: rgb, width: 50, height: 50, layout: .rgb))
        let clean = Support.drawing(width: 50, height: 50, background: 255, ink: 0, isInk: shape)

        let digit = normalizer.normalize(image)
        #expect(digit.inkSource == .darkOnLight)
        #expect(digit.pixels == normalizer.normalize(clean).pixels)
    }

    @Test(arguments: [UInt8(0), 255, 30])
    func inkOnATransparentCanvasIsReadFromOpacityWhateverItsColour(inkGray: UInt8) {
        // Dark, white or coloured ink alike: only where it is opaque matters.
        let side = 64
        var canvas = GrayAlphaImage(width: side, height: side, gray: 0, alpha: 0)
        let reference = Support.drawing(width: side, height: side, background: 0, ink: 255) {
            Self.isOnRing($0, $1, side: side)
        }
        for index in 0 ..< side * side where reference.gray[index] == 255 {
            canvas.gray[index] = inkGray
            canvas.alpha[index] = 255
        }

        let digit = normalizer.normalize(canvas)
        #expect(digit.inkSource == .opacity)
        #expect(digit.pixels == normalizer.normalize(reference).pixels)
    }

    @Test func antiAliasedEdgesOnATransparentCanvasBecomePartialInk() throws {
        // A 20-pixel-tall stroke (so no scaling) whose right edge column is half transparent.
        var canvas = GrayAlphaImage(width: 28, height: 28, gray: 255, alpha: 0)
        for y in 4 ..< 24 {
            for x in 12 ..< 16 {
                canvas.alpha[y * 28 + x] = 255
            }
            canvas.alpha[y * 28 + 16] = 128
        }
        let digit = normalizer.normalize(canvas)
        #expect(digit.inkBounds == PixelBox(x: 12, y: 4, width: 5, height: 20))
        let extent = try #require(Self.inkExtent(digit))
        #expect(extent.columns.count == 5 && extent.rows.count == 20)
        let edgeColumn = extent.columns.upperBound
        for y in extent.rows {
            #expect(digit[edgeColumn - 1, y] == 1)
            #expect(abs(digit[edgeColumn, y] - 128.0 / 255) < 0.001)
        }
    }

    @Test func transparentHolesInAnOpaquePageShowThePage() {
        // A white page with ink, plus a fully transparent patch whose hidden colour is black:
        // the patch must read as page, not ink.
        let shape = { (x: Int, y: Int) in Self.isOnRing(x, y, side: 60) }
        var page = Support.drawing(width: 60, height: 60, background: 255, ink: 0, isInk: shape)
        let clean = page
        for y in 2 ..< 10 {
            for x in 45 ..< 58 {
                page.gray[y * 60 + x] = 0
                page.alpha[y * 60 + x] = 0
            }
        }
        let digit = normalizer.normalize(page)
        #expect(digit.inkSource == .darkOnLight)
        #expect(digit.pixels == normalizer.normalize(clean).pixels)
    }

    @Test func pageWithTransparentMarginsIsReadFromItsBrightness() {
        // A white card with a dark digit, exported with wide transparent margins: the margins are
        // outside the picture, not ink, and not paper-coloured ink either.
        let shape = { (x: Int, y: Int) in Self.isOnRing(x - 20, y - 20, side: 60) }
        var card = Support.drawing(width: 100, height: 100, background: 255, ink: 0, isInk: shape)
        for y in 0 ..< 100 {
            for x in 0 ..< 100 where !(10 ..< 90).contains(x) || !(10 ..< 90).contains(y) {
                card.gray[y * 100 + x] = 0
                card.alpha[y * 100 + x] = 0
            }
        }
        let plain = Support.drawing(width: 100, height: 100, background: 255, ink: 0, isInk: shape)
        let digit = normalizer.normalize(card)
        #expect(digit.inkSource == .darkOnLight)
        #expect(digit.pixels == normalizer.normalize(plain).pixels)
    }

    @Test func boldDigitFillingATransparentCanvasIsReadFromOpacity() {
        // More than half of the canvas is ink, so the picture looks "mostly opaque"; its opaque
        // part is one colour, so brightness shows nothing and the opacity is used after all.
        var canvas = GrayAlphaImage(width: 40, height: 40, gray: 0, alpha: 0)
        for y in 2 ..< 38 {
            for x in 2 ..< 38 where !(14 ..< 26).contains(x) || !(14 ..< 26).contains(y) {
                canvas.gray[y * 40 + x] = 30
                canvas.alpha[y * 40 + x] = 255
            }
        }
        let digit = normalizer.normalize(canvas)
        #expect(digit.inkFound)
        #expect(digit.inkSource == .opacity)
        #expect(digit.inkBounds == PixelBox(x: 2, y: 2, width: 36, height: 36))
    }

    // MARK: Cropping

    @Test func farAwaySpecksAreIgnored() {
        let shape = { (x: Int, y: Int) in x >= 40 && x < 50 && y >= 30 && y < 70 }
        let clean = Support.drawing(width: 200, height: 200, background: 255, ink: 0, isInk: shape)
        // Full-strength dust: one speck beside, one below and one diagonally off.
        let dusty = Support.drawing(width: 200, height: 200, background: 255, ink: 0) { x, y in
            shape(x, y) || (x >= 180 && x < 183 && y >= 50 && y < 52) || (x >= 44 && x < 46 && y == 190)
                || (x == 150 && y == 150)
        }
        let fromDusty = normalizer.normalize(dusty)
        #expect(fromDusty.inkBounds == PixelBox(x: 40, y: 30, width: 10, height: 40))
        #expect(fromDusty.pixels == normalizer.normalize(clean).pixels)
    }

    @Test func faintMarksDoNotWidenTheBox() {
        let shape = { (x: Int, y: Int) in x >= 40 && x < 50 && y >= 30 && y < 70 }
        var smudged = Support.drawing(width: 120, height: 120, background: 255, ink: 0, isInk: shape)
        for x in 5 ..< 115 {
            smudged.gray[100 * 120 + x] = 240  // a faint line, 6% of the ink's strength
        }
        #expect(normalizer.normalize(smudged).inkBounds == PixelBox(x: 40, y: 30, width: 10, height: 40))
    }

    @Test func aBlurredStrokesHaloDoesNotWidenTheBox() {
        // A 10×40 bar, then blurred: each pass of a 5-pixel box filter spreads it 2 pixels further,
        // so after two passes faint ink reaches 4 pixels past the bar on every side.
        let bar = Support.drawing(width: 120, height: 120, background: 255, ink: 0) { x, y in
            x >= 40 && x < 50 && y >= 30 && y < 70
        }
        var levels = bar.gray.map { Double($0) }
        for _ in 0 ..< 2 {
            var rows = levels
            for y in 0 ..< 120 {
                for x in 2 ..< 118 { rows[y * 120 + x] = (-2 ... 2).map { levels[y * 120 + x + $0] }.reduce(0, +) / 5 }
            }
            for y in 2 ..< 118 {
                for x in 0 ..< 120 {
                    levels[y * 120 + x] = (-2 ... 2).map { rows[(y + $0) * 120 + x] }.reduce(0, +) / 5
                }
            }
        }
        let blurred = GrayAlphaImage(width: 120, height: 120, gray: levels.map { UInt8($0.rounded()) })
        // The box is the bar's, give or take the one pixel a sharp edge's anti-aliasing may add.
        let box = try! #require(normalizer.normalize(blurred).inkBounds)
        #expect(abs(box.x - 40) <= 1 && abs(box.y - 30) <= 1, "\(box)")
        #expect(abs(box.width - 10) <= 2 && abs(box.height - 40) <= 2, "\(box)")
        // Without the body rule the faint halo would have widened it.
        var unheld = normalizer
        unheld.bodyThreshold = 0
        let wide = try! #require(unheld.normalize(blurred).inkBounds)
        #expect(wide.width >= 14, "\(wide)")
    }

    @Test func inkRisesFromTheNoiseFloorToItsOwnProportion() {
        // Noise reaches 20 levels, the strongest ink 200.
        func ink(_ difference: Float) -> Float {
            DigitNormalizer.ink(difference: difference, noiseFloor: 20, reach: 200)
        }
        #expect(ink(-5) == 0 && ink(0) == 0 && ink(20) == 0)
        #expect(ink(30) == 0.1)  // half-way up the knee: 2 × (30 − 20) = 20 of 200
        #expect(ink(40) == 0.2 && ink(100) == 0.5)  // from twice the floor on, ink keeps its proportion
        #expect(ink(200) == 1 && ink(230) == 1)
        // With no noise, ink is simply in proportion.
        #expect(DigitNormalizer.ink(difference: 51, noiseFloor: 0, reach: 255) == 0.2)
    }

    @Test func detachedPartsOfADigitAreKept() {
        // A "5" whose top stroke does not touch the body: a big detached part is digit, not dust.
        let fiveLike = Support.drawing(width: 100, height: 100, background: 255, ink: 0) { x, y in
            (y >= 10 && y < 16 && x >= 40 && x < 80)  // the flag
                || (y >= 22 && y < 90 && x >= 30 && x < 38)  // the body's stem
                || (y >= 84 && y < 90 && x >= 30 && x < 70)
        }
        #expect(normalizer.normalize(fiveLike).inkBounds == PixelBox(x: 30, y: 10, width: 50, height: 80))
    }

    @Test func keptSpanDropsOnlySmallDistantGroups() {
        // Profile groups: a speck (mass 1), the digit (mass 100 over 20 entries), a near crumb (mass 1).
        var profile = [Float](repeating: 0, count: 100)
        profile[2] = 1
        for index in 40 ..< 60 { profile[index] = 5 }
        profile[61] = 1
        #expect(normalizer.keptSpan(of: profile) == 40 ..< 62)
        #expect(normalizer.keptSpan(of: [Float](repeating: 0, count: 10)) == nil)
    }

    // MARK: Scaling

    @Test func aspectRatioIsKeptWhenScalingIntoTheBox() throws {
        // A 10×40 bar becomes 5×20: the longer side fills the box, the other scales alike.
        let bar = Support.drawing(width: 100, height: 100, background: 255, ink: 0) { x, y in
            x >= 45 && x < 55 && y >= 30 && y < 70
        }
        let digit = normalizer.normalize(bar)
        let extent = try #require(Self.inkExtent(digit))
        #expect(extent.columns.count == 5)
        #expect(extent.rows.count == 20)
        #expect(digit.pixels.filter { $0 > 0 }.allSatisfy { $0 == 1 })
        #expect(digit.pixels.filter { $0 > 0 }.count == 100)
    }

    @Test func areaAveragingWeighsEachSourcePixelByItsCoverage() {
        // 3 pixels onto 2: output 0 covers source 0 and half of source 1.
        let threeToTwo = AreaResampling(sourceCount: 3, scale: 2.0 / 3)
        #expect(threeToTwo.outputCount == 2)
        let weights = threeToTwo.contributions.map { [$0.source, $0.target, Int(($0.weight * 1000).rounded())] }
        #expect(weights == [[0, 0, 667], [1, 0, 333], [1, 1, 333], [2, 1, 667]])

        // Identity at scale 1, and a partial last pixel when the extent is not whole.
        let identity = AreaResampling(sourceCount: 20, scale: 1)
        #expect(identity.contributions.allSatisfy { $0.source == $0.target && $0.weight == 1 })
        let partial = AreaResampling(sourceCount: 5, scale: 0.5)  // 2.5 output pixels
        #expect(partial.outputCount == 3)
        #expect(partial.contributions.filter { $0.target == 2 }.map(\.weight) == [0.5])
    }

    @Test(arguments: [1.0, 2.0, 6.0])
    func fourDrawnWithAFinePenNormalisesLikeOneDrawnWithABrush(pen: Double) {
        // The same "4" on a 500-pixel canvas, drawn with a hairline pen and with a 40-pixel brush
        // (2 pixels once scaled, a typical MNIST stroke). Without thickening the fine one would
        // shrink to a faint tenth-of-a-pixel trace.
        let four: [((Double, Double), (Double, Double))] = [
            ((300, 60), (120, 330)), ((120, 330), (380, 330)),
            ((300, 60), (300, 460)),
        ]
        let fine = normalizer.normalize(Support.penDrawing(side: 500, pen: pen, segments: four))
        let brush = normalizer.normalize(Support.penDrawing(side: 500, pen: 40, segments: four))

        let meanDifference = zip(fine.pixels, brush.pixels).map { abs($0 - $1) }.reduce(0, +) / 784
        #expect(meanDifference < 0.05, "\n\(Support.picture(fine.pixels))\nvs\n\(Support.picture(brush.pixels))")
        // Every stroke is solid: the vertical one (columns 15…16) holds full ink on most rows.
        let solidRows = (0 ..< 28).filter { y in (14 ... 17).contains { fine[$0, y] > 0.9 } }
        #expect(solidRows.count >= 18)
    }

    @Test func hairlineComesOutAsAFullStrengthStroke() throws {
        // A 1-pixel line 200 pixels long would shrink to a tenth of a pixel at 0.1 ink.
        let line = Support.drawing(width: 300, height: 300, background: 255, ink: 0) { x, y in
            x == 150 && y >= 50 && y < 250
        }
        let digit = normalizer.normalize(line)
        let extent = try #require(Self.inkExtent(digit))
        #expect(extent.rows.count == 20)
        let interior = extent.rows.dropFirst().dropLast()
        let solid = interior.allSatisfy { y in extent.columns.contains { digit[$0, y] > 0.99 } }
        #expect(solid, "\n\(Support.picture(digit.pixels))")
        let width = try #require(InkImage(width: 28, height: 28, values: digit.pixels).strokeWidth())
        #expect(width > 1.5 && width < 2.5, "stroke width \(width)")
    }

    @Test func strokesAlreadyWideEnoughAreNotThickened() throws {
        // Four bars in an 80-pixel working image, which the box will shrink by 4: 16-pixel bars
        // end up 4 pixels wide and are left alone; 2-pixel bars would end up half a pixel wide.
        func bars(width barWidth: Int) -> InkImage {
            var values = [Float](repeating: 0, count: 80 * 80)
            for y in 0 ..< 80 {
                for bar in 0 ..< 4 {
                    for x in bar * 20 ..< bar * 20 + barWidth { values[y * 80 + x] = 1 }
                }
            }
            return InkImage(width: 80, height: 80, values: values)
        }
        // Width estimate: area over half the outline, 2 · (16 · 80) / (2 · 80 + 2 · 16) per bar.
        #expect(abs(try #require(bars(width: 16).strokeWidth()) - 2560.0 / 192) < 1e-9)
        #expect(normalizer.withStrokesAdjusted(bars(width: 16)) == bars(width: 16))

        // Thickened so that, measured before the last 4:1 reduction and expressed in final pixels,
        // the strokes are the minimum width.
        let thickened = normalizer.withStrokesAdjusted(bars(width: 2))
        let finalPixelsPerWorkingPixel = 20 / Double(max(thickened.width, thickened.height))
        let width = try #require(thickened.strokeWidth()) * finalPixelsPerWorkingPixel
        // (Within a quarter pixel: the estimate counts the bars' rounded ends as outline too.)
        #expect(abs(width - Double(normalizer.minimumStrokeWidth)) < 0.25, "stroke width \(width)")
    }

    @Test func broadStrokesAreWornDownToTheThinnedWidth() throws {
        // A "#" of four strokes across an 80-pixel working image, which the box will shrink by 4:
        // 18-pixel strokes would end up about 4.5 pixels wide (wider than the maximum), 12-pixel
        // ones 3 and are left alone.
        func hash(strokeWidth: Int) -> InkImage {
            let strokes = [10 ..< 10 + strokeWidth, 52 ..< 52 + strokeWidth]
            var values = [Float](repeating: 0, count: 80 * 80)
            for y in 0 ..< 80 {
                for x in 0 ..< 80 where strokes.contains(where: { $0.contains(x) || $0.contains(y) }) {
                    values[y * 80 + x] = 1
                }
            }
            return InkImage(width: 80, height: 80, values: values)
        }
        #expect(normalizer.withStrokesAdjusted(hash(strokeWidth: 12)) == hash(strokeWidth: 12))

        let broad = hash(strokeWidth: 18)
        #expect(try #require(broad.strokeWidth()) * 20 / 80 > Double(normalizer.maximumStrokeWidth))
        let thinned = normalizer.withStrokesAdjusted(broad)
        // The worn digit is cropped to its ink, so it still fills the box once scaled.
        #expect(thinned.width < 80 && thinned.height < 80)
        let finalPixelsPerWorkingPixel = 20 / Double(max(thinned.width, thinned.height))
        let width = try #require(thinned.strokeWidth()) * finalPixelsPerWorkingPixel
        #expect(abs(width - Double(normalizer.thinnedStrokeWidth)) < 0.35, "stroke width \(width)")
    }

    @Test("dilation gives each pixel the strongest ink within its disc, the weight of the disc's edge applied")
    func dilationMatchesGatheringOverTheDisc() {
        var generator = SplitMix64(seed: 3)
        let (width, height) = (17, 13)
        // Sparse gray ink, so that discs overlap and the strongest must win.
        let values = (0 ..< width * height).map { _ in
            generator.next() % 4 == 0 ? Float(generator.next() % 256) / 255 : 0
        }
        let image = InkImage(width: width, height: height, values: values)
        for radius in [0.6, 1.5, 2.3] {
            let grown = image.dilated(radius: radius)
            let (reach, offsets) = InkImage.disc(radius: radius)
            #expect(grown.width == width + 2 * reach && grown.height == height + 2 * reach)
            for y in 0 ..< grown.height {
                for x in 0 ..< grown.width {
                    var strongest: Float = 0
                    for offset in offsets {
                        let (sourceX, sourceY) = (x - reach + offset.dx, y - reach + offset.dy)
                        guard sourceX >= 0 && sourceX < width && sourceY >= 0 && sourceY < height else { continue }
                        strongest = max(strongest, values[sourceY * width + sourceX] * offset.weight)
                    }
                    #expect(grown.values[y * grown.width + x] == strongest, "(\(x), \(y)) radius \(radius)")
                }
            }
        }
    }

    @Test func erosionKeepsOnlyInkWhoseWholeDiscIsInk() throws {
        // A seeded random blob: each pixel is full ink where every pixel within `radius` + 1 is ink,
        // blank where some paper (or the outside) lies within `radius`, and partial in between.
        var generator = SplitMix64(seed: 7)
        let (width, height) = (24, 20)
        let values = (0 ..< width * height).map { index -> Float in
            let (x, y) = (index % width, index / width)
            let inBlob = (x - 12) * (x - 12) + (y - 10) * (y - 10) < 64
            return inBlob || generator.next() % 5 == 0 ? 1 : 0
        }
        let image = InkImage(width: width, height: height, values: values)
        for radius in [1.0, 2.0] {
            let worn = image.eroded(radius: radius)
            #expect(worn.width == width && worn.height == height)
            for y in 0 ..< height {
                for x in 0 ..< width {
                    var nearestPaper = Double.infinity
                    for sy in y - 4 ... y + 4 {
                        for sx in x - 4 ... x + 4 {
                            let inside = sx >= 0 && sx < width && sy >= 0 && sy < height
                            if !inside || values[sy * width + sx] == 0 {
                                let distance = Double((sx - x) * (sx - x) + (sy - y) * (sy - y)).squareRoot()
                                nearestPaper = min(nearestPaper, distance)
                            }
                        }
                    }
                    let value = worn.values[y * width + x]
                    if nearestPaper <= radius {
                        #expect(value == 0, "(\(x), \(y)) radius \(radius)")
                    } else if nearestPaper >= radius + 1 {
                        #expect(value == 1, "(\(x), \(y)) radius \(radius)")
                    } else {
                        #expect(value > 0 && value < 1, "(\(x), \(y)) radius \(radius)")
                    }
                }
            }
        }
    }

    @Test func aFourDrawnWithABroadBrushComesOutWithABoldMNISTStroke() throws {
        // The same "4" with a 110-pixel brush: about 4.5 pixels once scaled, where MNIST's strokes
        // are about 2. Thinned, it comes out near `thinnedStrokeWidth`; left alone, it would not.
        let four: [((Double, Double), (Double, Double))] = [
            ((300, 60), (120, 330)), ((120, 330), (380, 330)),
            ((300, 60), (300, 460)),
        ]
        let picture = Support.penDrawing(side: 500, pen: 110, segments: four)
        func strokeWidth(_ normalizer: DigitNormalizer) throws -> Double {
            try #require(InkImage(width: 28, height: 28, values: normalizer.normalize(picture).pixels).strokeWidth())
        }
        let thinned = try strokeWidth(normalizer)
        #expect(thinned > 2.5 && thinned < 3.5, "stroke width \(thinned)")
        #expect(try strokeWidth(Self.keepingBroadStrokes) > 4.25)
    }

    @Test func twoStepReductionEqualsAOneStepReduction() throws {
        // Reducing to 80 pixels and then by 4 averages exactly the same source areas as reducing
        // straight to 20, when no thickening intervenes.
        let ring = Support.drawing(width: 437, height: 391, background: 255, ink: 0) {
            Self.isOnRing($0, $1, side: 391)
        }
        let ink = normalizer.inkMap(of: ring)
        let region = try #require(normalizer.inkBounds(of: ink, holdingToBody: true))
        var direct = normalizer.reduced(ink, region: region, scale: 20 / Double(max(region.width, region.height)))
        direct.stretchPeakToOne()
        let twoStep = normalizer.scaledToBox(ink, region: region)
        #expect(twoStep.width == direct.width && twoStep.height == direct.height)
        #expect(Self.largestDifference(twoStep.values, direct.values) < 1e-5)
    }

    /// A normaliser that leaves broad strokes as they are, for tests whose solid blocks stand in
    /// for digits: a block is one broad stroke, which `thinned` would wear down (its own tests pin
    /// that), blurring the exact edges these tests check.
    static var keepingBroadStrokes: DigitNormalizer {
        var normalizer = DigitNormalizer()
        normalizer.maximumStrokeWidth = .infinity
        return normalizer
    }

    @Test func smallDigitsAreEnlargedToFillTheBox() throws {
        let tiny = Support.drawing(width: 30, height: 30, background: 255, ink: 0) { x, y in
            x >= 10 && x < 15 && y >= 10 && y < 20
        }
        let extent = try #require(Self.inkExtent(Self.keepingBroadStrokes.normalize(tiny)))
        #expect(extent.columns.count == 10)
        #expect(extent.rows.count == 20)
    }

    // MARK: Centring

    @Test func uniformSquareIsCentredOnTheCanvasCentre() {
        // A full 20×20 square: centre of mass 9.5 → offset round(14 − 9.5) = 5 on both axes.
        let square = Support.drawing(width: 90, height: 70, background: 255, ink: 0) { x, y in
            x >= 13 && x < 53 && y >= 17 && y < 57
        }
        let digit = Self.keepingBroadStrokes.normalize(square)
        for y in 0 ..< 28 {
            for x in 0 ..< 28 {
                #expect(digit[x, y] == ((5 ..< 25).contains(x) && (5 ..< 25).contains(y) ? 1 : 0))
            }
        }
    }

    @Test func centreOfMassNotBoxCentreIsPlacedAtTheCentre() throws {
        // A "T" in a 20×20 box: a 20×4 bar on top (mass 80, mean row 1.5) and a 4×16 stem
        // (mass 64, mean row 11.5). Centre of mass: x = 9.5, y = (80·1.5 + 64·11.5) / 144 = 5.94.
        // Offsets: x round(14 − 9.5) = 5, y round(14 − 5.94) = 8 — the bar lands on rows 8…11.
        let tee = Support.drawing(width: 40, height: 40, background: 0, ink: 255) { x, y in
            let (u, v) = (x - 10, y - 10)
            return (u >= 0 && u < 20 && v >= 0 && v < 4) || (u >= 8 && u < 12 && v >= 4 && v < 20)
        }
        let digit = normalizer.normalize(tee)
        let extent = try #require(Self.inkExtent(digit))
        #expect(extent.columns == 5 ... 24)
        #expect(extent.rows == 8 ... 27)
        #expect((5 ... 24).allSatisfy { digit[$0, 8] == 1 && digit[$0, 11] == 1 })
        #expect(digit[5, 12] == 0 && digit[13, 12] == 1)
        let centre = Self.centreOfMass(digit)
        #expect(abs(centre.x - 14) <= 0.5 && abs(centre.y - 14) <= 0.5)
    }

    @Test func digitWithMassAtOneEdgeIsKeptInsideTheCanvas() throws {
        // Nearly all the mass in the left column of a 20-wide box: centring would push the
        // box's right part off the canvas, so it is held at the edge instead.
        let hook = Support.drawing(width: 60, height: 60, background: 255, ink: 0) { x, y in
            (x >= 10 && x < 14 && y >= 10 && y < 50) || (y == 10 && x >= 14 && x < 50)
        }
        let digit = normalizer.normalize(hook)
        let extent = try #require(Self.inkExtent(digit))
        // Centre of mass ≈ 2.4 in the 20-wide box: centring wants offset 12, which would put
        // columns 28…31 off the canvas; the box is held at offset 8, touching the right edge.
        #expect(extent.columns == 8 ... 27)
    }

    // MARK: Blank pictures

    @Test(arguments: [
        GrayAlphaImage(width: 50, height: 50, gray: 255),
        GrayAlphaImage(width: 50, height: 50, gray: 0),
        GrayAlphaImage(width: 1, height: 1, gray: 128),
        GrayAlphaImage(width: 40, height: 30, gray: 90, alpha: 0),
        GrayAlphaImage(width: 3, height: 300, gray: 17, alpha: 200),
    ])
    func blankPictureGivesZerosAndSaysSo(image: GrayAlphaImage) {
        let digit = normalizer.normalize(image)
        #expect(!digit.inkFound)
        #expect(digit.inkBounds == nil)
        #expect(digit.pixels == [Float](repeating: 0, count: 784))
    }

    @Test func barelyVisibleMarkIsNotInk() {
        // 6 levels of difference (2% of full scale) is below the minimum contrast.
        let ghost = Support.drawing(width: 50, height: 50, background: 200, ink: 194) {
            Self.isOnRing($0, $1, side: 50)
        }
        #expect(!normalizer.normalize(ghost).inkFound)
    }

    // MARK: MNIST round trip and the sample pictures

    /// The source digits of the sample pictures, 28×28 each, cut from `sources-28px.png`.
    static func sourceDigits() throws -> [GrayAlphaImage] {
        let strip = try PNGDecoder.decode(contentsOfFile: Support.fixture("sources-28px.png"))
        return (0 ..< strip.width / 28).map { index in
            var gray: [UInt8] = []
            for y in 0 ..< 28 {
                gray += strip.gray[(y * strip.width + index * 28) ..< (y * strip.width + index * 28 + 28)]
            }
            return GrayAlphaImage(width: 28, height: 28, gray: gray)
        }
    }

    @Test func mnistDigitsComeBackUnchangedThroughPNG() throws {
        let digits = try Self.sourceDigits()
        #expect(digits.count == 7)
        for source in digits {
            // Through the encoder and decoder as well, as a user's saved MNIST image would go.
            let decoded = try PNGDecoder.decode(PNGEncoder.encode(source))
            let digit = normalizer.normalize(decoded)
            let expected = source.gray.map { Float($0) / 255 }
            #expect(digit.inkFound)
            #expect(digit.inkSource == .lightOnDark)
            #expect(Self.largestDifference(digit.pixels, expected) <= 0.1, "\n\(Support.picture(digit.pixels))")
        }
    }

    @Test func syntheticMNISTStyleDigitRoundTrips() {
        // A "1" laid out as MNIST would: rows 4…23 (20 tall), a stem with anti-aliased sides and a
        // base. Centre of mass (13.62, 14.03) already rounds to (14, 14), so nothing may move.
        var gray = [UInt8](repeating: 0, count: 784)
        for y in 4 ..< 23 {
            gray[y * 28 + 12] = 64
            gray[y * 28 + 13] = 255
            gray[y * 28 + 14] = 255
            gray[y * 28 + 15] = 128
        }
        for x in 11 ... 16 {
            gray[23 * 28 + x] = 255
        }
        let digit = normalizer.normalize(GrayAlphaImage(width: 28, height: 28, gray: gray))
        #expect(digit.inkBounds == PixelBox(x: 11, y: 4, width: 6, height: 20))
        #expect(digit.pixels == gray.map { Float($0) / 255 })
    }

    @Test(arguments: [
        ("seven.png", 0), ("three-transparent.png", 1), ("four-off-centre.png", 2), ("two-28px.png", 3),
        ("five-palette.png", 4), ("nine-scan-16bit.png", 5), ("six-chalkboard.png", 6),
    ])
    func samplePictureNormalisesToItsSourceDigit(file: String, sourceIndex: Int) throws {
        let image = try PNGDecoder.decode(contentsOfFile: Support.fixture(file))
        let source = try Self.sourceDigits()[sourceIndex]

        let digit = normalizer.normalize(image)
        let expected = normalizer.normalize(source)
        let meanDifference = zip(digit.pixels, expected.pixels).map { abs($0 - $1) }.reduce(0, +) / 784
        #expect(digit.inkFound)
        #expect(meanDifference < 0.08, "\n\(Support.picture(digit.pixels))\nvs\n\(Support.picture(expected.pixels))")
        let centre = Self.centreOfMass(digit)
        #expect(abs(centre.x - 14) <= 0.5 && abs(centre.y - 14) <= 0.5)
    }

    @Test func sevenSampleIsDarkInkOnWhiteRGBAFewHundredPixelsWide() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Support.fixture("seven.png")))
        #expect(bytes[25] == 2)  // IHDR colour type: RGB
        let image = try PNGDecoder.decode(bytes)
        #expect(image.width >= 200)
        #expect(normalizer.normalize(image).inkSource == .darkOnLight)
    }

    // MARK: Large pictures

    @Test func fiveThousandPixelSquarePictureDecodesAndNormalises() throws {
        let side = 5000
        let ring = Support.drawing(width: side, height: side, background: 250, ink: 20) {
            Self.isOnRing($0, $1, side: side)
        }
        let png = try PNGEncoder.encode(ring)
        let digit = normalizer.normalize(try PNGDecoder.decode(png))

        #expect(digit.inkFound)
        let bounds = try #require(digit.inkBounds)
        #expect(abs(bounds.width - 3000) <= 2 && abs(bounds.height - 3000) <= 2)
        let extent = try #require(Self.inkExtent(digit))
        #expect(extent.columns.count == 20 && extent.rows.count == 20)
        let centre = Self.centreOfMass(digit)
        #expect(abs(centre.x - 14) <= 0.5 && abs(centre.y - 14) <= 0.5)
        // A ring: its middle is empty.
        #expect(digit[14, 14] == 0)
    }
}
