/// Turns a picture of one handwritten digit into the 28×28 input an MNIST-trained model expects.
///
/// MNIST digits were made from scanned, black-and-white handwriting: each digit was scaled to fit
/// a 20×20 box keeping its aspect ratio (the anti-aliasing of that scaling gives the gray edges),
/// then placed in a 28×28 field so that its centre of mass sits at the centre. The values are
/// ink: 0 is background, 255 full ink. A model trained on them only does well on inputs made the
/// same way, so `normalize(_:)` repeats those steps on an arbitrary picture:
///
/// 1. **Ink map.** Decide what is ink and how much, as a value in `0...1` per pixel.
///    - A picture that is mostly transparent (a drawing exported from a canvas or a layer) has its
///      ink in the opacity: ink = alpha. This works whatever the ink colour — dark ink and white
///      ink on a transparent canvas both read correctly, and anti-aliased edges (partial alpha)
///      become partial ink.
///    - A mostly opaque picture with some transparent parts (a page with transparent margins or
///      holes) is first flattened onto its own paper colour, the median gray of its opaque pixels,
///      so that what shows through reads as paper; then it is treated like any opaque picture.
///    - Otherwise ink is read from brightness. The background level is the median of a band
///      along the picture's edges (digits are drawn in the middle, and a median ignores strokes
///      that touch the edge). Ink is on the side of the background that reaches further: dark
///      marks on paper give `background − gray`, light marks on a dark board `gray − background`
///      (when both reach equally far, a light background means dark ink). The edge band's median
///      absolute deviation measures noise (paper grain, sensor noise); differences up to a few
///      times that (the noise floor) are not ink, and ink rises from nothing at the floor to its
///      own proportion at twice the floor. Finally the contrast is stretched so the strongest ink
///      is 1: photos and scans have gray paper and gray ink, MNIST has 0 and 255.
///    - A picture whose strongest ink differs from the background by less than `minimumContrast`
///      of full scale (after the noise floor) has no ink.
///
///    Because every one of these is a function of one 8-bit level, the ink map is a 256-entry
///    table over an 8-bit plane, so no per-pixel floating-point image is ever stored.
///
/// 2. **Crop.** Find the bounding box of the ink, counting only pixels above `cropThreshold` of
///    full ink so faint noise does not widen it. A small isolated mark (a speck of dust, a stray
///    dot) is left out: along each axis, an outermost group of ink rows or columns is dropped if
///    it holds less than `speckMassFraction` of the ink and is separated from the rest by an
///    empty gap of at least `speckGapFraction` of the rest's extent. The box is then held to one
///    pixel around the digit's body, the ink above `bodyThreshold`: a small scan blurred by a
///    pixel fades out over two or three, and a box drawn around that fade would make the digit
///    too small.
///
/// 3. **Scale.** Resize the box so its longer side is 20 pixels, keeping the aspect ratio (a
///    10×40 stroke becomes 5×20), by area-averaging: each output pixel is the exact average of the
///    source area it covers. A large picture is reduced in two exact steps, first to 80 pixels
///    (four times the box), where strokes are measured: MNIST's strokes are about 2 pixels wide
///    in the 20-pixel box, while a digit drawn with a fine pen, or photographed large, would
///    shrink to a faint hairline. If the strokes would end up thinner than `minimumStrokeWidth`,
///    they are made solid and thickened (dilated) just enough at that resolution; if wider than
///    `maximumStrokeWidth` (a broad pen or a marker, whose strokes fill the digit's loops), they
///    are worn down (eroded) to `thinnedStrokeWidth`. Finally the result is stretched so its
///    strongest pixel is 1, as every MNIST digit reaches full ink.
///
/// 4. **Centre.** Compute the centre of mass of the 20-pixel digit (pixel centres at whole
///    coordinates, MNIST's convention) and paste the digit into the 28×28 canvas at the whole-pixel
///    offset that brings that point closest to (14, 14). A digit whose mass is far off-centre is
///    held inside the canvas rather than cut.
///
/// An MNIST digit fed back in comes out practically unchanged: its box already has a longer side
/// of 20 (so scaling is the identity, and none of its strokes is thin enough to be thickened at
/// that size, and almost none wide enough to be thinned) and its centre of mass already rounds to
/// (14, 14).
public struct DigitNormalizer: Sendable {
    /// Side of the box the digit is scaled into, in pixels (MNIST's 20).
    public static let boxSide = 20
    /// Longer side of the intermediate image where strokes are measured and thickened (4 × `boxSide`).
    static let workingSide = 80

