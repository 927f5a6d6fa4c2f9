import DigitsKit
import DigitsTestSupport
import Foundation
import Testing

@testable import DigitsReading

/// Trains the reader's cut scorer, `Models/cut-scorer.safetensors`, when `scripts/train-verifier`
/// sets `DIGITS_CUT_SCORER_OUTPUT` to where it goes (and full MNIST is here); otherwise only the
/// labelling rule is tested.
///
/// Rows of touching and tight digits are drawn as the reading sets draw them, but from MNIST's
/// training digits and with a seed of their own. Every piece the reader would offer dense cuts
/// (see `PieceCutter.holdsTouchingDigits`) becomes a `CutCostMap`, and each of its cells a
/// window labelled by whether a cut through it parts two neighbouring digits about as cleanly as
/// any cut could (see `cleanCells(of:digitBoxes:digitInk:)`): how the row was drawn says which
/// ink is whose.
@Suite struct CutScorerTraining {
    static let environment = ProcessInfo.processInfo.environment

    /// Which cells of `map` a cut may pass through and still part two neighbouring digits about
    /// as well as the best cut can, for digits drawn in `digitBoxes` with ink `digitInk` (each
    /// box's pixels, row after row), left to right; cells row after row.
    ///
    /// For two neighbours that both have most of their ink in the piece, a cut through the cells
    /// (a column per cell row, moving at most one column between rows, through each cell's middle)
    /// costs, in each cell row, the left digit's ink right of it plus the right digit's ink left
    /// of it. A cell is clean
    /// when the cheapest such cut through it costs at most a few percent of the smaller digit's
    /// ink more than the cheapest cut of all (dynamic programming down and up the rows).
    static func cleanCells(of map: CutCostMap, digitBoxes: [PixelBox], digitInk: [[Bool]]) -> [Bool] {
        let box = map.box
        // A cut through a cell passes, on the whole, through its middle: pixels from there on go right.
        let boundaries = (0 ..< map.columns).map { min(box.width, Int((Double($0) + 0.5) * map.cellSize)) }
        let yEdges = CutCostMap.edges(count: map.rows, cellSize: map.cellSize, limit: box.height)
        // For each digit, in each cell row, its ink left of each box column (width + 1 counts;
        // ink left of the box counts left of every column).
        func inkLeft(of digit: Int) -> (counts: [[Int]], inside: Int) {
            let digitBox = digitBoxes[digit]
            var counts = [[Int]](repeating: [Int](repeating: 0, count: box.width + 1), count: map.rows)
            var inside = 0
            for cellRow in 0 ..< map.rows {
                var perColumn = [Int](repeating: 0, count: box.width + 1)
                var leftOfBox = 0
                for y in box.y + yEdges[cellRow].0 ..< box.y + yEdges[cellRow].1
                where y >= digitBox.y && y < digitBox.y + digitBox.height {
                    for dx in 0 ..< digitBox.width where digitInk[digit][(y - digitBox.y) * digitBox.width + dx] {
                        let x = digitBox.x + dx - box.x
                        if x < 0 {
                            leftOfBox += 1
                        } else if x < box.width {
                            perColumn[x] += 1
                            inside += 1
                        }
                    }
                }
                var total = leftOfBox
                for x in 0 ... box.width {
                    counts[cellRow][x] = total
                    if x < box.width { total += perColumn[x] }
                }
            }
            return (counts, inside)
        }
        let digitsInside = digitBoxes.indices.map { digit -> (counts: [[Int]], inside: Int, ink: Int) in
            let (counts, inside) = inkLeft(of: digit)
            return (counts, inside, digitInk[digit].filter { $0 }.count)
        }
        let inPiece = digitBoxes.indices.filter { 2 * digitsInside[$0].inside >= digitsInside[$0].ink }

        var clean = [Bool](repeating: false, count: map.rows * map.columns)
        for (left, right) in zip(inPiece, inPiece.dropFirst()) {
            let l = digitsInside[left]
            let r = digitsInside[right]
            // What a cut at cell column c costs in cell row y.
            let costs: [[Int]] = (0 ..< map.rows).map { row in
                let leftTotal = l.counts[row][box.width]
                return (0 ..< map.columns).map { column in
                    let boundary = boundaries[column]
                    return leftTotal - l.counts[row][boundary] + r.counts[row][boundary]
                }
            }
            func cheapest(from costs: [[Int]]) -> [[Int]] {
                var total = costs
                for row in 1 ..< max(1, costs.count) {
                    for column in 0 ..< map.columns {
                        var best = total[row - 1][column]
                        if column > 0 { best = min(best, total[row - 1][column - 1]) }
                        if column + 1 < map.columns { best = min(best, total[row - 1][column + 1]) }
                        total[row][column] += best
                    }
                }
                return total
            }
            let down = cheapest(from: costs)
            let up = Array(cheapest(from: costs.reversed()).reversed())
            let best = down[map.rows - 1].min() ?? 0
            let slack = max(1, Int(0.03 * Double(min(l.inside, r.inside))))
            for row in 0 ..< map.rows {
                for column in 0 ..< map.columns
                where down[row][column] + up[row][column] - costs[row][column] <= best + slack {
                    clean[row * map.columns + column] = true
                }
            }
        }
        return clean
    }

