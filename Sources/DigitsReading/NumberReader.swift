import DigitsClassifier
import DigitsImaging
import DigitsModel

/// Reads the number in a picture: every digit, in rows top to bottom, each row left to right.
///
/// It finds the ink as the normaliser does (background side, noise floor, contrast), breaks it
/// into connected pieces, drops specks, groups the pieces into rows, and splits each row into
/// digits by recognition (see `RowSegmenter`): pieces of one digit are joined, touching digits
/// are cut apart, and every candidate digit is normalised to 28×28 and classified as
/// `DigitClassifier` classifies a picture of one digit (except that its box is not held to the
/// digit's body, since a candidate's edges may be cuts rather than a blur's fading edge), and
/// judged by the verifier, which says how likely it is to be one whole digit.
public struct NumberReader: Sendable {
    /// The classifier each digit goes through.
    public let classifier: DigitClassifier
    /// The network that tells one whole digit from anything else a candidate may be (two digits
    /// run together, part of one, a stray mark): 784 inputs, 11 outputs, the last for "not one
    /// digit". Without it, touching digits are mostly read as fewer digits than they are, since the
    /// classifier reads a blob of two digits as some digit, quite sure of itself.
    public let verifier: MLP?
    /// The network that says where a cut through a row of touching digits parts them cleanly:
    /// 784 inputs (the piece around a place, at 28 cells to the row's height; see `CutCostMap`), 2
    /// outputs, the second for "digits part here". Without it, cuts go where the ink is thinnest,
    /// which is often inside a digit rather than where two meet. With it, rows of touching digits
    /// read right far more often, rows of separate digits about as often, a little more slowly.
    public let cutScorer: MLP?
    /// The networks that read a row holding touching digits whole, without cutting it: each a
    /// convolutional network over the row's ink scaled to 24 pixels tall that gives, at every
    /// frame of a few columns, the chance of each digit and of none (see `RowReaderInput` and
    /// `ConnectionistTemporalClassification`). Where digits overlap, no cut down the picture holds
    /// each one cleanly, but a row reader never cuts. With several, a string's chance is the mean
    /// of its log-probabilities under each (see `SegmentationSettings.rowReaderViews`). Rows
    /// without such a piece are split into digits as before; without a row reader, every row is.
    public let rowReaders: [ConvolutionalNetwork]
    /// How digits are found; the defaults suit handwriting and print alike
    /// (`SegmentationSettings.forCutScorer` with a cut scorer).
    public var settings: SegmentationSettings

    /// How many outputs a digit verifier gives: one per digit, then "not one digit".
    public static let verifierOutputCount = 11
    /// How many outputs a cut scorer gives: "digits do not part here", then "they do".
    public static let cutScorerOutputCount = 2
    /// How many outputs a row reader gives at each frame: one per digit, then "no digit here".
    public static let rowReaderOutputCount = 11

    /// A reader using `model` (784 inputs, 10 outputs) to read digits, `verifier` (784 inputs,
    /// 11 outputs; `ShippedModel.loadVerifier()` gives the one that ships) to judge candidates,
    /// and `cutScorer` (784 inputs, 2 outputs; `ShippedModel.loadCutScorer()`) to place cuts, and
    /// `rowReaders` (each with a 28-pixel-tall single-channel input and 11 outputs a frame;
    /// `ShippedModel.loadRowReaders()`) to read rows of touching digits whole.
    public init(model: MLP, verifier: MLP?, cutScorer: MLP?, rowReaders: [ConvolutionalNetwork] = []) {
        let side = NormalizedDigit.side * NormalizedDigit.side
        precondition(
            verifier.map { $0.inputCount == side && $0.outputCount == Self.verifierOutputCount } ?? true,
            "a digit verifier needs a 784 → \(Self.verifierOutputCount) model")
        precondition(
            cutScorer.map { $0.inputCount == side && $0.outputCount == Self.cutScorerOutputCount } ?? true,
            "a cut scorer needs a 784 → \(Self.cutScorerOutputCount) model")
        precondition(
            rowReaders.allSatisfy {
                $0.outputCount == Self.rowReaderOutputCount
                    && $0.convolutions[0].inputHeight == RowReaderInput.inputHeight
                    && $0.convolutions[0].inputChannels == 1
            },
            "a row reader needs a 28-pixel-tall, one-channel input and \(Self.rowReaderOutputCount) outputs a frame")
        classifier = DigitClassifier(model: model)
        self.verifier = verifier
        self.cutScorer = cutScorer
        self.rowReaders = rowReaders
        settings = cutScorer == nil ? SegmentationSettings() : .forCutScorer
    }

