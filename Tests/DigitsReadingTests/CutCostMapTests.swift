import DigitsKit
import Testing

@testable import DigitsReading

/// How the cut scorer's answers price the cuts through a piece of touching digits.
@Suite struct CutCostMapTests {
    /// A one-layer scorer whose logits are `bias`, plus `centreWeight` times the ink of the
    /// window's centre cell for "digits part here".
    static func scorer(bias: [Float], centreWeight: Float = 0) -> MLP {
        var weight = Matrix(rows: 784, columns: 2)
        weight[14 * 28 + 14, 1] = centreWeight
        return MLP(
            layers: [Dense(weight: weight, bias: Matrix(rows: 1, columns: 2, values: bias), activation: .identity)])
    }

    /// The solid block of `SegmentationTests`' bridged blobs: two 24×40 blocks joined by a 6×3
    /// bridge, 54 pixels wide, 1.35 digit heights at a height of 40.
    static func bridgedBlocks() throws -> InkPiece {
        let ink = SegmentationTests.inkMap(
            width: 70, height: 50, rectangles: [(5, 5, 24, 40), (35, 5, 24, 40), (29, 23, 6, 3)])
        return try #require(try SegmentationTests.pieces(ink).first)
    }

    /// A cutter offering `piece` dense cuts at a digit height of 40, placed by ink alone.
    static func denseCutter(_ piece: InkPiece) -> PieceCutter {
        PieceCutter(
            piece: piece, height: 40, minimumPartWidth: 0.2, denseWidth: 1.3, denseSpacing: 0.07, denseReach: 0.04)
    }

    @Test("each row of the scorer's batch is its cell's window: the cells around it, none outside the piece")
    func windowsAreTheCellsAroundEachCell() {
        // A piece of 7 × 40 cells whose ink differs from cell to cell, wider than a window and
        // lower than one, so that windows are cut off on every side.
        let box = PixelBox(x: 0, y: 0, width: 40, height: 7)
        let mask = (0 ..< 40 * 7).map { ($0 * 7919) % 13 < 6 }
        let map = CutCostMap(mask: mask, box: box, height: 28)
        #expect(map.columns == 40 && map.rows == 7)
        let windows = map.windows()
        #expect(windows.rows == 7 * 40 && windows.columns == 28 * 28)
        for row in 0 ..< map.rows {
            for column in 0 ..< map.columns {
                var expected = [Float](repeating: 0, count: 28 * 28)
                for y in 0 ..< 28 {
                    for x in 0 ..< 28 {
                        let (sourceRow, sourceColumn) = (row + y - 14, column + x - 14)
                        if (0 ..< map.rows).contains(sourceRow) && (0 ..< map.columns).contains(sourceColumn) {
                            expected[y * 28 + x] = map.coverage[sourceRow * map.columns + sourceColumn]
                        }
                    }
                }
                let cell = row * map.columns + column
                #expect((0 ..< 28 * 28).allSatisfy { windows[cell, $0] == expected[$0] }, "cell (\(column), \(row))")
                #expect(map.window(column: column, row: row) == expected)
            }
        }
    }

    @Test("a cell's surprise costs 24 per nat, at most 4 nats, in every pixel of the cell")
    func surpriseBecomesCost() throws {
        let piece = try Self.bridgedBlocks()
        let map = CutCostMap(mask: piece.mask(), box: piece.box, height: 40)
        // Even odds: ln 2 nats, 17 sixteenths (of a pixel of ink).
        #expect(map.pixelCosts(scorer: Self.scorer(bias: [0, 0])).allSatisfy { $0 == 17 })
        // Sure that digits never part: capped at 4 nats.
        #expect(map.pixelCosts(scorer: Self.scorer(bias: [20, 0])).allSatisfy { $0 == 96 })
        // Sure that they part wherever the window's centre is ink: nothing there, the cap elsewhere.
        let costs = map.pixelCosts(scorer: Self.scorer(bias: [0, -20], centreWeight: 40))
        let mask = piece.mask()
        for pixel in mask.indices {
            let (column, row) = map.cell(ofPixelX: pixel % piece.box.width, y: pixel / piece.box.width)
            let coverage = map.coverage[row * map.columns + column]
            if coverage == 1 { #expect(costs[pixel] == 0) }
            if coverage == 0 { #expect(costs[pixel] == 96 && !mask[pixel]) }
        }
    }

    @Test("a scorer equally sure everywhere leaves dense cuts where ink alone puts them")
    func indifferentScorerChangesNothing() throws {
        let piece = try Self.bridgedBlocks()
        var cutter = Self.denseCutter(piece)
        let byInk = cutter.cuts()
        cutter.scorer = Self.scorer(bias: [0, 0])
        cutter.scoredReach = 0.04
        #expect(cutter.cuts() == byInk)
        #expect(byInk.count >= 10)
    }

    @Test("a scored dense cut goes where the scorer says digits part, even through more ink")
    func scoredCutsFollowTheScorer() throws {
        let piece = try Self.bridgedBlocks()
        var cutter = Self.denseCutter(piece)
        let mask = piece.mask()
        func inkCrossed(_ cut: CutPath) -> Int {
            cut.columns.indices.filter { mask[$0 * piece.box.width + cut.columns[$0] - piece.box.x] }.count
        }
        // By ink alone, a cut near the gap between the blocks stays in it, crossing only the bridge.
        let byInk = cutter.cuts()
        #expect(byInk.contains { inkCrossed($0) == 3 })
        // A scorer that puts partings in solid ink (as if the blocks were one digit each, touching
        // all along) draws every cut within reach of the blocks into them, down every row.
        cutter.scorer = Self.scorer(bias: [0, -20], centreWeight: 40)
        cutter.scoredReach = 0.1
        let scored = cutter.cuts()
        #expect(scored.count == byInk.count)
        #expect(scored.allSatisfy { inkCrossed($0) == 40 })
    }
}
