/// A small image of ink values in `0...1`, row after row: the digit between the normaliser's steps.
struct InkImage: Equatable {
    /// Columns.
    var width: Int
    /// Rows.
    var height: Int
    /// `width × height` ink values.
    var values: [Float]

    /// The image resized by `scale` (output pixels per input pixel) with area averaging on both axes.
    func resampled(scale: Double) -> InkImage {
        let columns = AreaResampling(sourceCount: width, scale: scale)
        let rows = AreaResampling(sourceCount: height, scale: scale)
        var narrowed = [Float](repeating: 0, count: height * columns.outputCount)
        for y in 0 ..< height {
            for part in columns.contributions {
                narrowed[y * columns.outputCount + part.target] += values[y * width + part.source] * part.weight
            }
        }
        return Self.resampledRows(narrowed, width: columns.outputCount, rows: rows)
    }

    /// Pass 2 of a resize: `rows` weights applied to an image of `width` columns.
    static func resampledRows(_ narrowed: [Float], width: Int, rows: AreaResampling) -> InkImage {
        var values = [Float](repeating: 0, count: rows.outputCount * width)
        for part in rows.contributions {
            for x in 0 ..< width {
                values[part.target * width + x] += narrowed[part.source * width + x] * part.weight
            }
        }
        return InkImage(width: width, height: rows.outputCount, values: values)
    }

    /// The typical stroke width in pixels, estimated as the ink's area divided by half the length
    /// of its outline (for a long stroke of width w and length l: area w·l, outline about 2·l).
    ///
    /// The outline is counted along pixel edges around the pixels holding at least half the peak
    /// ink; the area is the total ink, so a faint sub-pixel line measures as narrower than a pixel.
    /// Nil when the image holds no ink.
    func strokeWidth() -> Double? {
        guard let peak = values.max(), peak > 0 else { return nil }
        let cutoff = peak / 2
        func isInk(_ x: Int, _ y: Int) -> Bool {
            x >= 0 && x < width && y >= 0 && y < height && values[y * width + x] >= cutoff
        }
        var area = 0.0
        var outline = 0
        for y in 0 ..< height {
            for x in 0 ..< width {
                area += Double(values[y * width + x])
                guard isInk(x, y) else { continue }
                // Each side of an ink pixel that faces paper (or the canvas edge) is outline.
                if !isInk(x - 1, y) { outline += 1 }
                if !isInk(x + 1, y) { outline += 1 }
                if !isInk(x, y - 1) { outline += 1 }
                if !isInk(x, y + 1) { outline += 1 }
            }
        }
        return outline > 0 ? 2 * area / Double(outline) : nil
    }

    /// The pixels a disc of `radius` covers around a pixel, each with how much of it: whole
    /// within `radius`, partly out to `radius + 1` (the anti-aliased edge), as offsets at most
    /// `reach` away. Shared by `dilated` and `eroded`, so the two are exact mirrors.
    static func disc(radius: Double) -> (reach: Int, offsets: [(dx: Int, dy: Int, weight: Float)]) {
        let reach = Int(radius + 1)
        var offsets: [(dx: Int, dy: Int, weight: Float)] = []
        for dy in -reach ... reach {
            for dx in -reach ... reach {
                let weight = min(1, radius + 1 - Double(dx * dx + dy * dy).squareRoot())
                if weight > 0 { offsets.append((dx, dy, Float(weight))) }
            }
        }
        return (reach, offsets)
    }

    /// The image eroded by `radius` pixels: the paper spreads over the ink as `dilated(radius:)`
    /// spreads the ink, so each stroke loses `radius` on every side (partly, at the anti-aliased
    /// edge). Outside the canvas counts as paper. The canvas keeps its size.
    func eroded(radius: Double) -> InkImage {
        let offsets = Self.disc(radius: radius).offsets
        var worn = [Float](repeating: 0, count: width * height)
        for y in 0 ..< height {
            for x in 0 ..< width {
                var paper: Float = 0
                for offset in offsets {
                    let sourceX = x + offset.dx
                    let sourceY = y + offset.dy
                    let inside = sourceX >= 0 && sourceX < width && sourceY >= 0 && sourceY < height
                    let blank = inside ? 1 - values[sourceY * width + sourceX] : 1
                    paper = max(paper, blank * offset.weight)
                }
                worn[y * width + x] = 1 - paper
            }
        }
        return InkImage(width: width, height: height, values: worn)
    }

    /// The image cropped to its ink: without the rows and columns at its edges that hold none.
    /// An image without ink is returned as it is.
    func trimmed() -> InkImage {
        let inkRows = (0 ..< height).filter { y in (0 ..< width).contains { values[y * width + $0] > 0 } }
        let inkColumns = (0 ..< width).filter { x in (0 ..< height).contains { values[$0 * width + x] > 0 } }
        guard let top = inkRows.first, let bottom = inkRows.last, let left = inkColumns.first,
            let right = inkColumns.last
        else { return self }
        let newWidth = right - left + 1
        var cropped: [Float] = []
        cropped.reserveCapacity(newWidth * (bottom - top + 1))
        for y in top ... bottom {
            cropped += values[(y * width + left) ... (y * width + right)]
        }
        return InkImage(width: newWidth, height: bottom - top + 1, values: cropped)
    }

    /// The image dilated by `radius` pixels: every inked pixel spreads its ink over a disc, so
    /// each stroke, and the whole digit, grows by `radius` on every side.
    ///
    /// A pixel is a unit square, so the grown shape's edge lies `radius + ½` from the centre of
    /// the pixel it grew from. Pixels whose centres lie within half a pixel of that edge are
    /// partly covered (anti-aliased), which lets widths grow smoothly with the radius. The canvas
    /// grows too, so nothing is cut.
    func dilated(radius: Double) -> InkImage {
        let (reach, offsets) = Self.disc(radius: radius)
        let grownWidth = width + 2 * reach
        let grownHeight = height + 2 * reach
        var grown = [Float](repeating: 0, count: grownWidth * grownHeight)
        // Each pixel of ink spreads over its disc; paper, most of a digit's canvas, spreads nothing.
        // The disc is symmetric, so this is the same maximum as gathering over it from each pixel.
        for y in 0 ..< height {
            for x in 0 ..< width {
                let value = values[y * width + x]
                guard value > 0 else { continue }
                for offset in offsets {
                    let target = (y + reach - offset.dy) * grownWidth + x + reach - offset.dx
                    grown[target] = max(grown[target], value * offset.weight)
                }
            }
        }
        return InkImage(width: grownWidth, height: grownHeight, values: grown)
    }

    /// Scales the values so the strongest is exactly 1 (no change for an image without ink).
    mutating func stretchPeakToOne() {
        guard let peak = values.max(), peak > 0 else { return }
        for index in values.indices {
            values[index] = min(1, values[index] / peak)
        }
    }
}
