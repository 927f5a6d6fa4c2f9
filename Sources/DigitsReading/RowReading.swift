import DigitsClassifier
import DigitsImaging
import DigitsModel
import DigitsTensor

/// A row of digits as a row reader (`NumberReader.rowReaders`) sees it: the row's ink scaled to
/// `inkHeight` pixels tall, keeping its proportions unless it would be wider than the input
/// allows (then it is squeezed across), at `margin` pixels from the top left of an input
/// `inputHeight` tall and as wide as the network reads.
struct RowReaderInput {
    /// The network's input height, in pixels.
    static let inputHeight = 28
    /// The height the row's ink is scaled to.
    static let inkHeight = 24
    /// Paper above the ink, and left of it unless the input is shifted.
    static let margin = 2

    /// The input, `inputHeight` rows of the network's input width, ink 0…1.
    var values: [Float]
    /// The row's box in the picture.
    var box: PixelBox
    /// Input columns per picture column.
    var horizontalScale: Double

    /// Input columns left of the ink.
    var left: Int

    /// The input for `ink`, a row's ink cut out of the picture at `box` (other ink blanked), for
    /// a network whose input is `width` columns wide, with `left` columns of paper before it.
    init(ink: InkMap, box: PixelBox, width: Int, left: Int = margin) {
        precondition(ink.width == box.width && ink.height == box.height, "the ink of the box")
        precondition(left >= 0 && left + Self.margin < width, "room for ink")
        let room = width - left - Self.margin
        let inkWidth = max(
            1, min(room, Int((Double(box.width) * Double(Self.inkHeight) / Double(box.height)).rounded())))
        let scaled = ink.resampled(
            PixelBox(x: 0, y: 0, width: box.width, height: box.height), width: inkWidth, height: Self.inkHeight)
        var values = [Float](repeating: 0, count: Self.inputHeight * width)
        for y in 0 ..< Self.inkHeight {
            let row = (y + Self.margin) * width + left
            for x in 0 ..< inkWidth { values[row + x] = min(1, scaled[y * inkWidth + x]) }
        }
        self.values = values
        self.box = box
        self.left = left
        horizontalScale = Double(inkWidth) / Double(box.width)
    }

    /// The picture column of input column `column`.
    func pictureColumn(of column: Double) -> Double {
        Double(box.x) + (column - Double(left)) / horizontalScale
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

    /// The row's box and its ink there, other rows' and specks blanked.
    func rowInk() -> (ink: InkMap, box: PixelBox) {
        let box = members.dropFirst().reduce(pieces[members[0]].box) { $0.union(pieces[$1].box) }
        return (inkMap(of: members.map { Slice(piece: $0) }, in: box), box)
    }

    /// The row's ink as the row reader's input, for a network whose input is `width` columns wide.
    func rowReaderInput(width: Int) -> RowReaderInput {
        let (ink, box) = rowInk()
        return RowReaderInput(ink: ink, box: box, width: width)
    }

    /// The row read whole by `rowReaders`, without cutting it.
    ///
    /// Each row reader reads the row `settings.rowReaderViews` times (at most as many as there
    /// are columns between its frames), shifted right a pixel more each time: a network whose
    /// frames lie some columns apart sees a digit differently as it falls between them, and the
    /// readings' mistakes are partly their own. Every reading gives each string a probability
    /// (`ConnectionistTemporalClassification.Scores`); a string's chance is the mean of their
    /// logs. The string read is the likeliest of each reading's beam
    /// search (`ConnectionistTemporalClassification.beamSearch`), then each digit changed to
    /// another while that makes the string likelier. Each digit's probabilities are the chances
    /// of the string with that digit replaced by each of the ten, shared out; its box is the
    /// row's ink between the midpoints to its neighbours' frames on the first reading's
    /// likeliest path.
    func readWhole(row: Int, with rowReaders: [ConvolutionalNetwork]) -> [ReadDigit] {
        typealias CTC = ConnectionistTemporalClassification
        let blank = NumberReader.rowReaderOutputCount - 1
        let (ink, box) = rowInk()
        var readings: [(network: ConvolutionalNetwork, input: RowReaderInput, logits: [Float])] = []
        for network in rowReaders {
            // Shifted by a whole frame's step, the row gives the same frames one place on.
            let shifts = 0 ..< max(1, min(network.frameStep, Int(settings.rowReaderViews)))
            let inputs = shifts.map { shift in
                RowReaderInput(
                    ink: ink, box: box, width: network.convolutions[0].inputWidth, left: RowReaderInput.margin + shift)
            }
            // Each frame's logits, image after image: all the shifts go through the network at once.
            let logits = network.logits(
                Matrix(rows: inputs.count, columns: network.inputCount, values: inputs.flatMap(\.values)))
            let perImage = network.frames * network.outputCount
            for (index, input) in inputs.enumerated() {
                readings.append((network, input, Array(logits.storage[index * perImage ..< (index + 1) * perImage])))
            }
        }
        let scores = readings.map { reading in
            CTC.Scores(
                logits: reading.logits, frames: reading.network.frames, classes: reading.network.outputCount,
                blank: blank)
        }
        func logChance(_ labels: [Int]) -> Double {
            scores.reduce(0) { $0 + $1.logProbability(of: labels) } / Double(scores.count)
        }
        let candidates = readings.map { reading in
            CTC.beamSearch(
                logits: reading.logits, frames: reading.network.frames, classes: reading.network.outputCount,
                blank: blank, beamWidth: max(1, Int(settings.rowReaderBeamWidth)))
        }
        var labels = candidates.max { logChance($0) < logChance($1) }!
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
                    return logChance(replaced)
                }
                let best = chances.indices.max { chances[$0] < chances[$1] }!
                if chances[best] > chances[labels[position]] {
                    labels[position] = best
                    changed = true
                }
                probabilities.append(Softmax.probabilities(of: chances.map { Float(max($0, -1e30)) }))
            }
        }
        let (network, input, logits) = readings[0]
        guard
            let spans = CTC.alignment(
                logits: logits, frames: network.frames, classes: network.outputCount, blank: blank, labels: labels)
        else { return [] }
        let read = labels.indices.map { (label: labels[$0], frames: spans[$0], probabilities: probabilities[$0]) }
        return digits(of: read, input: input, rowReader: network, row: row)
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
