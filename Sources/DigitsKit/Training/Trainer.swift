/// Everything that decides how a network is trained.
///
/// The defaults train a 784-256-128-10 ReLU network that reaches about 98% test accuracy on
/// full MNIST in 5 epochs.
public struct TrainingConfiguration: Equatable, Sendable, Codable {
    /// Sizes of the hidden layers, input side first.
    public var hidden: [Int] = [256, 128]
    /// The hidden layers' activation.
    public var activation: Activation = .relu
    /// The loss minimised.
    public var loss: Loss = .crossEntropy
    /// Passes over the training set.
    public var epochs = 5
    /// Examples per optimisation step.
    public var batchSize = 64
    /// The peak learning rate (reached after warmup).
    public var learningRate = 0.05
    /// SGD momentum.
    public var momentum = 0.9
    /// L2 weight decay on weights.
    public var weightDecay = 0.0
    /// Linear warmup, in epochs (may be fractional).
    public var warmupEpochs = 0.0
    /// The decay after warmup.
    public var decay: LearningRateSchedule.Decay = .cosine
    /// Seed for initialisation, shuffling and augmentation.
    public var seed: UInt64 = 1
    /// Threads for training and evaluation.
    public var threads = ParallelRunner.processorCount

    /// The default configuration.
    public init() {}
}

/// What one epoch came to: the numbers a report or a chart is drawn from.
public struct EpochMetrics: Equatable, Sendable, Codable {
    /// The epoch, counted from 1.
    public var epoch: Int
    /// Mean training loss over the epoch's batches (measured before each batch's update).
    public var trainLoss: Double
    /// Training accuracy over the epoch, in [0, 1].
    public var trainAccuracy: Double
    /// Mean loss on the test set after the epoch.
    public var testLoss: Double
    /// Test accuracy after the epoch, in [0, 1].
    public var testAccuracy: Double
    /// The learning rate of the epoch's last step.
    public var learningRate: Double
    /// Wall-clock seconds spent training (evaluation excluded).
    public var trainSeconds: Double
    /// Wall-clock seconds spent evaluating the test set.
    public var evaluationSeconds: Double
    /// Training throughput, images per second.
    public var imagesPerSecond: Double
}

/// A snapshot taken while an epoch runs, for a progress bar.
public struct TrainingProgress: Sendable {
    /// The epoch running, from 1.
    public var epoch: Int
    /// Epochs in the run.
    public var epochs: Int
    /// Batches done in this epoch.
    public var batch: Int
    /// Batches in an epoch.
    public var batches: Int
    /// Mean loss of this epoch's batches so far.
    public var loss: Double
    /// Accuracy on this epoch's batches so far, in [0, 1].
    public var accuracy: Double
    /// Images per second so far in this epoch.
    public var imagesPerSecond: Double
    /// Estimated seconds left in this epoch.
    public var secondsRemaining: Double
}

/// Why training stopped early.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The loss became NaN, infinite or absurdly large.
    case diverged(epoch: Int, batch: Int, learningRate: Double)
    /// The configuration cannot be trained.
    case invalidConfiguration(String)
    /// The training set holds no examples.
    case emptyTrainingSet

    public var description: String {
        switch self {
        case let .diverged(epoch, batch, learningRate):
            return "training diverged: the loss blew up (NaN, infinite or above \(Int(Trainer.divergenceLoss))) in epoch \(epoch), batch \(batch) "
                + "(learning rate \(learningRate)); try a smaller --learning-rate. No model was written."
        case let .invalidConfiguration(reason):
            return "invalid training configuration: \(reason)"
        case .emptyTrainingSet:
            return "the training set holds no examples"
        }
    }
}

/// Trains an MLP on MNIST-shaped data, epoch by epoch.
///
/// Each epoch shuffles the training set with the run's seeded generator, runs every batch
/// through the `TrainingEngine`, then evaluates the test set. Metrics are kept as data in
/// `history`.
public struct Trainer {
    /// The configuration being followed.
    public let configuration: TrainingConfiguration
    /// The engine holding the model and optimiser.
    public let engine: TrainingEngine
    /// The learning-rate schedule over the whole run.
    public let schedule: LearningRateSchedule
    /// An optional per-batch input transform (augmentation).
    public var transform: (any BatchTransform)?
    /// Metrics of every finished epoch.
    public private(set) var history: [EpochMetrics] = []
    /// The generator that shuffles; its state moves on every epoch.
    public private(set) var generator: SplitMix64

    private let trainingSet: MNISTDataSet
    private let testSet: MNISTDataSet

