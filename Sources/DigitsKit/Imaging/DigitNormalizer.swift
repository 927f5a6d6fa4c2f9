/// Turns a picture of one handwritten digit into the 28×28 input an MNIST-trained model expects.
///
/// MNIST digits were made from scanned, black-and-white handwriting: each digit was scaled to fit
/// a 20×20 box keeping its aspect ratio (the anti-aliasing of that scaling gives the gray edges),
/// then placed in a 28×28 field so that its centre of mass sits at the centre. The values are
/// ink: 0 is background, 255 full ink. A model trained on them only does well on inputs made the
/// same way, so `normalize(_:)` repeats those steps on an arbitrary picture:
///
/// 1. **Ink map.** Decide what is ink and how much, as a value in `0...1` per pixel.
///    - A picture with real transparency on a transparent background (a canvas export, a layer)
///      has its ink in the opacity: ink = alpha. This works whatever the ink colour — dark ink and
///      white ink on a transparent canvas both read correctly, and anti-aliased edges (partial
///      alpha) become partial ink.
///    - Otherwise ink is read from brightness. The background level is the median of a band
///      along the picture's edges (digits are drawn in the middle, and a median ignores strokes
///      that touch the edge). Ink is on the side of the background that reaches further: dark
///      marks on paper give `background − gray`, light marks on a dark board `gray − background`
///      (when both reach equally far, a light background means dark ink). The edge band's median
///      absolute deviation measures noise (paper grain, sensor noise); a few times that is
///      subtracted as a noise floor. Finally the contrast is stretched so the strongest ink is 1:
///      photos and scans have gray paper and gray ink, MNIST has 0 and 255.
///    - A picture whose edge changes less than `minimumContrast` of full scale has no ink.
///
///    Because every one of these is a function of one 8-bit level, the ink map is a 256-entry
///    table over an 8-bit plane, so no per-pixel floating-point image is ever stored.
///
/// 2. **Crop.** Find the bounding box of the ink, counting only pixels above `cropThreshold` of
///    full ink so faint noise does not widen it. A small isolated mark (a speck of dust, a stray
///    dot) is left out: along each axis, an outermost group of ink rows or columns is dropped if
///    it holds less than `speckMassFraction` of the ink and is separated from the rest by an
///    empty gap of at least `speckGapFraction` of the rest's extent.
///
/// 3. **Scale.** Resize the box so its longer side is 20 pixels, keeping the aspect ratio (a
///    10×40 stroke becomes 5×20), by area-averaging: each output pixel is the exact average of the
///    source area it covers. Shrinking a thin stroke makes it fainter, so the result is stretched
///    again to bring its strongest pixel back to 1, as every MNIST digit reaches full ink.
///
/// 4. **Centre.** Compute the centre of mass of the 20-pixel digit (pixel centres at whole
///    coordinates, MNIST's convention) and paste the digit into the 28×28 canvas at the whole-pixel
///    offset that brings that point closest to (14, 14). A digit whose mass is far off-centre is
///    held inside the canvas rather than cut.
///
/// An MNIST digit fed back in comes out practically unchanged: its box already has a longer side
/// of 20 (so scaling is the identity) and its centre of mass is already at (14, 14).
public struct DigitNormalizer: Sendable {
    /// Side of the box the digit is scaled into, in pixels (MNIST's 20).
    public static let boxSide = 20

    /// Ink at or below this fraction of the strongest ink does not count towards the bounding box.
    /// MNIST's own faintest edge pixels sit above it, so MNIST boxes are kept whole.
    public var cropThreshold: Float = 0.1
    /// The smallest difference from the background, as a fraction of full scale (0.05 ≈ 13 of 255
    /// levels), that counts as ink at all; anything fainter is read as a blank picture.
    public var minimumContrast: Float = 0.05
    /// The noise floor subtracted from ink, in median absolute deviations of the edge band
    /// (4 is about 2.7 standard deviations of Gaussian noise).
    public var noiseFloorDeviations: Float = 4
    /// An isolated outer group of ink holding less than this fraction of all ink may be a speck.
    public var speckMassFraction: Float = 0.05
    /// …and is one if the empty gap before it is at least this fraction of the remaining ink's extent.
    public var speckGapFraction: Float = 0.1

