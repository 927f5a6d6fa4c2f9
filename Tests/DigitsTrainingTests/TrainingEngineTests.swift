import Testing
import DigitsKit
@testable import DigitsTraining

/// The engine's fast step (flat buffers, the hidden layers split into per-thread column panels,
/// the output layer's rows into shards, fused kernels) against the plain path, `Optimizer.trainingStep`: the whole
/// batch through `MLP.forwardOutputs`, the loss, `MLP.backward`, then `Optimizer.step`.
@Suite struct TrainingEngineTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var threads: Int
        var batch: Int
        var hidden: [Int]
        var labelSmoothing: Float = 0
        var method = Optimizer.Method.sgd
        var averaging: Float = 0
        var testDescription: String {
            "\(threads) threads, batch \(batch), hidden \(hidden), \(method.name)"
                + (labelSmoothing > 0 ? ", label smoothing \(labelSmoothing)" : "")
                + (averaging > 0 ? ", weights averaged by \(averaging)" : "")
        }
    }

    @Test(arguments: [
        Case(threads: 1, batch: 10, hidden: [20, 12]),
        Case(threads: 2, batch: 10, hidden: [20, 12]),
        Case(threads: 3, batch: 7, hidden: [20, 12]),
        // Fewer examples than threads: some shards are empty.
        Case(threads: 4, batch: 3, hidden: [20, 12]),
        // Panels cut at a multiple of 16 columns, of unequal widths (16 and 24).
        Case(threads: 2, batch: 9, hidden: [40]),
        // No hidden layer: the split first layer is also the one the loss reads.
        Case(threads: 3, batch: 5, hidden: []),
        // The smoothed target reaches every shard's gradient.
        Case(threads: 1, batch: 10, hidden: [20, 12], labelSmoothing: 0.1),
        Case(threads: 3, batch: 7, hidden: [20, 12], labelSmoothing: 0.2),
        // A hidden layer narrower than the thread count: one thread's panel of it is empty, and
        // its term of the input gradient is zero.
        Case(threads: 4, batch: 6, hidden: [20, 3]),
        // Three hidden layers: each one's input gradient is summed from the threads' terms.
        Case(threads: 3, batch: 7, hidden: [20, 40, 12], method: .adam),
        // Every other update rule, on the hidden layers' panels and the output layer's row shares.
        Case(threads: 1, batch: 10, hidden: [20, 12], method: .nesterov),
        Case(threads: 3, batch: 7, hidden: [20, 12], method: .nesterov),
        Case(threads: 1, batch: 10, hidden: [20, 12], method: .adam),
        Case(threads: 2, batch: 9, hidden: [40], method: .adam),
        Case(threads: 3, batch: 7, hidden: [20, 12], method: .adamW),
        // The moving average follows every block of the update, weights and biases.
        Case(threads: 1, batch: 10, hidden: [20, 12], averaging: 0.9),
        Case(threads: 3, batch: 7, hidden: [20, 12], method: .adam, averaging: 0.5),
        // Hidden rows 512 wide, stored 528 floats apart (`BatchWorkspace.rowStride`): as the
        // first layer's output and the second's input, and as the last layer's input.
        Case(threads: 2, batch: 9, hidden: [512, 20]),
        Case(threads: 3, batch: 7, hidden: [24, 512], method: .adam),
    ])
    func oneStepMatchesThePlainReference(_ c: Case) throws {
        var generator = SplitMix64(seed: 21)
        let model = MLP(inputCount: 784, hidden: c.hidden, outputCount: 10, activation: .relu, generator: &generator)
        let last = model.layers.count - 1
        let data = syntheticDataSet(count: 40, seed: 8)
        let indices = Array(stride(from: 3, to: 3 + 3 * c.batch, by: 3))
        var settings = Optimizer.Settings(method: c.method, momentum: 0.9, weightDecay: 0.01)
        settings.averaging = c.averaging
        var optimizer = Optimizer(for: model, settings: settings)
        // An average that has drifted from the weights, so following them moves it.
        optimizer.averagedModel?.layers[0].weight.fill(0.01)
        // As if after a few steps, so the moments are not zero and Adam's bias corrections matter.
        optimizer.velocities[0].weight.fill(0.001)
        if c.method.usesSecondMoments { optimizer.squares[0].weight.fill(1e-5) }
        optimizer.steps = 2

        let engine = TrainingEngine(
            model: model, optimizer: optimizer, loss: .crossEntropy, labelSmoothing: c.labelSmoothing,
            threadCount: c.threads)
        let learningRate: Float = c.method.usesSecondMoments ? 0.001 : 0.1
        let fast = engine.step(batch: indices[...], of: data, learningRate: learningRate)

        // The reference: the plain step on the batch as one matrix (forward, loss, MLP.backward,
        // Optimizer.step), from the same model and optimiser state.
        var inputs = MNISTBatch(capacity: c.batch)
        inputs.load(indices, from: data)
        var expected = model
        let reference = optimizer.trainingStep(
            &expected, inputs: inputs.inputs, labels: inputs.labels,
            loss: .crossEntropy, labelSmoothing: c.labelSmoothing, learningRate: learningRate)

        #expect(fast.correct == reference.correct)
        #expect(abs(fast.lossSum - reference.lossSum) < 1e-4)
        let trained = engine.model
        for l in 0 ... last {
            let worst = zip(trained.layers[l].weight.storage, expected.layers[l].weight.storage).map { abs($0 - $1) }
                .max()!
            let worstBias = zip(trained.layers[l].bias.storage, expected.layers[l].bias.storage).map { abs($0 - $1) }
                .max()!
            #expect(worst < 1e-6 && worstBias < 1e-6, "layer \(l): \(worst), \(worstBias)")
        }
        let after = engine.optimizer
        #expect(after.steps == 3 && optimizer.steps == 3)
        for l in 0 ... last {
            let velocityError = zip(after.velocities[l].weight.storage, optimizer.velocities[l].weight.storage)
                .map { abs($0 - $1) }.max()!
            let squareError = zip(after.squares[l].weight.storage, optimizer.squares[l].weight.storage)
                .map { abs($0 - $1) }.max()!
            #expect(velocityError < 1e-6 && squareError < 1e-9, "layer \(l): \(velocityError), \(squareError)")
        }
        #expect((engine.averagedModel == nil) == (c.averaging == 0))
        if let average = engine.averagedModel, let expectedAverage = optimizer.averagedModel {
            for l in 0 ... last {
                let worst = zip(average.layers[l].weight.storage, expectedAverage.layers[l].weight.storage)
                    .map { abs($0 - $1) }.max()!
                let worstBias = zip(average.layers[l].bias.storage, expectedAverage.layers[l].bias.storage)
                    .map { abs($0 - $1) }.max()!
                #expect(worst < 1e-6 && worstBias < 1e-6, "average of layer \(l): \(worst), \(worstBias)")
            }
            #expect(engine.resultModel == average)
        }
    }

    /// Augmentation changes what every shard trains on, and only that: an augmented step is the
    /// plain reference step on the images as `DigitDistorter` distorts them one by one (each from
    /// its own seed, epoch and index), on any number of threads, step after step.
    @Test(arguments: [1, 2, 3])
    func augmentedStepsTrainOnTheDistortedImages(threads: Int) {
        var generator = SplitMix64(seed: 4)
        let model = MLP(inputCount: 784, hidden: [24], outputCount: 10, activation: .relu, generator: &generator)
        let data = syntheticDataSet(count: 30, seed: 3)
        var optimizer = Optimizer(for: model, momentum: 0.9)
        let engine = TrainingEngine(model: model, optimizer: optimizer, loss: .crossEntropy, threadCount: threads)
        let augmentation = EpochAugmentation(
            distorter: DigitDistorter(settings: Augmentation()), seed: 77, epoch: 3)
        var expected = model
        for batch in [Array(0 ..< 11), Array(11 ..< 30)] {
            let fast = engine.step(batch: batch[...], of: data, learningRate: 0.05, augmentation: augmentation)
            var inputs = Matrix(rows: batch.count, columns: 784)
            for (row, index) in batch.enumerated() {
                var imageGenerator = DigitDistorter.generator(seed: 77, epoch: 3, index: index)
                let image = Array(data.images[index * 784 ..< (index + 1) * 784])
                let distorted = augmentation.distorter.distorted(image, generator: &imageGenerator)
                for column in 0 ..< 784 { inputs[row, column] = distorted[column] }
            }
            let reference = optimizer.trainingStep(
                &expected, inputs: inputs, labels: batch.map { Int(data.labels[$0]) }, loss: .crossEntropy,
                learningRate: 0.05)
            #expect(fast.correct == reference.correct && abs(fast.lossSum - reference.lossSum) < 1e-4)
        }
        let worst = zip(engine.model.layers[0].weight.storage, expected.layers[0].weight.storage)
            .map { abs($0 - $1) }.max()!
        #expect(worst < 1e-5)
    }

    @Test func theModelAndOptimizerComeBackExactlyAsGiven() {
        var generator = SplitMix64(seed: 5)
        let model = MLP(inputCount: 784, hidden: [40, 8], outputCount: 10, activation: .relu, generator: &generator)
        var optimizer = Optimizer(for: model, method: .adam, momentum: 0.9)
        optimizer.steps = 17
        for l in optimizer.velocities.indices {
            for i in optimizer.velocities[l].weight.storage.indices {
                optimizer.velocities[l].weight.storage[i] = Float.random(in: -1 ..< 1, using: &generator)
                optimizer.squares[l].weight.storage[i] = Float.random(in: 0 ..< 1, using: &generator)
            }
        }
        let engine = TrainingEngine(model: model, optimizer: optimizer, loss: .crossEntropy, threadCount: 3)
        #expect(engine.model == model)
        #expect(engine.optimizer == optimizer)
    }
}