    /// A trainer for a freshly initialised network.
    public init(configuration: TrainingConfiguration, trainingSet: MNISTDataSet, testSet: MNISTDataSet) throws {
        guard configuration.epochs > 0 else { throw TrainingError.invalidConfiguration("epochs must be at least 1") }
        guard configuration.batchSize > 0 else { throw TrainingError.invalidConfiguration("batch size must be at least 1") }
        guard configuration.hidden.allSatisfy({ $0 > 0 }) else {
            throw TrainingError.invalidConfiguration("hidden layer sizes must be positive")
        }
        guard trainingSet.count > 0 else { throw TrainingError.emptyTrainingSet }
        self.configuration = configuration
        self.trainingSet = trainingSet
        self.testSet = testSet
        var generator = SplitMix64(seed: configuration.seed)
        let model = MLP(inputCount: MNISTDataSet.pixelsPerImage, hidden: configuration.hidden, outputCount: 10,
                        activation: configuration.activation, generator: &generator)
        self.generator = generator
        engine = TrainingEngine(
            model: model,
            optimizer: SGD(for: model, momentum: Float(configuration.momentum),
                           weightDecay: Float(configuration.weightDecay)),
            loss: configuration.loss, threadCount: configuration.threads)
        let stepsPerEpoch = (trainingSet.count + configuration.batchSize - 1) / configuration.batchSize
        schedule = LearningRateSchedule(
            peak: configuration.learningRate,
            warmupSteps: Int((configuration.warmupEpochs * Double(stepsPerEpoch)).rounded()),
            decay: configuration.decay, totalSteps: stepsPerEpoch * configuration.epochs,
            stepsPerEpoch: stepsPerEpoch)
    }

    /// A batch's mean loss above which training counts as diverged. A network that guesses scores
    /// log 10 ≈ 2.3 with cross-entropy; a loss in the thousands means the weights have blown up
    /// (the fused softmax keeps such a loss finite, so waiting for infinity would take long).
    public static let divergenceLoss = 1e4

    /// Batches per epoch (the last one may be partial).
    public var batchesPerEpoch: Int { schedule.stepsPerEpoch }

    /// The model as trained so far.
    public var model: MLP { engine.model }

    /// Runs one more epoch and returns its metrics (also appended to `history`).
    ///
    /// `progress` is called after every batch (the caller throttles drawing). Throws
    /// `TrainingError.diverged` as soon as a batch's loss is not finite or exceeds `divergenceLoss`.
    @discardableResult
    public mutating func runEpoch(progress: (TrainingProgress) -> Void = { _ in }) throws -> EpochMetrics {
        let epoch = history.count + 1
        let batchSize = configuration.batchSize
        var order = Array(0 ..< trainingSet.count)
        order.deterministicShuffle(using: &generator)

        let clock = ContinuousClock()
        let started = clock.now
        var lossSum = 0.0, correct = 0, seen = 0
        var learningRate = schedule.peak
        for batch in 0 ..< batchesPerEpoch {
            let step = (epoch - 1) * batchesPerEpoch + batch
            learningRate = schedule.rate(atStep: step)
            let indices = order[batch * batchSize ..< min(order.count, (batch + 1) * batchSize)]
            let result = engine.step(batch: indices, of: trainingSet, learningRate: Float(learningRate),
                                     transform: transform,
                                     transformSeed: configuration.seed ^ (UInt64(step) &* 0xD1B5_4A32_D192_ED03))
            guard result.lossSum.isFinite, result.lossSum / Double(indices.count) <= Self.divergenceLoss else {
                throw TrainingError.diverged(epoch: epoch, batch: batch + 1, learningRate: learningRate)
            }
            lossSum += result.lossSum
            correct += result.correct
            seen += indices.count
            let elapsed = (clock.now - started).seconds
            progress(TrainingProgress(
                epoch: epoch, epochs: configuration.epochs, batch: batch + 1, batches: batchesPerEpoch,
                loss: lossSum / Double(seen), accuracy: Double(correct) / Double(seen),
                imagesPerSecond: Double(seen) / max(elapsed, 1e-9),
                secondsRemaining: elapsed / Double(batch + 1) * Double(batchesPerEpoch - batch - 1)))
        }
        let trainSeconds = (clock.now - started).seconds
        let evaluationStarted = clock.now
        let report = engine.evaluate(on: testSet)
        let metrics = EpochMetrics(
            epoch: epoch, trainLoss: lossSum / Double(seen), trainAccuracy: Double(correct) / Double(seen),
            testLoss: report.loss, testAccuracy: report.accuracy, learningRate: learningRate,
            trainSeconds: trainSeconds, evaluationSeconds: (clock.now - evaluationStarted).seconds,
            imagesPerSecond: Double(seen) / max(trainSeconds, 1e-9))
        history.append(metrics)
        return metrics
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
