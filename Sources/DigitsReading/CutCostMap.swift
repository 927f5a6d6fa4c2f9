import DigitsImaging
import DigitsModel
import DigitsTensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A piece of ink seen the way the cut scorer sees it: resampled to `cellsPerHeight` cells per
/// row height, so that a 30-pixel and a 300-pixel row look alike, and a `windowSide`-cell square
/// around every cell.
///
/// The cut scorer (see `NumberReader.cutScorer`) says, from the window around a cell, how likely a
/// cut through that cell is to part two touching digits cleanly. `pixelCosts(scorer:)` turns its
/// answers into what crossing each pixel costs a cut, so that `PieceCutter` places cuts where
/// digits part rather than merely where ink is thinnest: two digits often meet in a thick joint,
/// while a thin place may lie inside one digit.
struct CutCostMap {
    /// Cells per row height.
    static let cellsPerHeight = 28
    /// The side of the square of cells the scorer sees around each cell.
    static let windowSide = 28
    /// The most a cell's surprise may cost, in nats: a cut through a place the scorer is sure of
    /// still competes with ink.
    static let largestSurprise = 4.0
    /// What a nat of surprise costs a cut, in the units of `PieceCutter.inkCost`: one and a half
    /// times what a pixel of ink costs. At 16, as much as a pixel of ink, cuts more often went
    /// where ink is thin rather than where digits part: on 800 unseen touching rows (300 drawn
    /// with seed 777, 500 with seed 4242), whole numbers read right went from 61.5% at 16 to 63.8%
    /// at 24, 63.4% at 32 and 63.3% at 48, other kinds alike.
    static let costPerNat = 24.0

    /// The piece's box, in picture pixels.
    let box: PixelBox
    /// Pixels per cell, both ways.
    let cellSize: Double
    /// Cells across and down.
    let columns: Int
    let rows: Int
    /// How much of each cell is ink, in `0...1`, row after row.
    let coverage: [Float]
    /// The cell column of each box column, and the cell row of each box row.
    private let columnCells: [Int]
    private let rowCells: [Int]

    /// The map of the piece whose box is `box` and whose ink is `mask` (`box.width` × `box.height`,
    /// row after row), in a row of digits `height` pixels high.
    init(mask: [Bool], box: PixelBox, height: Double) {
        precondition(mask.count == box.width * box.height, "a mask covers its box")
        self.box = box
        cellSize = max(1e-6, height / Double(Self.cellsPerHeight))
        columns = max(1, Int((Double(box.width) / cellSize).rounded(.up)))
        rows = max(1, Int((Double(box.height) / cellSize).rounded(.up)))
        // Ink pixels above and left of each pixel corner, so that any cell's ink is four lookups.
        let stride = box.width + 1
        var integral = [Int](repeating: 0, count: stride * (box.height + 1))
        for y in 0 ..< box.height {
            var rowSum = 0
            for x in 0 ..< box.width {
                if mask[y * box.width + x] { rowSum += 1 }
                integral[(y + 1) * stride + x + 1] = integral[y * stride + x + 1] + rowSum
            }
        }
        let xEdges = Self.edges(count: columns, cellSize: cellSize, limit: box.width)
        let yEdges = Self.edges(count: rows, cellSize: cellSize, limit: box.height)
        var coverage = [Float](repeating: 0, count: columns * rows)
        for row in 0 ..< rows {
            let (top, bottom) = yEdges[row]
            for column in 0 ..< columns {
                let (left, right) = xEdges[column]
                let ink =
                    integral[bottom * stride + right] - integral[top * stride + right]
                    - integral[bottom * stride + left] + integral[top * stride + left]
                coverage[row * columns + column] = Float(ink) / Float((bottom - top) * (right - left))
            }
        }
        self.coverage = coverage
        columnCells = Self.cells(of: xEdges, limit: box.width)
        rowCells = Self.cells(of: yEdges, limit: box.height)
    }

