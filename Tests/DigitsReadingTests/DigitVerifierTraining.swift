import DigitsKit
import DigitsTestSupport
import Foundation
import Testing

@testable import DigitsReading

/// Trains the reader's digit verifier, `Models/digit-verifier.safetensors`, when
/// `scripts/train-verifier` sets `DIGITS_VERIFIER_OUTPUT` to where it goes (and full MNIST is
/// here); otherwise only the labelling rule is tested.
///
/// The verifier learns from what the reader itself proposes. Rows of numbers are drawn as the
/// reading sets draw them, but from MNIST's training digits and with a seed of their own; the
/// reader splits each into its candidate digits (without a verifier: the candidates do not
/// depend on one); and each candidate is labelled with the digit drawn where it lies, or "not one
/// digit" (see `label(of:digitBoxes:digits:)`). Rows drawn from MNIST's test digits are held out
/// to say how often the finished verifier is right.
@Suite struct DigitVerifierTraining {
    static let environment = ProcessInfo.processInfo.environment

    /// The label meaning "not one whole digit".
    static let notOneDigit = 10

    /// The label of a candidate whose ink lies in `box`, in a picture where `digits` were drawn in
    /// `digitBoxes`: the digit whose box it matches, every edge within a slack of 6% of that
    /// digit's height (at least 2 pixels: anti-aliasing, a cut's wobble); `notOneDigit` when some
    /// edge lies more than 2.5 slacks from every digit's; nil, to be left out, in between.
    static func label(of box: PixelBox, digitBoxes: [PixelBox], digits: [Int]) -> Int? {
        let misfits = digitBoxes.map { drawn in
            let slack = max(2, 0.06 * Double(drawn.height))
            let edges = [
                abs(box.x - drawn.x), abs(box.x + box.width - drawn.x - drawn.width), abs(box.y - drawn.y),
                abs(box.y + box.height - drawn.y - drawn.height),
            ]
            return Double(edges.max()!) / slack
        }
        guard let best = misfits.indices.min(by: { misfits[$0] < misfits[$1] }) else { return notOneDigit }
        if misfits[best] <= 1 { return digits[best] }
        return misfits[best] > 2.5 ? notOneDigit : nil
    }