    @Test("a cell is clean where a cut through it parts two touching digits, not inside either")
    func cleanCuts() {
        // Two solid 20×28 digits side by side, touching along a column, in a row 28 pixels high:
        // one pixel per cell.
        let boxes = [PixelBox(x: 0, y: 0, width: 20, height: 28), PixelBox(x: 20, y: 0, width: 20, height: 28)]
        let ink = [Bool](repeating: true, count: 20 * 28)
        let piece = PixelBox(x: 0, y: 0, width: 40, height: 28)
        let map = CutCostMap(mask: [Bool](repeating: true, count: 40 * 28), box: piece, height: 28)
        #expect(map.columns == 40 && map.rows == 28)
        let clean = Self.cleanCells(of: map, digitBoxes: boxes, digitInk: [ink, ink])
        // A cut through the column where they meet takes no ink. One that bends k columns off it
        // in a middle row, a column per row there and back, takes k² pixels: within the slack
        // (3% of 560, 16 pixels) up to k = 4. In the top row it need only come back: k(k + 1)/2.
        for row in 2 ..< 26 {
            #expect((0 ..< 40).filter { clean[row * 40 + $0] } == Array(16 ... 24))
        }
        #expect((0 ..< 40).filter { clean[$0] } == Array(15 ... 25))
        // A digit alone in the piece has no neighbour to be parted from.
        #expect(!Self.cleanCells(of: map, digitBoxes: [boxes[0]], digitInk: [ink]).contains(true))
    }

    @Test("a map resamples its piece to 28 cells per row height, and a window is centred on its cell")
    func resampling() {
        // A piece 56 pixels high (two pixels per cell), ink in its left half only.
        let piece = PixelBox(x: 10, y: 5, width: 30, height: 56)
        let mask = (0 ..< 30 * 56).map { $0 % 30 < 15 }
        let map = CutCostMap(mask: mask, box: piece, height: 56)
        #expect(map.columns == 15 && map.rows == 28)
        #expect(map.coverage[0] == 1 && map.coverage[7] == 0.5 && map.coverage[8] == 0)
        #expect(map.cell(ofPixelX: 15, y: 55) == (7, 27))
        // At 40 pixels high a cell is 1 3/7 pixels: cell 16 holds pixels 22 and 23, cell 17 pixel 24.
        let uneven = CutCostMap(
            mask: [Bool](repeating: true, count: 54 * 40), box: PixelBox(x: 0, y: 0, width: 54, height: 40), height: 40)
        #expect(uneven.cell(ofPixelX: 23, y: 0).column == 16 && uneven.cell(ofPixelX: 24, y: 0).column == 17)
        // The window around cell (7, 0): the cell is at (14, 14); rows above the piece are empty.
        let window = map.window(column: 7, row: 0)
        #expect(window[14 * 28 + 14] == 0.5 && window[14 * 28 + 13] == 1 && window[14 * 28 + 15] == 0)
        #expect(window[13 * 28 + 13] == 0)
    }

