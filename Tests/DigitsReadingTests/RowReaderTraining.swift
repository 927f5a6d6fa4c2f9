import DigitsKit
import DigitsTestSupport
import Foundation
import Testing

@testable import DigitsReading

/// Trains one of the reader's row readers, `Models/row-reader-2px.safetensors` or
/// `Models/row-reader-4px.safetensors` (`DIGITS_ROW_READER_FRAME_STEP` 2 or 4), when
/// `scripts/train-verifier --row-reader` sets `DIGITS_ROW_READER_OUTPUT` to where it goes (and
/// full MNIST is here); otherwise only the row reader's input is tested.
///
/// The row reader learns from pictures of numbers drawn as the reading sets draw them, but from
/// MNIST's training digits and with a seed of their own: three touching rows in every seven, the
/// rest spaced, tight, degraded and of every size and pen, since a row of any kind is read by the
/// row reader once a piece of it is as wide as touching digits (a wide 0, two digits a blur runs
/// together). Each picture is drawn afresh when its turn comes, so no
/// picture is seen twice, and each goes through the reader's own path to the row reader's input
/// (`RowSegmenter.rowReaderInput`), so the network learns from exactly what it will read. It
/// learns by the CTC loss of the number's digits, with SGD with momentum, each half of a batch
/// on its own thread. Touching rows drawn from MNIST's test digits are held out to say how often
/// it reads a row whole after each epoch.
@Suite struct RowReaderTraining {
    static let environment = ProcessInfo.processInfo.environment
    /// The row reader's input width: 252 columns (at 24 pixels a row's height, ten digits and more).
    static let inputWidth = 252

    /// The single row of `sample` as the row reader's input, and its digits; nil for a picture
    /// whose ink the reader finds in more than one row.
    static func example(_ sample: ReadingSample, reader: NumberReader) throws -> (input: [Float], digits: [Int])? {
        let rows = try reader.rowSegmenters(of: sample.image, name: sample.name)
        guard rows.count == 1 else { return nil }
        return (rows[0].rowReaderInput(width: inputWidth).values, sample.text.compactMap(\.wholeNumberValue))
    }