    /// Ink at or below this fraction of the strongest ink does not count towards the bounding box.
    /// MNIST's own faintest edge pixels sit above it, so MNIST boxes are kept whole.
    public var cropThreshold: Float = 0.1
    /// Ink above this fraction of the strongest is the digit's body, as the two-level scans MNIST
    /// was made from had it. The box reaches at most one pixel past the body on each side — the
    /// anti-aliasing of a sharp edge — so the halo of a blurred picture, and noise lifting it, do
    /// not make the box larger than the digit.
    public var bodyThreshold: Float = 0.5
    /// The smallest difference from the background, as a fraction of full scale (0.05 ≈ 13 of 255
    /// levels), that counts as ink at all; anything fainter is read as a blank picture.
    public var minimumContrast: Float = 0.05
    /// The noise floor, in median absolute deviations of the edge band (4 is about 2.7 standard
    /// deviations of Gaussian noise): differences from the background up to it are not ink.
    public var noiseFloorDeviations: Float = 4
    /// An isolated outer group of ink holding less than this fraction of all ink may be a speck.
    public var speckMassFraction: Float = 0.05
    /// …and is one if the empty gap before it is at least this fraction of the remaining ink's extent.
    public var speckGapFraction: Float = 0.1
    /// The thinnest strokes the digit may have, in pixels of the 20-pixel box, measured as ink area
    /// over half the outline length at four times that resolution. With 2, hairlines from a fine
    /// pen or a large photo come out about as thick as a typical MNIST stroke.
    public var minimumStrokeWidth: Float = 2
    /// The widest strokes the digit may have, measured as `minimumStrokeWidth` is: wider ones (a
    /// broad pen, a marker, a bold face) are worn down to `thinnedStrokeWidth`. MNIST's strokes
    /// measure 1.9 at the median and 3.7 at the 99th percentile, so with 4 (and `thinned` leaving
    /// changes under a pixel alone) 3 of its 10,000 test digits fed back in are thinned.
    public var maximumStrokeWidth: Float = 4
    /// The width broad strokes are worn down to: a bold MNIST stroke (its 95th percentile is 2.9).
    public var thinnedStrokeWidth: Float = 3

    /// A normaliser with the default settings described on each property.
    public init() {}

    /// The 28×28 MNIST-style version of `image`; `inkFound` is false (and every pixel 0) when the
    /// image holds no ink.
    public func normalize(_ image: GrayAlphaImage) -> NormalizedDigit {
        normalize(inkMap(of: image), holdingToBody: true)
    }

    /// Steps 2 to 4 on an ink map already made: the 28×28 version of the ink in `ink`.
    ///
    /// A reader of several digits finds the ink of the whole picture once, then normalises each
    /// digit's part of it (with the other digits' ink blanked) as a one-digit picture is — except
    /// that the box is not held to the body (`holdingToBody` false): a part cut out of a row has
    /// edges made by the cut, where the faint ink is the digit's, not a blur's.
    package func normalize(_ ink: InkMap, holdingToBody: Bool) -> NormalizedDigit {
        guard ink.found, let bounds = inkBounds(of: ink, holdingToBody: holdingToBody) else {
            return NormalizedDigit(
                pixels: [Float](repeating: 0, count: NormalizedDigit.side * NormalizedDigit.side),
                inkFound: false, inkSource: ink.source, inkBounds: nil)
        }
        let digit = scaledToBox(ink, region: bounds)
        return NormalizedDigit(
            pixels: centredOnCanvas(digit), inkFound: true, inkSource: ink.source, inkBounds: bounds)
    }
}

// MARK: - Step 1: the ink map

