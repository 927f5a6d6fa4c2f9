import DigitsData
import DigitsImaging
import DigitsTensor
import Foundation

/// The kinds of picture of one digit in the picture sets: the ways people's pictures differ from
/// MNIST's, each of which a classifier has to survive.
public enum PictureSetKind: String, CaseIterable, Sendable {
    /// A handwritten digit 28–100 px tall, dark ink on white paper, sharp and noiseless: what the
    /// other kinds are compared with.
    case clean
    /// Written with a broad pen (a marker): strokes widened by 5–9% of the digit's height on
    /// each side, 40–150 px tall.
    case broadPen = "broad-pen"
    /// Written with a fine pen: strokes worn down to about a third of their ink, 80–200 px tall,
    /// so they are hairlines for their size.
    case finePen = "fine-pen"
    /// A printed digit in one of ten common faces, 18–120 px tall, 4 in 10 with a little noise.
    case printed
    /// A small scan or photo: a picture 28–48 px wide, blurred by a Gaussian of σ 0.8–1.2 px, with
    /// gray paper, gray ink and noise of σ 5–15 levels.
    case smallScan = "small-scan"
    /// Turned by 10–30° either way and written anywhere on a page several times its size.
    case turnedOffCentre = "turned-off-centre"
}

/// One labelled picture of a digit from the picture sets, with the same digit drawn cleanly.
public struct PictureSample: Sendable {
    /// The kind of picture.
    public var kind: PictureSetKind
    /// The sample's position in its kind's sequence.
    public var index: Int
    /// The picture.
    public var image: GrayAlphaImage
    /// The same ink without what the kind adds (blur, noise, a turn, a pen): sharp, upright, with
    /// margins on every side. Comparing the two measures what the kind costs.
    public var clean: GrayAlphaImage
    /// The digit drawn.
    public var label: Int
    /// How it was drawn (size, pen, face, blur…), to tell which variations a classifier fails on.
    public var details: String

    /// A name for messages and file names: `small-scan-12`.
    public var name: String { "\(kind.rawValue)-\(index)" }
}

/// A deterministic source of labelled pictures of single digits, drawn as people's pictures
/// come, from a set of handwritten MNIST-style digits and the printed glyphs of `Fixtures/fonts`.
///
/// Sample `index` of every handwritten kind draws digit `index` of the set (wrapping around), so
/// the kinds are compared on the same digits; its other choices depend only on the kind, the
/// index and the seed.
public struct PictureSets: Sendable {
    /// The seed used unless another is given.
    public static let defaultSeed: UInt64 = 0x91C7_0BE5

    /// The handwritten digits to draw from.
    public let digits: MNISTDataSet
    /// The printed faces to draw from.
    let fonts: [PrintedFont]

    /// Sets drawing from `digits` and the glyph strips in `fontsDirectory`.
    public init(digits: MNISTDataSet, fontsDirectory: String = DataTestSupport.packageRoot + "/Fixtures/fonts") throws {
        precondition(digits.count > 0, "the picture sets need at least one digit")
        self.digits = digits
        fonts = try PrintedFont.load(directory: fontsDirectory)
    }

    /// The sets drawn from the bundled subset's 1,000 test digits.
    public static func fixtures() throws -> PictureSets {
        try PictureSets(digits: MNISTDirectory(path: DataTestSupport.subsetDirectory).load(.test))
    }

    /// Sample `index` of `kind`.
    public func sample(_ kind: PictureSetKind, index: Int, seed: UInt64 = defaultSeed) -> PictureSample {
        var composer = SampleComposer(
            digits: digits, fonts: fonts, seed: seed,
            kindNumber: PictureSetKind.allCases.firstIndex(of: kind)! + 1, index: index)
        let drawn = composer.makePicture(kind, digitIndex: index % digits.count)
        return PictureSample(
            kind: kind, index: index, image: drawn.image, clean: drawn.clean, label: drawn.label,
            details: composer.details.joined(separator: ", "))
    }
}