    /// Reads the PNG file at `path`.
    public func read(contentsOfFile path: String) throws(ReadingError) -> Reading {
        let image: GrayAlphaImage
        do {
            image = try PNGDecoder.decode(contentsOfFile: path)
        } catch {
            throw .unreadablePicture(error)
        }
        return try read(image, name: path)
    }

    /// Reads PNG bytes held in memory; `name` labels them in errors.
    public func read(pngBytes bytes: [UInt8], name: String) throws(ReadingError) -> Reading {
        let image: GrayAlphaImage
        do {
            image = try PNGDecoder.decode(bytes, name: name)
        } catch {
            throw .unreadablePicture(error)
        }
        return try read(image, name: name)
    }

    /// Reads a decoded image; `name` labels it in errors.
    public func read(_ image: GrayAlphaImage, name: String = "picture") throws(ReadingError) -> Reading {
        var readRows: [ReadRow] = []
        for segmenter in try rowSegmenters(of: image, name: name) {
            let digits = segmenter.read(row: readRows.count)
            if !digits.isEmpty { readRows.append(ReadRow(digits: digits)) }
        }
        return Reading(rows: readRows, width: image.width, height: image.height)
    }

    /// The picture's rows of ink, top to bottom, each ready to be split into digits; none when the
    /// picture has no ink.
    func rowSegmenters(of image: GrayAlphaImage, name: String) throws(ReadingError) -> [RowSegmenter] {
        let ink = classifier.normalizer.inkMap(of: image)
        guard ink.found, let blankLevel = ink.table.firstIndex(of: 0) else { return [] }

        let pieces = try InkPiece.pieces(
            of: ink, threshold: settings.inkThreshold, runLimit: settings.maximumRuns, name: name)
        let tallest = pieces.map(\.box.height).max() ?? 0
        let speckArea = max(settings.speckArea, Int(settings.speckAreaFraction * Double(tallest * tallest)))
        let kept = pieces.indices.filter { pieces[$0].area > speckArea }
        guard kept.count <= settings.maximumPieces else {
            throw .tooManyPieces(name: name, found: kept.count, limit: settings.maximumPieces)
        }
        guard !kept.isEmpty else { return [] }

        let dotGap = Self.dotGap(of: kept.map { pieces[$0].box }, dottedSize: settings.dottedSize)
        let rows = RowFinder(pieces: kept.map { pieces[$0] }, overlap: settings.rowOverlap, dotGap: dotGap).rows()
        return rows.map { members in
            RowSegmenter(
                pieces: pieces, members: members.map { kept[$0] }, ink: ink, blankLevel: UInt8(blankLevel),
                settings: settings, classifier: classifier, verifier: verifier, cutScorer: cutScorer,
                rowReaders: rowReaders, dotGap: dotGap)
        }
    }

    /// How close pieces must be to count as dots of one stroke: the typical piece's size when the
    /// typical piece is small next to the height of all the ink (a dotted or dashed pen breaks
    /// every stroke into marks a few pixels across, with gaps of about their size), else 0.
    static func dotGap(of boxes: [PixelBox], dottedSize: Double) -> Int {
        guard let top = boxes.map(\.y).min(), let bottom = boxes.map({ $0.y + $0.height }).max() else { return 0 }
        let sizes = boxes.map { max($0.width, $0.height) }.sorted()
        let typical = sizes[sizes.count / 2]
        return Double(typical) <= dottedSize * Double(bottom - top) ? typical : 0
    }
}
