import DigitsClassifier
import DigitsImaging
import DigitsModel
import DigitsTensor

/// A row of digits as the row reader (`NumberReader.rowReader`) sees it: the row's ink scaled to
/// `inkHeight` pixels tall, keeping its proportions unless it would be wider than the input
/// allows (then it is squeezed across), at `margin` pixels from the top left of an input
/// `inputHeight` tall and as wide as the network reads.
struct RowReaderInput {
    /// The network's input height, in pixels.
    static let inputHeight = 28
    /// The height the row's ink is scaled to.
    static let inkHeight = 24
    /// Paper above and left of the ink.
    static let margin = 2

    /// The input, `inputHeight` rows of the network's input width, ink 0…1.
    var values: [Float]
    /// The row's box in the picture.
    var box: PixelBox
    /// Input columns per picture column.
    var horizontalScale: Double

    /// The input for `ink`, a row's ink cut out of the picture at `box` (other ink blanked), for
    /// a network whose input is `width` columns wide.
    init(ink: InkMap, box: PixelBox, width: Int) {
        precondition(ink.width == box.width && ink.height == box.height, "the ink of the box")
        let room = width - 2 * Self.margin
        let inkWidth = max(
            1, min(room, Int((Double(box.width) * Double(Self.inkHeight) / Double(box.height)).rounded())))
        let scaled = ink.resampled(
            PixelBox(x: 0, y: 0, width: box.width, height: box.height), width: inkWidth, height: Self.inkHeight)
        var values = [Float](repeating: 0, count: Self.inputHeight * width)
        for y in 0 ..< Self.inkHeight {
            let row = (y + Self.margin) * width + Self.margin
            for x in 0 ..< inkWidth { values[row + x] = min(1, scaled[y * inkWidth + x]) }
        }
        self.values = values
        self.box = box
        horizontalScale = Double(inkWidth) / Double(box.width)
    }

    /// The picture column of input column `column`.
    func pictureColumn(of column: Double) -> Double {
        Double(box.x) + (column - Double(Self.margin)) / horizontalScale
    }
}

extension RowSegmenter {
    /// Whether the row holds a piece wide enough to be several touching digits, which the row
    /// reader reads: `rowReaderWidth` to 12 times the row's height
    /// (`PieceCutter.holdsTouchingDigits`). `groups` are the row's `groups()`, when they are
    /// already found.
    func holdsTouchingDigits(groups: [Group]? = nil) -> Bool {
        let height = rowHeight(of: groups ?? self.groups())
        return members.contains { member in
            PieceCutter.holdsTouchingDigits(
                width: pieces[member].box.width, height: height, denseWidth: settings.rowReaderWidth)
        }
    }

    /// The row's ink (other rows' and specks blanked) as the row reader's input, for a network
    /// whose input is `width` columns wide.
    func rowReaderInput(width: Int) -> RowReaderInput {
        let box = members.dropFirst().reduce(pieces[members[0]].box) { $0.union(pieces[$1].box) }
        return RowReaderInput(ink: inkMap(of: members.map { Slice(piece: $0) }, in: box), box: box, width: width)
    }

    /// The row read whole by `rowReader`, without cutting it: the likeliest string of digits by
    /// beam search over its frames (`ConnectionistTemporalClassification.beamSearch`), each digit
    /// then changed to another while that makes the string likelier. Each digit's probabilities
    /// are the row reader's chances of the string with that digit replaced by each of the ten,
    /// shared out; its box is the row's ink between the midpoints to its neighbours' frames on
    /// the string's likeliest path.
    func readWhole(row: Int, with rowReader: ConvolutionalNetwork) -> [ReadDigit] {
        let input = rowReaderInput(width: rowReader.convolutions[0].inputWidth)
        let logits = rowReader.logits(Matrix(rows: 1, columns: input.values.count, values: input.values))
        let (frames, classes) = (rowReader.frames, rowReader.outputCount)
        let blank = classes - 1
        let scores = ConnectionistTemporalClassification.Scores(
            logits: logits.storage, frames: frames, classes: classes, blank: blank)
        var labels = ConnectionistTemporalClassification.beamSearch(
            logits: logits.storage, frames: frames, classes: classes, blank: blank,
            beamWidth: max(1, Int(settings.rowReaderBeamWidth)))
        // The beam may drop the string it should have kept; one digit changed at a time, each
        // change making the string likelier, finds it when it differs by a digit or two, and
        // leaves every digit its position's likeliest.
        var probabilities: [[Float]] = []
        var changed = true
        while changed {
            changed = false
            probabilities = []
            for position in labels.indices {
                let chances = (0 ..< blank).map { digit -> Double in
                    var replaced = labels
                    replaced[position] = digit
                    return scores.logProbability(of: replaced)
                }
                let best = chances.indices.max { chances[$0] < chances[$1] }!
                if chances[best] > chances[labels[position]] {
                    labels[position] = best
                    changed = true
                }
                probabilities.append(Softmax.probabilities(of: chances.map { Float(max($0, -1e30)) }))
            }
        }
        guard
            let spans = ConnectionistTemporalClassification.alignment(
                logits: logits.storage, frames: frames, classes: classes, blank: blank, labels: labels)
        else { return [] }
        let read = labels.indices.map { (label: labels[$0], frames: spans[$0], probabilities: probabilities[$0]) }
        return digits(of: read, input: input, rowReader: rowReader, row: row)
    }

    /// The digits `read` by the row reader in `input`, each with the frames it holds on the
    /// likeliest path and its probabilities, as `ReadDigit`s with their boxes.
    func digits(
        of read: [(label: Int, frames: Range<Int>, probabilities: [Float])], input: RowReaderInput,
        rowReader: ConvolutionalNetwork, row: Int
    ) -> [ReadDigit] {
        guard !read.isEmpty else { return [] }
        let slices = members.map { Slice(piece: $0) }
        let box = input.box

        let centres = read.map { label in
            let middleFrame = Double(label.frames.lowerBound + label.frames.upperBound - 1) / 2
            return input.pictureColumn(of: rowReader.centreColumn(ofFrame: middleFrame))
        }
        var edges = [box.x]
        for index in 1 ..< centres.count {
            let midpoint = Int(((centres[index - 1] + centres[index]) / 2).rounded())
            edges.append(min(box.x + box.width, max(edges[index - 1], midpoint)))
        }
        edges.append(box.x + box.width)

        return read.indices.map { index in
            let columns = PixelBox(
                x: edges[index], y: box.y, width: max(1, edges[index + 1] - edges[index]), height: box.height)
            let digitInk = inkMap(of: slices, in: columns)
            var digit = classifier.normalizer.normalize(digitInk, holdingToBody: false)
            var digitBox = columns
            if let bounds = digit.inkBounds {
                digitBox = PixelBox(
                    x: bounds.x + columns.x, y: bounds.y + columns.y, width: bounds.width, height: bounds.height)
                digit.inkBounds = digitBox
            }
            return ReadDigit(
                classification: Classification(probabilities: read[index].probabilities, input: digit), box: digitBox,
                row: row)
        }
    }
}
