import DigitsKit
import DigitsTestSupport
import Foundation
import Testing

/// How well a model classifies each kind of the picture sets (pictures of single digits drawn
/// as people's come: broad and fine pens, print, small noisy scans, turned digits on a page),
/// each beside the same digits drawn cleanly.
///
/// `DIGITS_PICTURE_SAMPLES` sets the pictures per kind (default 100); `DIGITS_PICTURE_MODEL`
/// measures another model file than the shipped one; `DIGITS_PICTURE_DIGITS=mnist-test` draws the
/// handwritten kinds from MNIST's 10,000 test digits (digits no model here was trained on)
/// instead of the bundled subset's. It also classifies the digits of another handwriting
/// collection (`OptDigits`). `scripts/picture-accuracy` runs it in release mode and prints the
/// tables as Markdown.
@Suite struct PictureAccuracyTests {
    static let environment = ProcessInfo.processInfo.environment
    static let sampleCount = Int(environment["DIGITS_PICTURE_SAMPLES"] ?? "") ?? 100

    /// Right answers on the pictures and on their clean versions.
    struct Score {
        var samples = 0
        var right = 0
        var cleanRight = 0
        var accuracy: Double { Double(right) / Double(max(1, samples)) }
        var cleanAccuracy: Double { Double(cleanRight) / Double(max(1, samples)) }
    }

    static func model() throws -> MLP {
        if let path = environment["DIGITS_PICTURE_MODEL"] {
            return try ModelFile(contentsOf: path).model
        }
        return try ShippedModel.load().model
    }

    static func sets() throws -> (PictureSets, String) {
        if environment["DIGITS_PICTURE_DIGITS"] == "mnist-test" {
            let directory = try #require(FullMNIST.directory, "DIGITS_PICTURE_DIGITS=mnist-test needs full MNIST")
            return (try PictureSets(digits: directory.load(.test)), "MNIST's test digits")
        }
        return (try PictureSets.fixtures(), "the subset's test digits")
    }

    static func score(_ kind: PictureSetKind, count: Int, sets: PictureSets, classifier: DigitClassifier) -> Score {
        let samples = (0 ..< count).map { sets.sample(kind, index: $0) }
        let labels = samples.map(\.label)
        var score = Score(samples: count)
        score.right = zip(predictions(of: samples.map(\.image), by: classifier), labels).filter { $0 == $1 }.count
        score.cleanRight = zip(predictions(of: samples.map(\.clean), by: classifier), labels).filter { $0 == $1 }.count
        return score
    }

    /// What `classifier` says each of `images` shows. The pictures go through the network in
    /// batches, which gives the answers one at a time would (`DigitClassifierTests`) and reads
    /// the weights once per batch instead of once per picture.
    static func predictions(of images: [GrayAlphaImage], by classifier: DigitClassifier) -> [Int] {
        var predictions: [Int] = []
        classifier.classify(images, decode: { $0 }) { _, answer in
            predictions.append((try? answer.get().prediction) ?? -1)
        }
        return predictions
    }

    @Test("the model classifies each kind of picture, beside the same digits drawn cleanly")
    func accuracy() throws {
        let (sets, source) = try Self.sets()
        let classifier = DigitClassifier(model: try Self.model())
        var rows: [String] = []
        var scores: [PictureSetKind: Score] = [:]
        for kind in PictureSetKind.allCases {
            let score = Self.score(kind, count: Self.sampleCount, sets: sets, classifier: classifier)
            scores[kind] = score
            rows.append(
                String(
                    format: "| %@ | %d | %.1f%% | %.1f%% |", kind.rawValue, score.samples, 100 * score.accuracy,
                    100 * score.cleanAccuracy))
        }
        print(
            ([
                "Pictures drawn from \(source):", "| kind | pictures | accuracy | drawn cleanly |",
                "|---|---:|---:|---:|",
            ]
                + rows).joined(separator: "\n"))

        // Floors a few points under what the shipped model reaches on the 100 subset pictures of
        // each kind that `swift test` draws (99–100%), so that a change to the normaliser or the
        // model that reads people's pictures worse is caught. A weaker model measured through
        // `scripts/picture-accuracy` may fall below them; the table is printed all the same.
        let floors: [PictureSetKind: Double] = [
            .clean: 0.96, .broadPen: 0.96, .finePen: 0.96, .printed: 0.96, .smallScan: 0.96, .turnedOffCentre: 0.95,
        ]
        for kind in PictureSetKind.allCases {
            #expect(
                scores[kind]!.accuracy >= floors[kind]!,
                "\(kind.rawValue): \(scores[kind]!.right) of \(scores[kind]!.samples) right")
        }
    }

    @Test("digits of another handwriting collection (UCI's optdigits), as held and enlarged, are classified")
    func anotherCollection() throws {
        let digits = try OptDigits()
        let classifier = DigitClassifier(model: try Self.model())
        // The 8×8 grids themselves, and the grids enlarged smoothly as a soft 32-pixel scan would
        // show them; with floors a few points under what the shipped model reaches (95.8% and
        // 93.8%), for the same reason as the picture sets' floors.
        var table = ["| digits of UCI's optdigits (13 writers) | pictures | accuracy |", "|---|---:|---:|"]
        for (side, floor) in [(8, 0.93), (32, 0.91)] {
            let pictures = (0 ..< digits.count).map { digits.picture($0, side: side) }
            let right = zip(Self.predictions(of: pictures, by: classifier), digits.labels).filter { $0 == Int($1) }
                .count
            let accuracy = Double(right) / Double(digits.count)
            table.append(
                String(format: "| %d×%d pixels | %d | %.1f%% |", side, side, digits.count, 100 * accuracy))
            #expect(accuracy >= floor, "\(side)×\(side) pixels: \(right) of \(digits.count) right")
        }
        print(table.joined(separator: "\n"))
    }

    @Test(
        "a small, blurred, noisy scan classifies within a point of the same digit drawn sharp",
        .enabled(if: FullMNIST.isAvailable, "needs full MNIST in $DIGITS_MNIST or ../shared/mnist"))
    func smallScansReadAsWellAsSharp() throws {
        // Digits the shipped model never saw: on the subset's (MNIST training) digits it knows the
        // sharp versions by heart, which measures its memory rather than the normaliser.
        let sets = try PictureSets(digits: try #require(FullMNIST.directory).load(.test))
        let classifier = DigitClassifier(model: try ShippedModel.load().model)
        let score = Self.score(.smallScan, count: 2000, sets: sets, classifier: classifier)
        print(String(format: "small scans %.1f%%, drawn sharp %.1f%%", 100 * score.accuracy, 100 * score.cleanAccuracy))
        #expect(
            score.accuracy >= score.cleanAccuracy - 0.01,
            "small scans: \(score.right) right, sharp versions: \(score.cleanRight) right, of \(score.samples)")
    }
}
