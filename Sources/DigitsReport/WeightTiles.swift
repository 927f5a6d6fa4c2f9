import DigitsImaging
import DigitsModel

/// Colours for signed values: a neutral light gray at zero, turning blue for negative values and
/// red for positive ones as they grow, in the manner of a diverging colour map.
public enum DivergingColor {
    /// The colour at zero.
    public static let neutral: (red: UInt8, green: UInt8, blue: UInt8) = (247, 247, 247)
    /// The colour at +1 (a deep red).
    public static let positive: (red: UInt8, green: UInt8, blue: UInt8) = (178, 24, 43)
    /// The colour at −1 (a deep blue).
    public static let negative: (red: UInt8, green: UInt8, blue: UInt8) = (33, 102, 172)

    /// The colour of `value` on a scale where `limit` (positive) is full strength: neutral at 0,
    /// towards `positive` above it and `negative` below, clamped beyond ±`limit`. NaN and a
    /// limit that is not positive give the neutral colour.
    public static func color(of value: Double, limit: Double) -> (red: UInt8, green: UInt8, blue: UInt8) {
        guard limit > 0, limit.isFinite, !value.isNaN else { return neutral }
        let t = min(abs(value) / limit, 1)
        let end = value < 0 ? negative : positive
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
        return (mix(neutral.red, end.red), mix(neutral.green, end.green), mix(neutral.blue, end.blue))
    }
}

/// The first layer's weights as a picture: one 28×28 tile per hidden unit, showing how much each
/// pixel pushes that unit up (red) or down (blue).
///
/// Each tile is scaled to its own largest weight, so a unit's pattern shows whatever its size;
/// tiles are laid out in rows, unit 0 at the top left, `gap` pixels of white apart, and each
/// pixel is drawn as `scale` × `scale` pixels.
public struct WeightTiles: Sendable {
    /// The picture's width in pixels.
    public let width: Int
    /// The picture's height in pixels.
    public let height: Int
    /// Each pixel's colour as an index into `palette`, row after row.
    public let indices: [UInt8]
    /// The colours: white for the gaps first, then the shades from −`levels` through zero to
    /// +`levels`.
    public let palette: [(red: UInt8, green: UInt8, blue: UInt8)]
    /// Tiles per row.
    public let columns: Int
    /// Rows of tiles.
    public let rows: Int

    /// The side of a tile in input pixels: the 28 of an MNIST picture.
    public static let tileSide = 28

    /// The tiles of `layer`'s weights, whose inputs must be `tileSide`² pixels; `scale` (1…8)
    /// enlarges each pixel, `gap` (0…8) is the white space between tiles, and each side of zero
    /// has `levels` (1…127) shades.
    public init(layer: Dense, scale: Int = 1, gap: Int = 1, levels: Int = 12) {
        precondition(layer.inputCount == Self.tileSide * Self.tileSide, "the layer does not take 28×28 pictures")
        precondition((1 ... 8).contains(scale) && (0 ... 8).contains(gap), "scale or gap out of range")
        precondition((1 ... 127).contains(levels), "levels out of range")
        let units = layer.outputCount
        columns = Self.columns(for: units)
        rows = (units + columns - 1) / columns
        let side = Self.tileSide * scale
        width = columns * side + (columns - 1) * gap
        height = rows * side + (rows - 1) * gap
        palette =
            [(255, 255, 255)] + (-levels ... levels).map { DivergingColor.color(of: Double($0), limit: Double(levels)) }
        var indices = [UInt8](repeating: 0, count: width * height)
        let weights = layer.weight
        for unit in 0 ..< units {
            var limit: Float = 0
            for pixel in 0 ..< Self.tileSide * Self.tileSide {
                limit = max(limit, abs(weights.storage[pixel * units + unit]))
            }
            let left = (unit % columns) * (side + gap), top = (unit / columns) * (side + gap)
            for pixel in 0 ..< Self.tileSide * Self.tileSide {
                // Strengths in steps of 1/levels: the eye cannot tell finer ones apart on a tile, and
                // a picture of few colours compresses far smaller. (A dead unit, all zeros, stays
                // neutral.)
                let weight = Double(weights.storage[pixel * units + unit])
                let strength = limit > 0 ? Int((weight / Double(limit) * Double(levels)).rounded()) : 0
                let index = UInt8(1 + levels + strength)
                let (py, px) = (pixel / Self.tileSide, pixel % Self.tileSide)
                for dy in 0 ..< scale {
                    let start = (top + py * scale + dy) * width + left + px * scale
                    for offset in start ..< start + scale { indices[offset] = index }
                }
            }
        }
        self.indices = indices
    }

    /// The colour of the pixel at column `x`, row `y`.
    public func color(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        palette[Int(indices[y * width + x])]
    }

    /// The picture as a palette PNG.
    public func png() throws(PNGError) -> [UInt8] {
        try PNGEncoder.encode(indices: indices, palette: palette, width: width, height: height)
    }

    /// Tiles per row for `units` tiles: the smallest count whose square holds them all, so the
    /// grid is as square as it can be.
    public static func columns(for units: Int) -> Int {
        var columns = 1
        while columns * columns < units { columns += 1 }
        return columns
    }
}
