import DigitsClassifier
import DigitsImaging
import DigitsModel
import DigitsTensor
import Testing

@testable import DigitsReading

/// Rows, cuts and parts on synthetic shapes whose right answer is known.
@Suite struct SegmentationTests {
    /// A `width × height` ink map holding filled rectangles (x, y, width, height) of full ink.
    static func inkMap(width: Int, height: Int, rectangles: [(Int, Int, Int, Int)]) -> InkMap {
        var plane = [UInt8](repeating: 0, count: width * height)
        for (left, top, boxWidth, boxHeight) in rectangles {
            for y in top ..< top + boxHeight {
                for x in left ..< left + boxWidth { plane[y * width + x] = 255 }
            }
        }
        var table = [Float](repeating: 0, count: 256)
        for level in 1 ..< 256 { table[level] = Float(level) / 255 }
        return InkMap(width: width, height: height, plane: plane, table: table, source: .lightOnDark)
    }

    static func pieces(_ ink: InkMap) throws -> [InkPiece] {
        try InkPiece.pieces(of: ink, threshold: 0.2, runLimit: 100_000, name: "test")
    }

    @Test("pieces in two bands of rows make two rows, top first, each left to right")
    func twoRows() throws {
        let ink = Self.inkMap(
            width: 120, height: 100,
            rectangles: [(60, 5, 10, 30), (10, 8, 10, 30), (35, 6, 10, 30), (30, 60, 10, 30), (5, 62, 10, 30)])
        let pieces = try Self.pieces(ink)
        let rows = RowFinder(pieces: pieces, overlap: 0.5).rows()
        #expect(rows.map { $0.map { pieces[$0].box.x } } == [[10, 35, 60], [5, 30]])
    }

    @Test("a row whose baseline climbs by most of a digit's height over its length stays one row")
    func slantedRow() throws {
        let rectangles = (0 ..< 8).map { (10 + 30 * $0, 100 - 8 * $0, 16, 40) }
        let pieces = try Self.pieces(Self.inkMap(width: 260, height: 150, rectangles: rectangles))
        #expect(RowFinder(pieces: pieces, overlap: 0.5).rows().count == 1)
    }

    @Test("a short stroke drawn above a digit, apart from it (a 5's top, a 7's bar), joins its row")
    func detachedBarJoinsItsRow() throws {
        let ink = Self.inkMap(
            width: 120, height: 80,
            rectangles: [(10, 20, 12, 40), (40, 20, 12, 40), (42, 10, 20, 4), (70, 20, 12, 40)])
        let pieces = try Self.pieces(ink)
        let rows = RowFinder(pieces: pieces, overlap: 0.5).rows()
        #expect(rows.count == 1)
        #expect(rows.first?.count == 4)
    }

    @Test("a short stroke high beside a row's last digit (a 5's top drawn off to the right) joins its row")
    func strokeBesideLastDigitJoinsItsRow() throws {
        // The stroke's rows overlap the digit's by 4 of its 10, too few to join by overlap alone.
        let ink = Self.inkMap(
            width: 120, height: 80,
            rectangles: [(10, 16, 12, 40), (40, 16, 12, 40), (55, 10, 20, 10)])
        let pieces = try Self.pieces(ink)
        #expect(pieces.count == 3)
        let rows = RowFinder(pieces: pieces, overlap: 0.5).rows()
        #expect(rows.count == 1)
        #expect(rows.first?.count == 3)
    }

    @Test("two blobs joined by a thin bridge are cut at the bridge, crossing one stroke")
    func touchingBlobsAreCutAtTheBridge() throws {
        // Two 24×40 blocks with a 6-pixel gap, bridged by a 3-pixel-high bar in the middle.
        let ink = Self.inkMap(width: 70, height: 50, rectangles: [(5, 5, 24, 40), (35, 5, 24, 40), (29, 23, 6, 3)])
        let pieces = try Self.pieces(ink)
        #expect(pieces.count == 1)
        let cuts = Self.sparseCutter(pieces[0], height: 40).cuts()
        #expect(cuts.count == 1)
        let cut = try #require(cuts.first)
        #expect(cut.crossings == 1)
        #expect(cut.columns.allSatisfy { (29 ..< 35).contains($0) })
    }

