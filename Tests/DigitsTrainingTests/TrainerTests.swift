import Testing
import DigitsKit

/// A small synthetic data set whose class is written into the image: class k lights up the
/// k-th band of rows, with random noise elsewhere. An MLP learns it in one epoch.
func syntheticDataSet(count: Int, seed: UInt64) -> MNISTDataSet {
    var generator = SplitMix64(seed: seed)
    var images = [UInt8](repeating: 0, count: count * 784)
    var labels = [UInt8](repeating: 0, count: count)
    for i in 0 ..< count {
        let label = generator.nextIndex(below: 10)
        labels[i] = UInt8(label)
        for p in 0 ..< 784 {
            let band = (p / 28) * 10 / 28
            let noise = UInt8(generator.nextIndex(below: 60))
            images[i * 784 + p] = band == label ? 200 &+ noise / 2 : noise
        }
    }
    return MNISTDataSet(images: images, labels: labels)
}

@Suite struct TrainerTests {
    func configuration(threads: Int, seed: UInt64 = 5) -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.hidden = [32]
        configuration.epochs = 2
        configuration.batchSize = 50
        configuration.learningRate = 0.05
        configuration.warmupEpochs = 0
        // Plain images unless a test asks for augmentation.
        configuration.augmentation = nil
        configuration.threads = threads
        configuration.seed = seed
        return configuration
    }

    @Test func learnsASeparableProblem() throws {
        let train = syntheticDataSet(count: 1000, seed: 1), test = syntheticDataSet(count: 300, seed: 2)
        var trainer = try Trainer(configuration: configuration(threads: 2), trainingSet: train, testSet: test)
        try trainer.runEpoch()
        let metrics = try trainer.runEpoch()
        #expect(metrics.testAccuracy > 0.95)
        #expect(trainer.history.count == 2)
        #expect(trainer.history[1].trainLoss < trainer.history[0].trainLoss)
    }

    @Test(arguments: [1, 2, 3])
    func sameSeedAndThreadCountGiveABitIdenticalModel(threads: Int) throws {
        let train = syntheticDataSet(count: 333, seed: 1), test = syntheticDataSet(count: 50, seed: 2)
        var first = try Trainer(configuration: configuration(threads: threads), trainingSet: train, testSet: test)
        var second = try Trainer(configuration: configuration(threads: threads), trainingSet: train, testSet: test)
        for _ in 0 ..< 2 {
            try first.runEpoch()
            try second.runEpoch()
        }
        #expect(first.model == second.model)
        var other = try Trainer(
            configuration: configuration(threads: threads, seed: 6), trainingSet: train, testSet: test)
        try other.runEpoch()
        #expect(other.model != first.model)
    }

    @Test func threadCountChangesOnlyRoundingNotTheResult() throws {
        let train = syntheticDataSet(count: 200, seed: 1), test = syntheticDataSet(count: 50, seed: 2)
        var one = try Trainer(configuration: configuration(threads: 1), trainingSet: train, testSet: test)
        var three = try Trainer(configuration: configuration(threads: 3), trainingSet: train, testSet: test)
        try one.runEpoch()
        try three.runEpoch()
        let a = one.model.layers[0].weight.storage, b = three.model.layers[0].weight.storage
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-4)
    }

    @Test func divergenceIsReportedWithEpochAndBatch() throws {
        var bad = configuration(threads: 2)
        bad.learningRate = 1e6
        var trainer = try Trainer(
            configuration: bad, trainingSet: syntheticDataSet(count: 500, seed: 1),
            testSet: syntheticDataSet(count: 10, seed: 2))
        #expect {
            try trainer.runEpoch()
        } throws: { error in
            guard case let .diverged(epoch, batch, _) = error as? TrainingError else { return false }
            return epoch == 1 && batch > 1
        }
    }

    /// The configuration's augmentation reaches the training step: strong enough distortion
    /// (images shifted by up to 8 pixels and drowned in noise) makes the synthetic training set,
    /// which a plain epoch learns almost perfectly, much harder to fit.
    @Test func theConfiguredAugmentationDistortsWhatIsTrainedOn() throws {
        let train = syntheticDataSet(count: 1000, seed: 1), test = syntheticDataSet(count: 300, seed: 2)
        var plain = try Trainer(configuration: configuration(threads: 2), trainingSet: train, testSet: test)
        var distorted = configuration(threads: 2)
        distorted.augmentation = Augmentation()
        distorted.augmentation?.shift = 8
        distorted.augmentation?.noise = 0.5
        var augmented = try Trainer(configuration: distorted, trainingSet: train, testSet: test)
        #expect(augmented.distorter != nil && plain.distorter == nil)
        let plainAccuracy = try plain.runEpoch().trainAccuracy
        let augmentedAccuracy = try augmented.runEpoch().trainAccuracy
        #expect(augmentedAccuracy < plainAccuracy - 0.1, "\(augmentedAccuracy) vs \(plainAccuracy)")
    }

    @Test func evaluationReportCountsAndConfusionAgree() throws {
        let train = syntheticDataSet(count: 500, seed: 1), test = syntheticDataSet(count: 257, seed: 2)
        var trainer = try Trainer(configuration: configuration(threads: 2), trainingSet: train, testSet: test)
        try trainer.runEpoch()
        let report = Evaluator(threadCount: 3).evaluate(trainer.model, on: test, chunkSize: 16)
        #expect(report.count == 257)
        #expect(report.confusion.flatMap { $0 }.reduce(0, +) == 257)
        let single = Evaluator(threadCount: 1).evaluate(trainer.model, on: test)
        #expect(single.confusion == report.confusion)
        #expect(abs(single.loss - report.loss) < 1e-6)
        for label in 0 ..< 10 {
            let actual = test.labels.filter { $0 == label }.count
            #expect(report.confusion[label].reduce(0, +) == actual)
        }
    }
}