    @Test("a row's input is its ink scaled to 24 pixels tall at two pixels from the top left")
    func rowInput() throws {
        let sets = try ReadingSets.fixtures()
        let reader = NumberReader(model: try ShippedModel.load().model, verifier: nil, cutScorer: nil)
        let sample = sets.sample(.touching, index: 3)
        let input = try #require(try Self.example(sample, reader: reader)).input
        #expect(input.count == RowReaderInput.inputHeight * Self.inputWidth)
        func inkInRow(_ y: Int) -> Float { input[y * Self.inputWidth ..< (y + 1) * Self.inputWidth].reduce(0, +) }
        func inkInColumn(_ x: Int) -> Float { (0 ..< 28).reduce(0) { $0 + input[$1 * Self.inputWidth + x] } }
        // Paper above and below the 24 rows of ink, and left of it; the ink reaches both ends.
        for y in [0, 1, 26, 27] { #expect(inkInRow(y) == 0) }
        #expect(inkInRow(2) > 0 && inkInRow(25) > 0)
        #expect(inkInColumn(0) == 0 && inkInColumn(1) == 0 && inkInColumn(2) > 0)
        #expect(input.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func train() throws {
        guard let output = Self.environment["DIGITS_ROW_READER_OUTPUT"] else { return }
        let directory = try #require(FullMNIST.directory, "training the row reader needs full MNIST")
        let environment = Self.environment
        // The two row readers that ship: frames two input columns apart, or four.
        let frameStep = environment["DIGITS_ROW_READER_FRAME_STEP"] ?? "2"
        guard frameStep == "2" || frameStep == "4" else {
            Issue.record("DIGITS_ROW_READER_FRAME_STEP is 2 or 4, not \(frameStep)")
            return
        }
        let fine = frameStep == "2"
        let epochs = environment["DIGITS_ROW_READER_EPOCHS"].flatMap { Int($0) } ?? (fine ? 12 : 8)
        let rowsPerEpoch = environment["DIGITS_ROW_READER_ROWS"].flatMap { Int($0) } ?? 40_000
        let (peakRate, momentum, batchSize, warmupSteps) = (Float(0.02), Float(0.9), 32, 300)
        let seed: UInt64 = 0xC7C
        let reader = NumberReader(model: try ShippedModel.load().model, verifier: nil, cutScorer: nil)
        let training = try ReadingSets(digits: directory.load(.train))
        let heldOut = try ReadingSets(digits: directory.load(.test))
        let kinds: [ReadingSetKind] = [.touching, .spaced, .touching, .degraded, .touching, .tight, .sizesAndPens]

        var generator = SplitMix64(seed: seed)
        let first = Convolution(
            kernelSize: 5, inputHeight: RowReaderInput.inputHeight, inputWidth: Self.inputWidth, inputChannels: 1,
            outputChannels: 32, generator: &generator)
        // With frames two columns apart, the second layer pools rows only: a narrow 1 pressed
        // against its neighbours then still has frames of its own, and a doubled digit room for
        // the blank between its two. Its head reads six columns two apart, which see as far
        // across as three four apart.
        let second = Convolution(
            kernelSize: 5, inputHeight: first.outputHeight, inputWidth: first.outputWidth, inputChannels: 32,
            outputChannels: 48, poolWidth: fine ? 1 : 2, generator: &generator)
        let window = fine ? 6 : 3
        var network = ConvolutionalNetwork(
            convolutions: [first, second], window: window,
            head: MLP(
                inputCount: second.outputHeight * window * 48, hidden: [192],
                outputCount: NumberReader.rowReaderOutputCount, activation: .relu, generator: &generator))
        var velocity = ConvolutionalNetwork.Gradients(for: network)

        let held = try heldOut.samples(.touching, count: 300, seed: seed).compactMap {
            try Self.example($0, reader: reader)
        }
        print("\(network.parameterCount) parameters; \(network.frames) frames a row; \(held.count) held-out rows")
        let steps = rowsPerEpoch / batchSize
        let started = Date()
        final class Halves: @unchecked Sendable {
            var gradients: [ConvolutionalNetwork.Gradients?] = [nil, nil]
            var losses = [0.0, 0.0]
            var failure: (any Error)?
            let lock = NSLock()
        }
        for epoch in 0 ..< epochs {
            var totalLoss = 0.0
            for step in 0 ..< steps {
                let halves = Halves()
                let current = network
                DispatchQueue.concurrentPerform(iterations: 2) { half in
                    do {
                        let first = (epoch * steps + step) * batchSize + half * batchSize / 2
                        let examples = try (first ..< first + batchSize / 2).compactMap { index in
                            try Self.example(
                                training.sample(kinds[index % kinds.count], index: index, seed: seed), reader: reader)
                        }
                        let pass = current.forward(
                            Matrix(rows: examples.count, columns: current.inputCount, values: examples.flatMap(\.input))
                        )
                        let classes = current.outputCount
                        let perImage = current.frames * classes
                        var gradient = Matrix(rows: pass.logits.rows, columns: classes)
                        var loss = 0.0
                        for (index, example) in examples.enumerated() {
                            let logits = Array(pass.logits.storage[index * perImage ..< (index + 1) * perImage])
                            guard
                                let result = ConnectionistTemporalClassification.loss(
                                    logits: logits, frames: current.frames, classes: classes, blank: classes - 1,
                                    labels: example.digits)
                            else { continue }
                            loss += result.loss
                            for (offset, value) in result.gradient.enumerated() {
                                gradient.storage[index * perImage + offset] = value / Float(batchSize)
                            }
                        }
                        let gradients = current.backward(pass, outputGradient: gradient)
                        halves.lock.withLock {
                            halves.gradients[half] = gradients
                            halves.losses[half] = loss
                        }
                    } catch {
                        halves.lock.withLock { halves.failure = error }
                    }
                }
                if let failure = halves.failure { throw failure }
                var gradients = try #require(halves.gradients[0])
                gradients.add(try #require(halves.gradients[1]))
                totalLoss += halves.losses[0] + halves.losses[1]
                let progress = (Float(epoch) + Float(step) / Float(steps)) / Float(epochs)
                let warmup = min(1, Float(epoch * steps + step + 1) / Float(warmupSteps))
                let rate = warmup * peakRate * (1 + cos(Float.pi * progress)) / 2
                network.step(with: gradients, velocity: &velocity, learningRate: rate, momentum: momentum)
            }
            var whole = 0
            for start in stride(from: 0, to: held.count, by: 50) {
                let part = held[start ..< min(start + 50, held.count)]
                let logits = network.logits(
                    Matrix(rows: part.count, columns: network.inputCount, values: part.flatMap(\.input)))
                let perImage = network.frames * network.outputCount
                for (offset, example) in part.enumerated() {
                    let read = ConnectionistTemporalClassification.bestPath(
                        logits: Array(logits.storage[offset * perImage ..< (offset + 1) * perImage]),
                        frames: network.frames, classes: network.outputCount, blank: network.outputCount - 1)
                    if read.map(\.label) == example.digits { whole += 1 }
                }
            }
            let meanLoss = String(format: "%.3f", totalLoss / Double(steps * batchSize))
            print(
                "epoch \(epoch + 1) of \(epochs): mean CTC loss \(meanLoss) nats a row; held-out touching rows read "
                    + "whole \(whole) of \(held.count); \(Int(Date().timeIntervalSince(started))) s")
            let summary =
                "trained by scripts/train-verifier --row-reader (frames \(frameStep) columns apart): \(epoch + 1) of "
                + "\(epochs) epochs of \(steps * batchSize) rows"
            try ConvolutionalModelFile(network: network, summary: summary).write(to: output, precision: .float16)
        }
    }
}