    /// A normaliser with the default settings described on each property.
    public init() {}

    /// The 28×28 MNIST-style version of `image`; `inkFound` is false (and every pixel 0) when the
    /// image holds no ink.
    public func normalize(_ image: GrayAlphaImage) -> NormalizedDigit {
        let ink = inkMap(of: image)
        guard ink.found, let bounds = inkBounds(of: ink) else {
            return NormalizedDigit(
                pixels: [Float](repeating: 0, count: NormalizedDigit.side * NormalizedDigit.side),
                inkFound: false, inkSource: ink.source, inkBounds: nil)
        }
        let digit = scaledToBox(ink, region: bounds)
        return NormalizedDigit(pixels: centredOnCanvas(digit), inkFound: true, inkSource: ink.source, inkBounds: bounds)
    }
}

// MARK: - Step 1: the ink map

/// A picture's ink, as an 8-bit plane and a table from each of its levels to ink in `0...1`.
struct InkMap {
    /// Columns of the plane.
    var width: Int
    /// Rows of the plane.
    var height: Int
    /// The channel the ink is read from (gray or alpha), row after row.
    var plane: [UInt8]
    /// `table[level]` is the ink of a pixel at `level`; 256 entries.
    var table: [Float]
    /// Which channel, and which way round.
    var source: InkSource
    /// False when the picture has no ink; `table` is then all zero.
    var found: Bool
}

extension DigitNormalizer {
    /// Chooses the channel that carries the ink and builds its level table (step 1).
    func inkMap(of image: GrayAlphaImage) -> InkMap {
        let band = max(1, min(image.width, image.height) / 32)
        func border(_ plane: [UInt8]) -> LevelHistogram {
            LevelHistogram(borderOf: plane, width: image.width, height: image.height, thickness: band)
        }
        func map(_ plane: [UInt8], levels: LevelHistogram, border: LevelHistogram, source: InkSource?) -> InkMap {
            inkMap(plane: plane, width: image.width, height: image.height, levels: levels, border: border,
                   forcedSource: source)
        }

        let alphaLevels = LevelHistogram(image.alpha)
        guard alphaLevels.lowest != alphaLevels.highest else {
            return map(image.gray, levels: LevelHistogram(image.gray), border: border(image.gray), source: nil)
        }
        let borderAlpha = border(image.alpha)
        if borderAlpha.median < 128 {
            // Transparent background: whatever is opaque was drawn.
            return map(image.alpha, levels: alphaLevels, border: borderAlpha, source: .opacity)
        }
        // Opaque background with some transparent pixels: what shows through a hole is the
        // background, so flatten onto the background colour and read brightness.
        let flattened = Self.flatten(image, onto: border(image.gray).median)
        return map(flattened, levels: LevelHistogram(flattened), border: border(flattened), source: nil)
    }