    /// Every dense piece of `samples` (one-row pictures with digit boxes) as windows (bytes) and
    /// labels: 1 for a clean cell, 0 for any other.
    static func windows(of samples: [ReadingSample], reader: NumberReader) throws -> LabelledExamples {
        var examples = LabelledExamples()
        for sample in samples where !sample.digitBoxes.isEmpty {
            let rows = try reader.rowSegmenters(of: sample.image, name: sample.name)
            guard rows.count == 1 else { continue }
            let row = rows[0]
            let height = row.rowHeight(of: row.groups())
            for member in row.members {
                let piece = row.pieces[member]
                guard
                    PieceCutter.holdsTouchingDigits(
                        width: piece.box.width, height: height, denseWidth: reader.settings.denseCutWidth)
                else { continue }
                let map = CutCostMap(mask: piece.mask(), box: piece.box, height: height)
                let clean = cleanCells(of: map, digitBoxes: sample.digitBoxes, digitInk: sample.digitInk)
                let batch = map.windows()
                examples.pixels += batch.storage.map { UInt8(($0 * 255).rounded()) }
                examples.labels += clean.map { $0 ? 1 : 0 }
            }
        }
        return examples
    }

    @Test func train() throws {
        guard let output = Self.environment["DIGITS_CUT_SCORER_OUTPUT"] else { return }
        let directory = try #require(FullMNIST.directory, "training the cut scorer needs full MNIST")
        let seed: UInt64 = 0xC075_C0E
        let rowsPerKind = 3000
        let reader = NumberReader(model: try ShippedModel.load().model, verifier: nil, cutScorer: nil)
        let training = try ReadingSets(digits: directory.load(.train))
        let heldOut = try ReadingSets(digits: directory.load(.test))
        var examples = LabelledExamples()
        for (number, kind) in [ReadingSetKind.touching, .tight].enumerated() {
            let samples = (0 ..< rowsPerKind).map {
                training.sample(kind, index: number * rowsPerKind + $0, seed: seed)
            }
            examples.append(try Self.windows(of: samples, reader: reader))
        }
        let held = try Self.windows(of: heldOut.samples(.touching, count: 100, seed: seed), reader: reader)
        let cleanShare = Double(examples.labels.reduce(0, +)) / Double(examples.labels.count)
        print(
            "\(examples.labels.count) windows, \(String(format: "%.1f", 100 * cleanShare))% clean; "
                + "\(held.labels.count) held out")

        let hidden = [512, 256]
        let epochs = 4
        let batchSize = 128
        let peakRate: Float = 0.05
        var generator = SplitMix64(seed: 13)
        var model = MLP(
            inputCount: LabelledExamples.side, hidden: hidden, outputCount: NumberReader.cutScorerOutputCount,
            activation: .relu, generator: &generator)
        var optimizer = Optimizer(for: model, method: .sgd, momentum: 0.9)
        var order = Array(examples.labels.indices)
        var heldOutRight = 0.0
        for epoch in 0 ..< epochs {
            order.deterministicShuffle(using: &generator)
            examples.trainEpoch(
                epoch, of: epochs, model: &model, optimizer: &optimizer, order: order, batchSize: batchSize,
                peakRate: peakRate)
            heldOutRight = held.accuracy(of: model)
            print(
                "epoch \(epoch + 1) of \(epochs): \(String(format: "%.2f", 100 * heldOutRight))% of held-out cells right"
            )
        }

        let summary: [String: Any] = [
            "made by": "scripts/train-verifier --cut-scorer",
            "network": "784-" + hidden.map(String.init).joined(separator: "-") + "-2 relu, output 1 = digits part here",
            "windows": examples.labels.count, "clean share": cleanShare,
            "rows": "\(rowsPerKind) each of touching and tight, from MNIST's training digits (seed \(seed))",
            "training":
                "\(epochs) epochs of SGD, momentum 0.9, batches of \(batchSize), learning rate \(peakRate) on a cosine",
            "held-out cells right": heldOutRight,
        ]
        try LabelledExamples.write(model, summary: summary, to: output)
    }
}
