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
/// digit's body, since a candidate's edges may be cuts rather than a blur's fading edge).
public struct NumberReader: Sendable {
    /// The classifier each digit goes through.
    public let classifier: DigitClassifier
    /// How digits are found; the defaults suit handwriting and print alike.
    public var settings = SegmentationSettings()

    /// A reader using `model` (784 inputs, 10 outputs).
    public init(model: MLP) {
        classifier = DigitClassifier(model: model)
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
        let ink = classifier.normalizer.inkMap(of: image)
        let empty = Reading(rows: [], width: image.width, height: image.height)
        guard ink.found, let blankLevel = ink.table.firstIndex(of: 0) else { return empty }

        let pieces = try InkPiece.pieces(
            of: ink, threshold: settings.inkThreshold, runLimit: settings.maximumRuns, name: name)
        let tallest = pieces.map(\.box.height).max() ?? 0
        let speckArea = max(settings.speckArea, Int(settings.speckAreaFraction * Double(tallest * tallest)))
        let kept = pieces.indices.filter { pieces[$0].area > speckArea }
        guard kept.count <= settings.maximumPieces else {
            throw .tooManyPieces(name: name, found: kept.count, limit: settings.maximumPieces)
        }
        guard !kept.isEmpty else { return empty }

        let dotGap = Self.dotGap(of: kept.map { pieces[$0].box }, dottedSize: settings.dottedSize)
        let rows = RowFinder(pieces: kept.map { pieces[$0] }, overlap: settings.rowOverlap, dotGap: dotGap).rows()
        var readRows: [ReadRow] = []
        for members in rows {
            let segmenter = RowSegmenter(
                pieces: pieces, members: members.map { kept[$0] }, ink: ink, blankLevel: UInt8(blankLevel),
                settings: settings, classifier: classifier, dotGap: dotGap)
            let digits = segmenter.read(row: readRows.count)
            if !digits.isEmpty { readRows.append(ReadRow(digits: digits)) }
        }
        return Reading(rows: readRows, width: image.width, height: image.height)
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
