import DigitsImaging
import DigitsTensor
import Foundation

/// A picture's ink as it is drawn, before it becomes gray: `ink[y * width + x]` in `0...1`, 0 for
/// bare paper and 1 for full ink.
///
/// The reading sets compose, scale, thicken, rotate and blur ink rather than gray levels, so that
/// paper and ink colours (and light-on-dark pictures) are chosen once, at the end.
struct InkPlane: Equatable, Sendable {
    var width: Int
    var height: Int
    var ink: [Float]

    /// A plane of bare paper.
    init(width: Int, height: Int) {
        self.init(width: width, height: height, ink: [Float](repeating: 0, count: width * height))
    }

    /// A plane from its values, row after row.
    init(width: Int, height: Int, ink: [Float]) {
        precondition(width >= 0 && height >= 0 && ink.count == width * height)
        self.width = width
        self.height = height
        self.ink = ink
    }

    /// The sum of all ink, to tell how much of a digit an operation left.
    var total: Float { ink.reduce(0, +) }

    /// The smallest box holding every pixel with more ink than `threshold`, or nil when none has.
    func inkBox(above threshold: Float = 0) -> PixelBox? {
        var minX = width
        var minY = height
        var maxX = -1
        var maxY = -1
        ink.withUnsafeBufferPointer { ink in
            for y in 0 ..< height {
                let row = y * width
                for x in 0 ..< width where ink[row + x] > threshold {
                    minX = min(minX, x)
                    maxX = max(maxX, x)
                    minY = min(minY, y)
                    maxY = max(maxY, y)
                }
            }
        }
        guard maxX >= 0 else { return nil }
        return PixelBox(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
    }

    /// The part of the plane inside `box`, which must lie within it.
    func cropped(to box: PixelBox) -> InkPlane {
        var result = InkPlane(width: box.width, height: box.height)
        for y in 0 ..< box.height {
            let from = (box.y + y) * width + box.x
            result.ink[(y * box.width) ..< ((y + 1) * box.width)] = ink[from ..< (from + box.width)]
        }
        return result
    }

    /// The plane cropped to its ink (unchanged when it has none).
    func trimmed() -> InkPlane {
        inkBox().map { cropped(to: $0) } ?? self
    }

    /// The plane with `margin` blank pixels added on every side.
    func padded(by margin: Int) -> InkPlane {
        padded(left: margin, top: margin, right: margin, bottom: margin)
    }

    /// The plane with blank pixels added on each side.
    func padded(left: Int, top: Int, right: Int, bottom: Int) -> InkPlane {
        var result = InkPlane(width: width + left + right, height: height + top + bottom)
        result.drawMax(self, x: left, y: top)
        return result
    }

    /// The plane scaled smoothly to `newWidth × newHeight`: bilinear when enlarging, and when
    /// shrinking the mean of several bilinear samples per pixel, so that thin strokes neither
    /// vanish nor alias. Outside the plane counts as paper.
    func resized(width newWidth: Int, height newHeight: Int) -> InkPlane {
        precondition(newWidth > 0 && newHeight > 0)
        let scaleX = Double(newWidth) / Double(width)
        let scaleY = Double(newHeight) / Double(height)
        let samplesX = max(1, min(8, Int((1 / scaleX).rounded(.up))))
        let samplesY = max(1, min(8, Int((1 / scaleY).rounded(.up))))
        let weight = 1 / Float(samplesX * samplesY)
        var result = [Float](repeating: 0, count: newWidth * newHeight)
        ink.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { result in
                for y in 0 ..< newHeight {
                    for x in 0 ..< newWidth {
                        var sum: Float = 0
                        for j in 0 ..< samplesY {
                            let sourceY = (Double(y) + (Double(j) + 0.5) / Double(samplesY)) / scaleY - 0.5
                            for i in 0 ..< samplesX {
                                let sourceX = (Double(x) + (Double(i) + 0.5) / Double(samplesX)) / scaleX - 0.5
                                sum += Self.bilinear(source, width: width, height: height, x: sourceX, y: sourceY)
                            }
                        }
                        result[y * newWidth + x] = sum * weight
                    }
                }
            }
        }
        return InkPlane(width: newWidth, height: newHeight, ink: result)
    }