/// The flat parameter vector's layout, with its hidden layers in column panels.
@Suite struct ParameterLayoutTests {
    @Test func everyLayerButTheOutputLayerIsSplitUnlessItIsTheOnlyOne() {
        var generator = SplitMix64(seed: 3)
        let deep = MLP(inputCount: 6, hidden: [40, 20], outputCount: 4, activation: .relu, generator: &generator)
        let layout = ParameterLayout(model: deep, panels: 2)
        #expect(layout.splitLayers == 0 ..< 2)
        #expect(layout.layers.map(\.panels) == [[0 ..< 16, 16 ..< 40], [0 ..< 10, 10 ..< 20], [0 ..< 4]])
        let shallow = MLP(inputCount: 6, hidden: [], outputCount: 4, activation: .relu, generator: &generator)
        #expect(ParameterLayout(model: shallow, panels: 2).splitLayers == 0 ..< 1)
        #expect(ParameterLayout(model: shallow, panels: 2).layers[0].panels == [0 ..< 2, 2 ..< 4])
    }

    @Test func columnSharesCoverEveryColumnOnceAtMultiplesOf16WhenTheyCan() {
        #expect(ParameterLayout.columnShares(of: 256, parts: 2) == [0 ..< 128, 128 ..< 256])
        #expect(ParameterLayout.columnShares(of: 100, parts: 3) == [0 ..< 32, 32 ..< 64, 64 ..< 100])
        #expect(ParameterLayout.columnShares(of: 20, parts: 3) == [0 ..< 6, 6 ..< 13, 13 ..< 20])
        #expect(ParameterLayout.columnShares(of: 2, parts: 4) == [0 ..< 0, 0 ..< 1, 1 ..< 1, 1 ..< 2])
        #expect(ParameterLayout.columnShares(of: 7, parts: 1) == [0 ..< 7])
    }