    @Test("a cut bends to pass between two strokes that lean into each other")
    func cutsBendAroundLeaningStrokes() throws {
        // Two bars 6 pixels wide and 4 apart, leaning right by one pixel every eight rows, bridged
        // at the top. The gap moves 5 pixels from top to bottom, so no column lies in it all the
        // way down; a bent cut does.
        var rectangles: [(Int, Int, Int, Int)] = [(10, 4, 16, 2)]
        for row in 0 ..< 40 {
            rectangles.append((10 + row / 8, 6 + row, 6, 1))
            rectangles.append((20 + row / 8, 6 + row, 6, 1))
        }
        let gaps = (0 ..< 40).map { row in 16 + row / 8 ..< 20 + row / 8 }
        #expect(!(0 ..< 60).contains { column in gaps.allSatisfy { $0.contains(column) } })
        let pieces = try Self.pieces(Self.inkMap(width: 60, height: 50, rectangles: rectangles))
        #expect(pieces.count == 1)
        let cut = try #require(Self.sparseCutter(pieces[0], height: 42).cuts().first)
        for row in 0 ..< 40 {
            #expect(gaps[row].contains(cut.boundary(atRow: 6 + row)), "row \(6 + row)")
        }
    }

    /// A cutter offering only thin columns, however wide the piece.
    static func sparseCutter(_ piece: InkPiece, height: Double) -> PieceCutter {
        PieceCutter(
            piece: piece, height: height, minimumPartWidth: 0.2, denseWidth: .infinity, denseSpacing: 0.07,
            denseReach: 0.04)
    }