extension DigitNormalizer {
    /// Chooses the channel that carries the ink and builds its level table (step 1).
    package func inkMap(of image: GrayAlphaImage) -> InkMap {
        let band = max(1, min(image.width, image.height) / 32)
        func border(_ plane: [UInt8]) -> LevelHistogram {
            LevelHistogram(borderOf: plane, width: image.width, height: image.height, thickness: band)
        }
        func map(_ plane: [UInt8], levels: LevelHistogram, border: LevelHistogram, source: InkSource?) -> InkMap {
            inkMap(
                plane: plane, width: image.width, height: image.height, levels: levels, border: border,
                forcedSource: source)
        }

        // Uniform opacity (most pictures are fully opaque) carries no information: read brightness.
        let firstAlpha = image.alpha.first ?? 255
        if image.alpha.allSatisfy({ $0 == firstAlpha }) {
            return map(image.gray, levels: LevelHistogram(image.gray), border: border(image.gray), source: nil)
        }
        let alphaLevels = LevelHistogram(image.alpha)
        let opaqueCount = alphaLevels.counts[128...].reduce(0, +)
        if 2 * opaqueCount < image.pixelCount {
            // Mostly transparent: a drawing on a transparent canvas, whatever is opaque was drawn.
            return map(image.alpha, levels: alphaLevels, border: border(image.alpha), source: .opacity)
        }
        // Mostly opaque with transparent parts: what shows through is paper, so flatten onto the
        // paper colour and read brightness. Should that find nothing (a bold digit filling most
        // of a transparent canvas), the opacity is all there is to go by.
        let flattened = Self.flatten(image, onto: Self.medianOpaqueGray(of: image))
        let fromBrightness = map(flattened, levels: LevelHistogram(flattened), border: border(flattened), source: nil)
        if fromBrightness.found {
            return fromBrightness
        }
        return map(image.alpha, levels: alphaLevels, border: border(image.alpha), source: .opacity)
    }

    /// Builds the level table of one plane: background, noise floor, polarity, contrast stretch.
    ///
    /// `forcedSource` is `.opacity` for an alpha plane, where more opaque always means more ink;
    /// nil lets the plane's levels decide between dark-on-light and light-on-dark.
    private func inkMap(
        plane: [UInt8], width: Int, height: Int, levels: LevelHistogram, border: LevelHistogram,
        forcedSource: InkSource?
    ) -> InkMap {
        let background = border.median
        let noiseFloor = Float(border.medianAbsoluteDeviation(from: background)) * noiseFloorDeviations
        let darkReach = background - levels.lowest
        let lightReach = levels.highest - background
        let source: InkSource
        if let forcedSource {
            source = forcedSource
        } else if darkReach != lightReach {
            source = darkReach > lightReach ? .darkOnLight : .lightOnDark
        } else {
            source = background >= 128 ? .darkOnLight : .lightOnDark
        }
        let inkIsDarker = source == .darkOnLight
        // The strongest ink, above the noise floor, in levels; it will map to 1.
        let strongest = Float(inkIsDarker ? darkReach : lightReach) - noiseFloor
        var table = [Float](repeating: 0, count: 256)
        let found = strongest >= minimumContrast * 255 && !plane.isEmpty
        if found {
            for level in 0 ..< 256 {
                let difference = Float(inkIsDarker ? background - level : level - background)
                table[level] = Self.ink(difference: difference, noiseFloor: noiseFloor, reach: strongest + noiseFloor)
            }
        }
        return InkMap(width: width, height: height, plane: plane, table: table, source: source, found: found)
    }

    /// The ink of a pixel `difference` levels from the background on the ink's side, when the
    /// strongest ink is `reach` levels from it and noise reaches `noiseFloor`: 0 up to the floor,
    /// in proportion to the difference from twice the floor on, with a straight ramp between,
    /// scaled so the strongest ink is 1.
    ///
    /// Subtracting the floor from every level instead would dim all ink by the same amount, which
    /// wears away the soft edges of a blurred stroke — in a small noisy scan, enough to change
    /// the digit's shape. Above the knee the ink keeps its own proportion.
    static func ink(difference: Float, noiseFloor: Float, reach: Float) -> Float {
        func knee(_ difference: Float) -> Float { min(difference, 2 * (difference - noiseFloor)) }
        guard difference > noiseFloor else { return 0 }
        return min(1, knee(difference) / knee(reach))
    }