    /// The cell holding each of `limit` pixels, by the cells' pixel spans `edges`; where cells
    /// share a pixel (fewer pixels than cells), the last of them.
    private static func cells(of edges: [(Int, Int)], limit: Int) -> [Int] {
        var cells = [Int](repeating: 0, count: limit)
        for (cell, (start, end)) in edges.enumerated() {
            for pixel in start ..< end { cells[pixel] = cell }
        }
        return cells
    }

    /// The pixel span (start, end) of each of `count` cells of `cellSize` pixels along a side of
    /// `limit` pixels: never empty, so that a row lower than the cell count still fills every cell.
    static func edges(count: Int, cellSize: Double, limit: Int) -> [(Int, Int)] {
        (0 ..< count).map { cell in
            let start = min(limit - 1, Int(Double(cell) * cellSize))
            return (start, min(limit, max(start + 1, Int(Double(cell + 1) * cellSize))))
        }
    }

    /// The cell holding box pixel (`x`, `y`).
    func cell(ofPixelX x: Int, y: Int) -> (column: Int, row: Int) {
        (columnCells[x], rowCells[y])
    }

    /// The scorer's input for the cell at (`column`, `row`): the `windowSide`² cells centred on it,
    /// row after row, with no ink outside the piece.
    func window(column: Int, row: Int) -> [Float] {
        var window = [Float](repeating: 0, count: Self.windowSide * Self.windowSide)
        window.withUnsafeMutableBufferPointer { copyWindow(column: column, row: row, into: $0) }
        return window
    }

    /// Every cell's window, one row of the batch per cell, cells row after row.
    func windows() -> Matrix {
        let size = Self.windowSide * Self.windowSide
        var values = [Float](repeating: 0, count: rows * columns * size)
        values.withUnsafeMutableBufferPointer { values in
            for row in 0 ..< rows {
                for column in 0 ..< columns {
                    let start = (row * columns + column) * size
                    copyWindow(
                        column: column, row: row,
                        into: UnsafeMutableBufferPointer(rebasing: values[start ..< start + size]))
                }
            }
        }
        return Matrix(rows: rows * columns, columns: size, values: values)
    }

    /// Copies the window of the cell at (`column`, `row`) into `window`, which is zero: the part
    /// of each window row that lies inside the piece.
    private func copyWindow(column: Int, row: Int, into window: UnsafeMutableBufferPointer<Float>) {
        let half = Self.windowSide / 2
        let firstColumn = max(0, half - column)
        let endColumn = min(Self.windowSide, columns - column + half)
        guard firstColumn < endColumn else { return }
        coverage.withUnsafeBufferPointer { coverage in
            for windowRow in 0 ..< Self.windowSide {
                let sourceRow = row - half + windowRow
                guard sourceRow >= 0 && sourceRow < rows else { continue }
                let source = sourceRow * columns + column - half
                for windowColumn in firstColumn ..< endColumn {
                    window[windowRow * Self.windowSide + windowColumn] = coverage[source + windowColumn]
                }
            }
        }
    }

    /// What a cut crossing each pixel of the box costs, row after row: `costPerNat` for every nat
    /// of surprise, −ln p, where p is the scorer's probability (its output 1) that a cut through
    /// the pixel's cell parts digits cleanly, at most `largestSurprise` nats.
    func pixelCosts(scorer: MLP) -> [Int] {
        let probabilities = scorer.probabilities(windows())
        let cellCosts = (0 ..< rows * columns).map { cell in
            let surprise = min(Self.largestSurprise, -log(max(1e-9, Double(probabilities[cell, 1]))))
            return Int((Self.costPerNat * surprise).rounded())
        }
        var costs = [Int](repeating: 0, count: box.width * box.height)
        for y in 0 ..< box.height {
            for x in 0 ..< box.width {
                let (column, row) = cell(ofPixelX: x, y: y)
                costs[y * box.width + x] = cellCosts[row * columns + column]
            }
        }
        return costs
    }
}
