import Testing
import DigitsKit

@testable import DigitsReport

/// The colours of signed weights and the layout of the first layer's tiles.
@Suite struct WeightTilesTests {
    @Test func zeroIsNeutralAndTheSignChoosesTheHue() {
        #expect(DivergingColor.color(of: 0, limit: 1) == DivergingColor.neutral)
        let up = DivergingColor.color(of: 0.5, limit: 1), down = DivergingColor.color(of: -0.5, limit: 1)
        #expect(up.red > up.blue)
        #expect(down.blue > down.red)
        // Stronger values are further from neutral, and full strength is the end colour.
        #expect(DivergingColor.color(of: 0.9, limit: 1).green < up.green)
        #expect(DivergingColor.color(of: 1, limit: 1) == DivergingColor.positive)
        #expect(DivergingColor.color(of: -1, limit: 1) == DivergingColor.negative)
        #expect(DivergingColor.color(of: -7, limit: 1) == DivergingColor.negative)
        // The same value is as strong on both sides.
        let (a, b) = (DivergingColor.color(of: 0.3, limit: 1), DivergingColor.color(of: -0.3, limit: 1))
        #expect(
            Int(a.green) - Int(DivergingColor.neutral.green) != 0 && Int(b.green) != Int(DivergingColor.neutral.green))
        #expect(DivergingColor.color(of: .nan, limit: 1) == DivergingColor.neutral)
        #expect(DivergingColor.color(of: 1, limit: 0) == DivergingColor.neutral)
    }

    /// A 784 → `units` layer whose weights are zero but for `set` (pixel, unit, value).
    static func layer(units: Int, set: [(pixel: Int, unit: Int, value: Float)]) -> Dense {
        var weight = Matrix(rows: 784, columns: units)
        for (pixel, unit, value) in set { weight.storage[pixel * units + unit] = value }
        return Dense(weight: weight, bias: Matrix(rows: 1, columns: units), activation: .relu)
    }

    @Test func tilesAreLaidOutInANearSquareGridWithGaps() {
        #expect(WeightTiles.columns(for: 1) == 1)
        #expect(WeightTiles.columns(for: 10) == 4)
        #expect(WeightTiles.columns(for: 256) == 16)
        #expect(WeightTiles.columns(for: 257) == 17)
        let tiles = WeightTiles(layer: Self.layer(units: 3, set: []), scale: 2, gap: 3)
        #expect(tiles.columns == 2 && tiles.rows == 2)
        #expect(tiles.width == 2 * 56 + 3 && tiles.height == 2 * 56 + 3)
        #expect(tiles.indices.count == tiles.width * tiles.height)
        // The gap between tiles, and the missing fourth tile, are white.
        #expect(tiles.color(x: 57, y: 10) == (255, 255, 255))
        #expect(tiles.color(x: 100, y: 100) == (255, 255, 255))
        // An all-zero unit is neutral throughout.
        #expect(tiles.color(x: 0, y: 0) == DivergingColor.neutral)
        #expect(tiles.color(x: 55, y: 55) == DivergingColor.neutral)
    }

    @Test func eachPixelsWeightColoursItsPlaceInItsUnitsTile() {
        // Unit 1 (top right tile): pixel (row 2, column 5) pushes up, (row 20, column 9) down at half.
        let tiles = WeightTiles(
            layer: Self.layer(units: 2, set: [(2 * 28 + 5, 1, 0.8), (20 * 28 + 9, 1, -0.4)]), scale: 1, gap: 1)
        #expect(tiles.width == 57 && tiles.height == 28)
        let x0 = 29
        #expect(tiles.color(x: x0 + 5, y: 2) == DivergingColor.positive)  // its largest weight: full strength
        let down = tiles.color(x: x0 + 9, y: 20)
        #expect(down.blue > down.red && down != DivergingColor.negative)  // half strength
        #expect(tiles.color(x: x0, y: 0) == DivergingColor.neutral)
        // Unit 0's tile is untouched by unit 1's weights.
        #expect(tiles.color(x: 5, y: 2) == DivergingColor.neutral)
    }

    @Test func theTilesDecodeAsAPNGOfTheirSize() throws {
        let tiles = WeightTiles(layer: Self.layer(units: 10, set: [(0, 0, 1)]))
        let image = try PNGDecoder.decode(try tiles.png())
        #expect(image.width == tiles.width && image.height == tiles.height)
        #expect(tiles.width == 4 * 28 + 3)
    }
}