    /// The median gray of the pixels that are at least half opaque: the colour of the paper.
    static func medianOpaqueGray(of image: GrayAlphaImage) -> Int {
        var counts = [Int](repeating: 0, count: 256)
        var total = 0
        for index in 0 ..< image.pixelCount where image.alpha[index] >= 128 {
            counts[Int(image.gray[index])] += 1
            total += 1
        }
        var seen = 0
        for (level, count) in counts.enumerated() {
            seen += count
            if 2 * seen >= total && seen > 0 {
                return level
            }
        }
        return 255
    }

    /// The gray plane as it would look composited over a uniform `background` level (straight alpha).
    package static func flatten(_ image: GrayAlphaImage, onto background: Int) -> [UInt8] {
        var flattened = [UInt8](repeating: 0, count: image.pixelCount)
        for index in 0 ..< image.pixelCount {
            let alpha = Int(image.alpha[index])
            flattened[index] = UInt8((Int(image.gray[index]) * alpha + background * (255 - alpha) + 127) / 255)
        }
        return flattened
    }
}

// MARK: - Step 2: cropping to the ink

extension DigitNormalizer {
    /// The region holding the digit, specks left out and, `holdingToBody`, reaching at most a pixel
    /// past the digit's body (step 2); nil when nothing passes the threshold.
    func inkBounds(of ink: InkMap, holdingToBody: Bool) -> PixelBox? {
        let (all, body) = profiles(of: ink, withBody: holdingToBody)
        guard var rows = keptSpan(of: all.rows), var columns = keptSpan(of: all.columns) else {
            return nil
        }
        if let body, let bodyRows = keptSpan(of: body.rows), let bodyColumns = keptSpan(of: body.columns) {
            func held(_ span: Range<Int>, around core: Range<Int>) -> Range<Int> {
                let lower = max(span.lowerBound, min(core.lowerBound - 1, span.upperBound - 1))
                return lower ..< max(lower + 1, min(span.upperBound, core.upperBound + 1))
            }
            rows = held(rows, around: bodyRows)
            columns = held(columns, around: bodyColumns)
        }
        return PixelBox(x: columns.lowerBound, y: rows.lowerBound, width: columns.count, height: rows.count)
    }

    /// The ink of each row and of each column of a picture.
    struct Profile {
        var rows: [Float]
        var columns: [Float]

        init(width: Int, height: Int) {
            rows = [Float](repeating: 0, count: height)
            columns = [Float](repeating: 0, count: width)
        }
    }

    /// The ink in each row and column, counting pixels above `cropThreshold`, and `withBody` the
    /// same for the body (pixels above `bodyThreshold`), in one pass over the picture.
    func profiles(of ink: InkMap, withBody: Bool) -> (all: Profile, body: Profile?) {
        let counted = ink.table.map { $0 > cropThreshold ? $0 : 0 }
        let bodyCounted = ink.table.map { $0 > bodyThreshold ? $0 : 0 }
        var all = Profile(width: ink.width, height: ink.height)
        var body = all
        ink.plane.withUnsafeBufferPointer { plane in
            all.columns.withUnsafeMutableBufferPointer { columns in
                body.columns.withUnsafeMutableBufferPointer { bodyColumns in
                    for y in 0 ..< ink.height {
                        var sum: Float = 0, bodySum: Float = 0
                        let row = y * ink.width
                        for x in 0 ..< ink.width {
                            let level = Int(plane[row + x])
                            let value = counted[level]
                            // Most of a picture is paper: skip it without touching the profiles.
                            guard value > 0 else { continue }
                            sum += value
                            columns[x] += value
                            if withBody {
                                bodySum += bodyCounted[level]
                                bodyColumns[x] += bodyCounted[level]
                            }
                        }
                        all.rows[y] = sum
                        body.rows[y] = bodySum
                    }
                }
            }
        }
        return (all, withBody ? body : nil)
    }