    /// Builds the level table of one plane: background, noise floor, polarity, contrast stretch.
    ///
    /// `forcedSource` is `.opacity` for an alpha plane, where more opaque always means more ink;
    /// nil lets the plane's levels decide between dark-on-light and light-on-dark.
    private func inkMap(plane: [UInt8], width: Int, height: Int, levels: LevelHistogram, border: LevelHistogram,
                        forcedSource: InkSource?) -> InkMap {
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
                table[level] = min(1, max(0, (difference - noiseFloor) / strongest))
            }
        }
        return InkMap(width: width, height: height, plane: plane, table: table, source: source, found: found)
    }

    /// The gray plane as it would look composited over a uniform `background` level (straight alpha).
    static func flatten(_ image: GrayAlphaImage, onto background: Int) -> [UInt8] {
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
    /// The region holding the digit, specks left out (step 2); nil when nothing passes the threshold.
    func inkBounds(of ink: InkMap) -> PixelBox? {
        let counted = ink.table.map { $0 > cropThreshold ? $0 : 0 }
        var rowMass = [Float](repeating: 0, count: ink.height)
        var columnMass = [Float](repeating: 0, count: ink.width)
        ink.plane.withUnsafeBufferPointer { plane in
            counted.withUnsafeBufferPointer { counted in
                columnMass.withUnsafeMutableBufferPointer { columnMass in
                    for y in 0 ..< ink.height {
                        var sum: Float = 0
                        let row = y * ink.width
                        for x in 0 ..< ink.width {
                            let value = counted[Int(plane[row + x])]
                            sum += value
                            columnMass[x] += value
                        }
                        rowMass[y] = sum
                    }
                }
            }
        }
        guard let rows = keptSpan(of: rowMass), let columns = keptSpan(of: columnMass) else {
            return nil
        }
        return PixelBox(x: columns.lowerBound, y: rows.lowerBound, width: columns.count, height: rows.count)
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
            let firstIsSpeck = isSpeck(first, gap: second.span.lowerBound - first.span.upperBound,
                                       restExtent: last.span.upperBound - second.span.lowerBound)
            let lastIsSpeck = isSpeck(last, gap: last.span.lowerBound - beforeLast.span.upperBound,
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

/// The digit after scaling: at most 20×20 ink values, row after row.
struct ScaledDigit {
    /// Columns (20 for a wide digit, fewer for a narrow one).
    var width: Int
    /// Rows (20 for a tall digit, fewer for a flat one).
    var height: Int
    /// `width × height` ink values in `0...1`.
    var values: [Float]
}

extension DigitNormalizer {
    /// Area-averages `region` of the ink map so its longer side becomes `boxSide`, then stretches
    /// the result so its strongest pixel is 1 (step 3).
    func scaledToBox(_ ink: InkMap, region: PixelBox) -> ScaledDigit {
        let scale = Double(Self.boxSide) / Double(max(region.width, region.height))
        let columns = AreaResampling(sourceCount: region.width, scale: scale)
        let rows = AreaResampling(sourceCount: region.height, scale: scale)
        let outputWidth = columns.outputCount
        let outputHeight = rows.outputCount

        // Pass 1: every source row of the region, resampled horizontally to `outputWidth` values.
        var narrowed = [Float](repeating: 0, count: region.height * outputWidth)
        ink.plane.withUnsafeBufferPointer { plane in
            ink.table.withUnsafeBufferPointer { table in
                columns.contributions.withUnsafeBufferPointer { contributions in
                    narrowed.withUnsafeMutableBufferPointer { narrowed in
                        for y in 0 ..< region.height {
                            let sourceRow = (region.y + y) * ink.width + region.x
                            let outputRow = y * outputWidth
                            for part in contributions {
                                let ink = table[Int(plane[sourceRow + part.source])]
                                narrowed[outputRow + part.target] += ink * part.weight
                            }
                        }
                    }
                }
            }
        }

        // Pass 2: the narrowed rows, resampled vertically to `outputHeight` rows.
        var values = [Float](repeating: 0, count: outputHeight * outputWidth)
        for part in rows.contributions {
            for x in 0 ..< outputWidth {
                values[part.target * outputWidth + x] += narrowed[part.source * outputWidth + x] * part.weight
            }
        }

        if let peak = values.max(), peak > 0 {
            for index in values.indices {
                values[index] = min(1, values[index] / peak)
            }
        }
        return ScaledDigit(width: outputWidth, height: outputHeight, values: values)
    }
}

// MARK: - Step 4: centring by centre of mass

extension DigitNormalizer {
    /// The scaled digit pasted into a blank 28×28 canvas with its centre of mass at (14, 14),
    /// to the nearest whole pixel, and kept inside the canvas (step 4).
    func centredOnCanvas(_ digit: ScaledDigit) -> [Float] {
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