    @Test func panelsHoldTheirColumnsRowMajorOneAfterAnother() {
        var generator = SplitMix64(seed: 2)
        let model = MLP(inputCount: 3, hidden: [5], outputCount: 2, activation: .relu, generator: &generator)
        let layout = ParameterLayout(model: model, panels: 2)
        #expect(layout.layers[0].panels == [0 ..< 2, 2 ..< 5])
        #expect(layout.layers[1].panels == [0 ..< 2])
        let vector = UnsafeMutableBufferPointer<Float>.allocate(capacity: layout.count)
        defer { vector.deallocate() }
        layout.flatten(model.layers.map { ($0.weight, $0.bias) }, into: vector)
        let w = model.layers[0].weight
        // Panel 0: columns 0-1 of rows 0-2; panel 1: columns 2-4 of rows 0-2.
        let expected =
            (0 ..< 3).flatMap { r in (0 ..< 2).map { w[r, $0] } }
            + (0 ..< 3).flatMap { r in (2 ..< 5).map { w[r, $0] } }
        #expect(Array(vector[layout.layers[0].weight]) == expected)
        #expect(layout.layers[0].panelStart(1) == 6)
        let back = layout.unflatten(vector)
        #expect(back.map(\.weight) == model.layers.map(\.weight))
        #expect(back.map(\.bias) == model.layers.map(\.bias))
    }

    @Test func rowsFillingAMultipleOf2KiBArePaddedByACacheLine() {
        #expect(BatchWorkspace.rowStride(width: 1024) == 1040)
        #expect(BatchWorkspace.rowStride(width: 512) == 528)
        #expect(BatchWorkspace.rowStride(width: 1536) == 1552)
        for width in [1, 10, 128, 256, 784, 1000, 1500] {
            #expect(BatchWorkspace.rowStride(width: width) == width, "\(width)")
        }
    }

    @Test func cacheAlignedBuffersStartOnA64ByteBoundaryAndAreZeroed() {
        for count in [1, 10, 1000, 300_000] {
            let buffer = UnsafeMutableBufferPointer<Float>.allocateCacheAligned(count: count)
            defer { buffer.deallocateCacheAligned() }
            #expect(UInt(bitPattern: buffer.baseAddress!) % 64 == 0)
            #expect(buffer.allSatisfy { $0 == 0 })
        }
    }
}