    @Test("a candidate is labelled with the digit whose box it matches, not one digit when far from all, else left out")
    func labels() {
        let boxes = [PixelBox(x: 10, y: 10, width: 30, height: 50), PixelBox(x: 45, y: 12, width: 8, height: 50)]
        // Slack: 3 pixels for both (6% of 50).
        #expect(Self.label(of: PixelBox(x: 12, y: 9, width: 27, height: 50), digitBoxes: boxes, digits: [0, 1]) == 0)
        #expect(Self.label(of: PixelBox(x: 45, y: 12, width: 9, height: 49), digitBoxes: boxes, digits: [0, 1]) == 1)
        // Both digits as one, half of the 0, the 1 with a sliver of the 0.
        #expect(Self.label(of: PixelBox(x: 10, y: 10, width: 43, height: 52), digitBoxes: boxes, digits: [0, 1]) == 10)
        #expect(Self.label(of: PixelBox(x: 10, y: 10, width: 15, height: 50), digitBoxes: boxes, digits: [0, 1]) == 10)
        #expect(
            Self.label(of: PixelBox(x: 40, y: 12, width: 13, height: 50), digitBoxes: boxes, digits: [0, 1]) == nil)
    }

    /// The 28×28 inputs (bytes, 0…255) of the candidates the reader proposes in `samples`, and
    /// their labels; pictures of several rows, or without digit boxes, are skipped.
    static func candidates(of samples: [ReadingSample], reader: NumberReader) throws -> (
        pixels: [UInt8], labels: [Int]
    ) {
        var pixels: [UInt8] = []
        var labels: [Int] = []
        for sample in samples where !sample.digitBoxes.isEmpty {
            let rows = try reader.rowSegmenters(of: sample.image, name: sample.name)
            guard rows.count == 1 else { continue }
            let digits = sample.text.compactMap(\.wholeNumberValue)
            for candidate in rows[0].candidates(row: 0).candidates {
                guard let label = label(of: candidate.digit.box, digitBoxes: sample.digitBoxes, digits: digits)
                else { continue }
                pixels += candidate.input.pixels.map { UInt8(($0 * 255).rounded()) }
                labels.append(label)
            }
        }
        return (pixels, labels)
    }

    @Test func train() throws {
        guard let output = Self.environment["DIGITS_VERIFIER_OUTPUT"] else { return }
        let directory = try #require(FullMNIST.directory, "training the verifier needs full MNIST")
        let seed: UInt64 = 0x7E41_F1E5
        let rowsPerKind = 1500
        // Touching rows twice: they hold most of what the verifier must learn.
        let kinds: [ReadingSetKind] = [.spaced, .tight, .touching, .touching, .sizesAndPens, .printed]
        let reader = NumberReader(model: try ShippedModel.load().model, verifier: nil)
        let training = try ReadingSets(digits: directory.load(.train))
        let heldOut = try ReadingSets(digits: directory.load(.test))

        var examples: (pixels: [UInt8], labels: [Int]) = ([], [])
        for (number, kind) in kinds.enumerated() {
            let samples = (0 ..< rowsPerKind).map {
                training.sample(kind, index: number * rowsPerKind + $0, seed: seed)
            }
            let found = try Self.candidates(of: samples, reader: reader)
            examples.pixels += found.pixels
            examples.labels += found.labels
        }
        var held: (pixels: [UInt8], labels: [Int]) = ([], [])
        for kind in [ReadingSetKind.spaced, .touching, .printed] {
            let found = try Self.candidates(of: heldOut.samples(kind, count: 150, seed: seed), reader: reader)
            held.pixels += found.pixels
            held.labels += found.labels
        }
        let wholeDigits = examples.labels.filter { $0 != Self.notOneDigit }.count
        print("\(examples.labels.count) candidates, \(wholeDigits) of them whole digits; \(held.labels.count) held out")

        let hidden = [256, 128]
        let epochs = 10
        let batchSize = 128
        let peakRate: Float = 0.05
        var generator = SplitMix64(seed: 11)
        var model = MLP(
            inputCount: NormalizedDigit.side * NormalizedDigit.side, hidden: hidden,
            outputCount: ModelFile.verifierOutputCount, activation: .relu, generator: &generator)
        var optimizer = Optimizer(for: model, method: .sgd, momentum: 0.9)
        let side = NormalizedDigit.side * NormalizedDigit.side
        let steps = examples.labels.count / batchSize
        var order = Array(examples.labels.indices)
        var heldOutRight = 0.0
        for epoch in 0 ..< epochs {
            for i in order.indices.reversed() {
                order.swapAt(i, generator.nextIndex(below: i + 1))
            }
            for step in 0 ..< steps {
                let progress = (Float(epoch) + Float(step) / Float(steps)) / Float(epochs)
                let chosen = order[step * batchSize ..< (step + 1) * batchSize]
                let inputs = chosen.flatMap { examples.pixels[$0 * side ..< ($0 + 1) * side].map { Float($0) / 255 } }
                optimizer.trainingStep(
                    &model, inputs: Matrix(rows: batchSize, columns: side, values: inputs),
                    labels: chosen.map { examples.labels[$0] }, loss: .crossEntropy,
                    learningRate: peakRate * (1 + cos(Float.pi * progress)) / 2)
            }
            let probabilities = model.probabilities(
                Matrix(rows: held.labels.count, columns: side, values: held.pixels.map { Float($0) / 255 }))
            let right = held.labels.indices.filter { row in
                let scores = (0 ... Self.notOneDigit).map { probabilities[row, $0] }
                return scores.indices.max { scores[$0] < scores[$1] } == held.labels[row]
            }
            heldOutRight = Double(right.count) / Double(held.labels.count)
            print(
                "epoch \(epoch + 1) of \(epochs): \(String(format: "%.2f", 100 * heldOutRight))% of held-out candidates right"
            )
        }

        let summary: [String: Any] = [
            "made by": "scripts/train-verifier",
            "network": "784-" + hidden.map(String.init).joined(separator: "-") + "-11 relu, output 10 = not one digit",
            "candidates": examples.labels.count, "whole digits": wholeDigits,
            "rows":
                "\(rowsPerKind) each of spaced, tight, touching (twice), sizes and pens, printed, from MNIST's training digits",
            "training":
                "\(epochs) epochs of SGD, momentum 0.9, batches of \(batchSize), learning rate \(peakRate) on a cosine",
            "held-out candidates right": heldOutRight,
        ]
        let json = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys, .withoutEscapingSlashes])
        try ModelFile(model: model, trainingRecord: TrainingRecord(summary: String(decoding: json, as: UTF8.self)))
            .write(to: output, precision: .float16)
    }
}