    /// The ink at the fractional position (`x`, `y`), pixel centres at whole numbers, blending the
    /// four nearest pixels; paper outside.
    private static func bilinear(
        _ source: UnsafeBufferPointer<Float>, width: Int, height: Int, x: Double, y: Double
    ) -> Float {
        let left = Int(x.rounded(.down))
        let top = Int(y.rounded(.down))
        let dx = Float(x - Double(left))
        let dy = Float(y - Double(top))
        func at(_ column: Int, _ row: Int) -> Float {
            column >= 0 && column < width && row >= 0 && row < height ? source[row * width + column] : 0
        }
        let upper = at(left, top) * (1 - dx) + at(left + 1, top) * dx
        let lower = at(left, top + 1) * (1 - dx) + at(left + 1, top + 1) * dx
        return upper * (1 - dy) + lower * dy
    }

    /// Each value passed through `transfer`.
    func mapped(_ transfer: (Float) -> Float) -> InkPlane {
        InkPlane(width: width, height: height, ink: ink.map(transfer))
    }

    /// Draws `other` with its top-left corner at (`x`, `y`), keeping the darker ink where they
    /// overlap, as two pen strokes over one another do. Parts outside this plane are dropped.
    mutating func drawMax(_ other: InkPlane, x: Int, y: Int) {
        let columns = max(0, x) ..< min(width, x + other.width)
        guard !columns.isEmpty else { return }
        let width = width
        ink.withUnsafeMutableBufferPointer { target in
            other.ink.withUnsafeBufferPointer { source in
                for row in max(0, y) ..< min(height, y + other.height) {
                    let sourceRow = (row - y) * other.width - x
                    for column in columns {
                        target[row * width + column] = max(target[row * width + column], source[sourceRow + column])
                    }
                }
            }
        }
    }

    /// The plane after a square pen of half-width `radius` went over it: `thicker` spreads each
    /// stroke by `radius` pixels on every side (a broader pen), otherwise strokes shrink by as much
    /// (a finer pen). A thickened plane should be padded first so the ink has room to spread.
    func morphed(radius: Int, thicker: Bool) -> InkPlane {
        guard radius > 0 else { return self }
        // A square window is separable: a pass along the rows, then one along the columns.
        let across = Self.windowPass(ink, count: height, length: width, step: 1, stride: width, radius, thicker)
        let down = Self.windowPass(across, count: width, length: height, step: width, stride: 1, radius, thicker)
        return InkPlane(width: width, height: height, ink: down)
    }

    /// The maximum (or minimum) over a window of `2 × radius + 1` values along each of `count`
    /// lines of `length` values, `step` apart within a line and `stride` apart between lines.
    /// Outside counts as paper.
    private static func windowPass(
        _ values: [Float], count: Int, length: Int, step: Int, stride: Int, _ radius: Int, _ maximum: Bool
    ) -> [Float] {
        var result = values
        values.withUnsafeBufferPointer { values in
            result.withUnsafeMutableBufferPointer { result in
                for line in 0 ..< count {
                    let base = line * stride
                    for position in 0 ..< length {
                        let first = position - radius
                        let last = position + radius
                        // Windows reaching past the ends take in paper, which only matters for the minimum.
                        var extreme: Float = maximum ? 0 : ((first < 0 || last >= length) ? 0 : 1)
                        for other in max(0, first) ... min(length - 1, last) {
                            let value = values[base + other * step]
                            extreme = maximum ? max(extreme, value) : min(extreme, value)
                        }
                        result[base + position * step] = extreme
                    }
                }
            }
        }
        return result
    }