extension SampleComposer {
    /// A picture of `kind` and its clean version: handwritten kinds draw digit `digitIndex`.
    mutating func makePicture(_ kind: PictureSetKind, digitIndex: Int) -> (
        image: GrayAlphaImage, clean: GrayAlphaImage, label: Int
    ) {
        let label = Int(digits.labels[digitIndex])
        func handwritten(_ range: ClosedRange<Double>) -> (InkPlane, Int) {
            let height = Int(uniform(range).rounded())
            details.append("\(height) px")
            return (handwrittenInk(ofDigit: digitIndex, height: height), height)
        }
        switch kind {
        case .clean:
            let (plane, height) = handwritten(28 ... 100)
            let image = withMargins(plane, height: Double(height)).image(
                paper: 255, inkLevel: 0, noise: 0, using: &random)
            return (image, image, label)
        case .broadPen:
            let (plane, height) = handwritten(40 ... 150)
            let radius = max(2, Int((Double(height) * uniform(0.05 ... 0.09)).rounded()))
            details.append("pen radius \(radius) px")
            let broad = plane.padded(by: radius).morphed(radius: radius, thicker: true)
            return (onPaper(broad, height: height), onPaper(plane, height: height), label)
        case .finePen:
            let (plane, height) = handwritten(80 ... 200)
            let full = plane.total
            var fine = plane
            // Thin as far as the pen allows while a third of the ink is left, so no stroke vanishes.
            for radius in stride(from: max(1, Int((Double(height) * 0.05).rounded())), through: 1, by: -1) {
                let thinner = plane.morphed(radius: radius, thicker: false)
                if thinner.total >= full / 3 {
                    details.append("worn by \(radius) px")
                    fine = thinner.trimmed()
                    break
                }
            }
            return (onPaper(fine, height: height), onPaper(plane, height: height), label)
        case .printed:
            let font = fonts[random.nextIndex(below: fonts.count)]
            let digit = random.nextIndex(below: 10)
            let height = logUniform(18 ... 120)
            let glyph = font.glyphs[digit].plane
            // The glyphs were rendered with the median digit 64 px tall.
            let plane = glyph.resized(
                width: max(1, Int((Double(glyph.width) * height / 64).rounded())),
                height: max(1, Int((Double(glyph.height) * height / 64).rounded())))
            details += [font.name, String(format: "%.0f px", height)]
            let noise = chance(0.4) ? uniform(3 ... 10) : 0
            if noise > 0 { details.append(String(format: "noise σ %.0f", noise)) }
            let framed = withMargins(plane, height: height)
            let paper = uniform(205 ... 250), ink = uniform(5 ... 70)
            return (
                framed.image(paper: paper, inkLevel: ink, noise: noise, using: &random),
                framed.image(paper: paper, inkLevel: ink, noise: 0, using: &random), digit
            )
        case .smallScan:
            let width = integer(28 ... 48)
            let height = max(12, Int((Double(width) * uniform(0.55 ... 0.75)).rounded()))
            let plane = handwrittenInk(ofDigit: digitIndex, height: height)
            let pictureHeight = max(width, height + 6)
            let left = integer(2 ... max(2, width - plane.width - 2))
            let top = integer(2 ... max(2, pictureHeight - plane.height - 2))
            let framed = plane.padded(
                left: left, top: top, right: max(0, width - plane.width - left),
                bottom: max(0, pictureHeight - plane.height - top))
            let blur = uniform(0.8 ... 1.2), noise = uniform(5 ... 15)
            let paper = uniform(170 ... 235), ink = uniform(30 ... 90)
            details.append(
                String(
                    format: "%d×%d px, digit %d px, blur σ %.1f, noise σ %.0f", width, pictureHeight, height, blur,
                    noise))
            return (
                framed.blurred(sigma: blur).image(paper: paper, inkLevel: ink, noise: noise, using: &random),
                framed.image(paper: paper, inkLevel: ink, noise: 0, using: &random), label
            )
        case .turnedOffCentre:
            let (plane, height) = handwritten(40 ... 100)
            let angle = (chance(0.5) ? -1 : 1) * uniform(10 ... 30)
            let turned = plane.rotated(degrees: angle).trimmed()
            let pageWidth = Int(Double(turned.width) * uniform(3 ... 6))
            let pageHeight = Int(Double(turned.height) * uniform(2 ... 4))
            let left = integer(0 ... pageWidth - turned.width), top = integer(0 ... pageHeight - turned.height)
            details.append(
                String(format: "turned %.0f°, at (%d, %d) on %d×%d", angle, left, top, pageWidth, pageHeight))
            let page = turned.padded(
                left: left, top: top, right: pageWidth - turned.width - left, bottom: pageHeight - turned.height - top)
            let paper = uniform(200 ... 245), ink = uniform(10 ... 80)
            return (
                page.image(paper: paper, inkLevel: ink, noise: 0, using: &random),
                withMargins(plane, height: Double(height)).image(paper: paper, inkLevel: ink, noise: 0, using: &random),
                label
            )
        }
    }

    /// `plane` with margins, dark ink on white paper.
    mutating func onPaper(_ plane: InkPlane, height: Int) -> GrayAlphaImage {
        withMargins(plane, height: Double(height)).image(paper: 255, inkLevel: 0, noise: 0, using: &random)
    }
}