    @Test("a piece too wide for one digit is offered a cut every few columns, none crossing the one on its left")
    func widePiecesGetDenseCuts() throws {
        // The bridged blocks of `touchingBlobsAreCutAtTheBridge`, 54 pixels wide: 1.35 digit heights.
        let ink = Self.inkMap(width: 70, height: 50, rectangles: [(5, 5, 24, 40), (35, 5, 24, 40), (29, 23, 6, 3)])
        let piece = try #require(try Self.pieces(ink).first)
        let sparse = Self.sparseCutter(piece, height: 40).cuts()
        let dense = PieceCutter(
            piece: piece, height: 40, minimumPartWidth: 0.2, denseWidth: 1.3, denseSpacing: 0.07, denseReach: 0.04
        )
        .cuts()
        // Columns 8 ... 46 may be cut (a minimum part, 8 columns, from each edge), every 3 columns.
        #expect(sparse.count == 1)
        #expect(dense.count >= 10)
        #expect(dense.contains { $0.columns == sparse[0].columns })
        for (left, right) in zip(dense, dense.dropFirst()) {
            #expect(
                zip(left.columns, right.columns).allSatisfy { $0 <= $1 }, "cut \(right.index) crosses cut \(left.index)"
            )
        }
        // Where every column is a block's solid ink, a straight cut crosses one stroke, not two.
        #expect(dense.allSatisfy { $0.crossings == 1 })
        // A piece over a dozen digit heights wide (an underline) gets only the sparse cuts.
        let wide = PieceCutter(
            piece: piece, height: 4, minimumPartWidth: 0.2, denseWidth: 1.3, denseSpacing: 0.07, denseReach: 0.04)
        #expect(
            wide.cuts()
                == PieceCutter(
                    piece: piece, height: 4, minimumPartWidth: 0.2, denseWidth: .infinity, denseSpacing: 0.07,
                    denseReach: 0.04
                ).cuts())
    }

    @Test("a pixel belongs to exactly one side of a cut")
    func slicesPartition() throws {
        let ink = Self.inkMap(width: 70, height: 50, rectangles: [(5, 5, 24, 40), (35, 5, 24, 40), (29, 23, 6, 3)])
        let piece = try #require(try Self.pieces(ink).first)
        let cut = try #require(Self.sparseCutter(piece, height: 40).cuts().first)
        let left = Slice(piece: 0, left: nil, right: cut)
        let right = Slice(piece: 0, left: cut, right: nil)
        let total = piece.runs.reduce(0) { $0 + left.columns(of: $1).count + right.columns(of: $1).count }
        #expect(total == piece.area)
    }

    @Test("a digit from a piece wider than any one digit costs widePieceDigitCost; from a narrower one, digitCost")
    func digitCostInsideAndOutsideWidePieces() throws {
        // A row 40 pixels high: a piece 100 wide (2.5 heights, over denseCutWidth) and one 20 wide.
        let ink = Self.inkMap(width: 160, height: 50, rectangles: [(5, 5, 100, 40), (120, 5, 20, 40)])
        let pieces = try Self.pieces(ink)
        try #require(pieces.count == 2)
        let wide = try #require(pieces.firstIndex { $0.box.width == 100 })
        let narrow = try #require(pieces.firstIndex { $0.box.width == 20 })
        var generator = SplitMix64(seed: 5)
        let model = MLP(inputCount: 784, hidden: [], outputCount: 10, activation: .relu, generator: &generator)
        var settings = SegmentationSettings()
        settings.digitCost = 0.25
        settings.widePieceDigitCost = -2
        let segmenter = RowSegmenter(
            pieces: pieces, members: [wide, narrow], ink: ink, blankLevel: 0, settings: settings,
            classifier: DigitClassifier(model: model))
        let box = PixelBox(x: 0, y: 5, width: 20, height: 40)
        let input = NormalizedDigit(
            pixels: [Float](repeating: 0, count: 784), inkFound: true, inkSource: .darkOnLight, inkBounds: nil)
        let probabilities = [0.1, 0.8] + [Float](repeating: 0.1 / 8, count: 8)
        let classification = Classification(probabilities: probabilities, input: input)
        func score(ofPartOf piece: Int) -> Double {
            let part = RowSegmenter.Part(slices: [Slice(piece: piece, left: nil, right: nil)], box: box, group: 0)
            return segmenter.evidence(
                [part][...], classification: classification, verifierChance: nil, box: box, next: nil, height: 40
            ).score(with: settings)
        }
        #expect(abs(score(ofPartOf: wide) - score(ofPartOf: narrow) - 2.25) < 1e-9)
        // Past a dozen heights a piece is an underline or a border, not a row of digits.
        #expect(PieceCutter.holdsTouchingDigits(width: 480, height: 40, denseWidth: 1.3))
        #expect(!PieceCutter.holdsTouchingDigits(width: 481, height: 40, denseWidth: 1.3))
    }

    @Test("any number of parts of one group may make a digit while no wider than widestDigit; other runs stop at four")
    func candidateRunsOfOneGroup() {
        var generator = SplitMix64(seed: 5)
        let model = MLP(inputCount: 784, hidden: [], outputCount: 10, activation: .relu, generator: &generator)
        let segmenter = RowSegmenter(
            pieces: [], members: [], ink: Self.inkMap(width: 1, height: 1, rectangles: []), blankLevel: 0,
            settings: SegmentationSettings(), classifier: DigitClassifier(model: model))
        // A 60-pixel-high row: six 12-pixel slices of one group (72 wide in all), then two parts
        // of another group, every part touching the next.
        let parts = (0 ..< 8).map { index in
            RowSegmenter.Part(
                slices: [], box: PixelBox(x: 12 * index, y: 0, width: 12, height: 60), group: index < 6 ? 0 : 1)
        }
        let ranges = Set(segmenter.candidateRanges(of: parts, height: 60))
        #expect(ranges.contains(0 ..< 6))
        #expect(ranges.contains(0 ..< 5))
        #expect(ranges.contains(4 ..< 8))
        #expect(!ranges.contains(2 ..< 7))
        #expect(!ranges.contains(1 ..< 7))

        var narrow = segmenter
        narrow.settings.widestDigit = 1
        let narrowRanges = Set(narrow.candidateRanges(of: parts, height: 60))
        #expect(!narrowRanges.contains(0 ..< 6))
        #expect(narrowRanges.contains(0 ..< 4))
    }
}