    /// The span of a row or column ink profile that holds the digit: from the first to the last
    /// group of non-empty entries, after dropping outer groups that are specks.
    func keptSpan(of profile: [Float]) -> Range<Int>? {
        // Groups of consecutive non-empty entries, with their ink.
        var groups: [(span: Range<Int>, mass: Float)] = []
        var start: Int?
        var mass: Float = 0
        for (index, value) in profile.enumerated() {
            if value > 0 {
                if start == nil { start = index; mass = 0 }
                mass += value
            } else if let groupStart = start {
                groups.append((groupStart ..< index, mass))
                start = nil
            }
        }
        if let groupStart = start {
            groups.append((groupStart ..< profile.count, mass))
        }
        guard !groups.isEmpty else { return nil }

        let total = groups.reduce(0) { $0 + $1.mass }
        func isSpeck(_ group: (span: Range<Int>, mass: Float), gap: Int, restExtent: Int) -> Bool {
            group.mass < speckMassFraction * total && Float(gap) >= speckGapFraction * Float(restExtent)
        }
        while groups.count > 1 {
            let first = groups[0], second = groups[1]
            let last = groups[groups.count - 1], beforeLast = groups[groups.count - 2]
            let firstIsSpeck = isSpeck(
                first, gap: second.span.lowerBound - first.span.upperBound,
                restExtent: last.span.upperBound - second.span.lowerBound)
            let lastIsSpeck = isSpeck(
                last, gap: last.span.lowerBound - beforeLast.span.upperBound,
                restExtent: beforeLast.span.upperBound - first.span.lowerBound)
            if firstIsSpeck && (!lastIsSpeck || first.mass <= last.mass) {
                groups.removeFirst()
            } else if lastIsSpeck {
                groups.removeLast()
            } else {
                break
            }
        }
        return groups[0].span.lowerBound ..< groups[groups.count - 1].span.upperBound
    }
}

// MARK: - Step 3: scaling into the 20×20 box

extension DigitNormalizer {
    /// Area-averages `region` of the ink map so its longer side becomes `boxSide`, thickening
    /// hairlines on the way, then stretches the result so its strongest pixel is 1 (step 3).
    func scaledToBox(_ ink: InkMap, region: PixelBox) -> InkImage {
        let longer = max(region.width, region.height)
        let working = reduced(ink, region: region, scale: min(1, Double(Self.workingSide) / Double(longer)))
        let stroked = withStrokesAdjusted(working)
        var digit = stroked.resampled(scale: Double(Self.boxSide) / Double(max(stroked.width, stroked.height)))
        digit.stretchPeakToOne()
        return digit
    }

    /// `region` of the ink map resized by `scale`: the one pass over the full-size picture, reading
    /// ink through the level table as it goes.
    func reduced(_ ink: InkMap, region: PixelBox, scale: Double) -> InkImage {
        ink.resampled(
            region, columns: AreaResampling(sourceCount: region.width, scale: scale),
            rows: AreaResampling(sourceCount: region.height, scale: scale))
    }

    /// The working image with its strokes measured once and, when they would end up too thin or
    /// too wide in the box, thickened or thinned (see `thickened` and `thinned`); otherwise
    /// unchanged.
    func withStrokesAdjusted(_ image: InkImage) -> InkImage {
        guard let width = image.strokeWidth() else { return image }
        let finalWidth = width * Double(Self.boxSide) / Double(max(image.width, image.height))
        if finalWidth < Double(minimumStrokeWidth) { return thickened(image, strokeWidth: width) }
        if finalWidth > Double(maximumStrokeWidth) { return thinned(image, strokeWidth: width) }
        return image
    }