    /// The plane turned by `degrees` about its centre, grown so that no ink is cut off.
    func rotated(degrees: Double) -> InkPlane {
        let angle = degrees * Double.pi / 180
        let cosine = cos(angle)
        let sine = sin(angle)
        let newWidth = Int((Double(width) * abs(cosine) + Double(height) * abs(sine)).rounded(.up))
        let newHeight = Int((Double(width) * abs(sine) + Double(height) * abs(cosine)).rounded(.up))
        var result = [Float](repeating: 0, count: newWidth * newHeight)
        ink.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { result in
                for y in 0 ..< newHeight {
                    let dy = Double(y) + 0.5 - Double(newHeight) / 2
                    for x in 0 ..< newWidth {
                        let dx = Double(x) + 0.5 - Double(newWidth) / 2
                        // Each new pixel takes the ink of the old position that the turn carries onto it.
                        let sourceX = cosine * dx + sine * dy + Double(width) / 2 - 0.5
                        let sourceY = -sine * dx + cosine * dy + Double(height) / 2 - 0.5
                        result[y * newWidth + x] = Self.bilinear(
                            source, width: width, height: height, x: sourceX, y: sourceY)
                    }
                }
            }
        }
        return InkPlane(width: newWidth, height: newHeight, ink: result)
    }

    /// The plane blurred by a Gaussian of standard deviation `sigma` pixels, as an out-of-focus
    /// camera or a soft scan blurs; paper outside.
    func blurred(sigma: Double) -> InkPlane {
        let radius = max(1, Int((2.5 * sigma).rounded(.up)))
        var kernel = (-radius ... radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let sum = kernel.reduce(0, +)
        kernel = kernel.map { $0 / sum }
        let across = Self.convolve(ink, count: height, length: width, step: 1, stride: width, kernel)
        let down = Self.convolve(across, count: width, length: height, step: width, stride: 1, kernel)
        return InkPlane(width: width, height: height, ink: down)
    }

    /// `values` convolved with the odd-length `kernel` along each line (laid out as in `windowPass`).
    private static func convolve(
        _ values: [Float], count: Int, length: Int, step: Int, stride: Int, _ kernel: [Float]
    ) -> [Float] {
        let radius = kernel.count / 2
        var result = values
        values.withUnsafeBufferPointer { values in
            kernel.withUnsafeBufferPointer { kernel in
                result.withUnsafeMutableBufferPointer { result in
                    for line in 0 ..< count {
                        let base = line * stride
                        for position in 0 ..< length {
                            var sum: Float = 0
                            for other in max(0, position - radius) ... min(length - 1, position + radius) {
                                sum += kernel[other - position + radius] * values[base + other * step]
                            }
                            result[base + position * step] = sum
                        }
                    }
                }
            }
        }
        return result
    }

    /// For each row, the first and last columns with more ink than `threshold`, or nil for a row
    /// without such ink: the row's outline, for setting digits a chosen distance apart.
    func rowExtents(above threshold: Float) -> [ClosedRange<Int>?] {
        (0 ..< height).map { y in
            let row = ink[(y * width) ..< ((y + 1) * width)]
            guard let first = row.firstIndex(where: { $0 > threshold }),
                let last = row.lastIndex(where: { $0 > threshold })
            else { return nil }
            return (first - y * width) ... (last - y * width)
        }
    }

    /// The picture: paper of gray level `paper`, full ink of level `inkLevel` (either may be the
    /// lighter), plus Gaussian noise of standard deviation `noise` gray levels.
    func image(paper: Double, inkLevel: Double, noise: Double, using generator: inout SplitMix64) -> GrayAlphaImage {
        var gray = [UInt8](repeating: 0, count: width * height)
        for index in gray.indices {
            var level = paper + (inkLevel - paper) * Double(ink[index])
            if noise > 0 { level += generator.nextNormal(standardDeviation: noise) }
            gray[index] = UInt8(min(255, max(0, level.rounded())))
        }
        return GrayAlphaImage(width: width, height: height, gray: gray)
    }
}