    /// The working image, whose strokes measure `width` working pixels, with hairline strokes
    /// redrawn `minimumStrokeWidth` wide (in final pixels); unchanged when that would take a
    /// change under a working pixel.
    ///
    /// A stroke much thinner than a working pixel is not faint ink: its pixels are gray only
    /// because the stroke covers part of each. So hairlines are first made solid — every pixel
    /// holding at least a quarter of the strongest ink becomes full ink, as in the bilevel scans
    /// MNIST was made from — and then dilated by a disc. Dilating by a radius r widens each stroke
    /// by 2r and the digit by 2r too, so with stroke width w and longer side L (working pixels) the
    /// final width is (w + 2r) · 20 / (L + 2r); setting that to the minimum m gives
    /// r = (m·L − 20·w) / (2·20 − 2·m).
    func thickened(_ image: InkImage, strokeWidth width: Double) -> InkImage {
        let longer = Double(max(image.width, image.height))
        func radius(forStrokeWidth width: Double) -> Double {
            let minimum = Double(minimumStrokeWidth)
            let box = Double(Self.boxSide)
            return (minimum * longer - box * width) / (2 * box - 2 * minimum)
        }
        // Strokes that would need a disc under one working pixel are close enough to the minimum
        // and left alone. At MNIST's own size (a working pixel is a final pixel) that leaves every
        // MNIST digit untouched: even the thinnest measure 0.76, needing a radius of only 0.69.
        guard radius(forStrokeWidth: width) >= 1, let peak = image.values.max()
        else {
            return image
        }
        let solid = InkImage(
            width: image.width, height: image.height,
            values: image.values.map { $0 >= peak / 4 ? 1 : 0 })
        let solidRadius = radius(forStrokeWidth: solid.strokeWidth() ?? 0)
        return solidRadius > 0 ? solid.dilated(radius: solidRadius) : solid
    }

    /// The working image, whose strokes measure `width` working pixels (wider than
    /// `maximumStrokeWidth` once in the box), with them worn down to `thinnedStrokeWidth`.
    ///
    /// A marker, a broad nib or a bold face draws strokes two or three times MNIST's, which fill
    /// a digit's loops and gaps until it reads as another. Eroding by a disc of radius r narrows
    /// each stroke by 2r and the digit by 2r too, so with stroke width w and longer side L
    /// (working pixels) the final width is (w − 2r) · 20 / (L − 2r); setting that to the target t
    /// gives r = (20·w − t·L) / (2·20 − 2·t).
    func thinned(_ image: InkImage, strokeWidth width: Double) -> InkImage {
        let longer = Double(max(image.width, image.height))
        let box = Double(Self.boxSide)
        let target = Double(thinnedStrokeWidth)
        let radius = (box * width - target * longer) / (2 * box - 2 * target)
        // As in `thickened`, a change under one working pixel is left alone: in a small picture
        // (a pixel of it is several of the box's) wearing a pixel off each side would take half
        // of every stroke.
        guard radius >= 1 else { return image }
        // The digit shrinks with its strokes: crop it, so that it fills the box again.
        let worn = image.eroded(radius: radius).trimmed()
        // Strokes this wide survive the erosion; should nothing, keep what there was.
        return (worn.values.max() ?? 0) > 0 ? worn : image
    }
}

// MARK: - Step 4: centring by centre of mass

extension DigitNormalizer {
    /// The scaled digit pasted into a blank 28×28 canvas with its centre of mass at (14, 14),
    /// to the nearest whole pixel, and kept inside the canvas (step 4).
    func centredOnCanvas(_ digit: InkImage) -> [Float] {
        let side = NormalizedDigit.side
        var mass = 0.0, momentX = 0.0, momentY = 0.0
        for y in 0 ..< digit.height {
            for x in 0 ..< digit.width {
                let value = Double(digit.values[y * digit.width + x])
                mass += value
                momentX += value * Double(x)
                momentY += value * Double(y)
            }
        }
        let centre = Double(side / 2)
        func offset(moment: Double, extent: Int) -> Int {
            let wanted = mass > 0 ? Int((centre - moment / mass).rounded()) : (side - extent) / 2
            return min(max(wanted, 0), side - extent)
        }
        let left = offset(moment: momentX, extent: digit.width)
        let top = offset(moment: momentY, extent: digit.height)

        var canvas = [Float](repeating: 0, count: side * side)
        for y in 0 ..< digit.height {
            for x in 0 ..< digit.width {
                canvas[(top + y) * side + left + x] = digit.values[y * digit.width + x]
            }
        }
        return canvas
    }
}
