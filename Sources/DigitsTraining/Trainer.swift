import DigitsData
import DigitsModel
import DigitsTensor

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
    /// What distorts the training images, when the configuration asks for augmentation.
    public let distorter: DigitDistorter?
    /// Metrics of every finished epoch.
    public private(set) var history: [EpochMetrics] = []
    /// Where the epoch in progress (or the next one) stands; a checkpoint saves it.
    public private(set) var position: EpochPosition

    private let trainingSet: MNISTDataSet
    private let testSet: MNISTDataSet

    /// A trainer for a freshly initialised network.
    public init(configuration: TrainingConfiguration, trainingSet: MNISTDataSet, testSet: MNISTDataSet) throws {
        try Self.check(configuration, trainingSet: trainingSet)
        var generator = SplitMix64(seed: configuration.seed)
        let model = MLP(
            inputCount: MNISTDataSet.pixelsPerImage, hidden: configuration.hidden, outputCount: 10,
            activation: configuration.activation, generator: &generator)
        let optimizer = Optimizer(for: model, settings: configuration.optimizerSettings)
        self.init(
            configuration: configuration, model: model, optimizer: optimizer, history: [],
            position: EpochPosition(generator: generator), trainingSet: trainingSet, testSet: testSet)
    }

    /// A trainer that continues the run `checkpoint` was taken from, exactly where it stopped:
    /// with the same data and thread count, the finished model is bit-identical to that of an
    /// uninterrupted run.
    public init(resuming checkpoint: TrainingCheckpoint, trainingSet: MNISTDataSet, testSet: MNISTDataSet) throws {
        try Self.check(checkpoint.configuration, trainingSet: trainingSet)
        guard checkpoint.trainingExamples == trainingSet.count else {
            throw TrainingError.trainingSetMismatch(
                checkpointExamples: checkpoint.trainingExamples,
                trainingExamples: trainingSet.count)
        }
        var optimizer = Optimizer(for: checkpoint.model, settings: checkpoint.configuration.optimizerSettings)
        optimizer.velocities = checkpoint.velocities
        if let squares = checkpoint.squares { optimizer.squares = squares }
        if let average = checkpoint.averagedModel { optimizer.averagedModel = average }
        // Every batch is one step, so the steps taken follow from where the run stopped.
        let stepsPerEpoch = Self.stepsPerEpoch(checkpoint.configuration, trainingSet: trainingSet)
        optimizer.steps = checkpoint.epochsDone * stepsPerEpoch + checkpoint.position.batchesDone
        self.init(
            configuration: checkpoint.configuration, model: checkpoint.model, optimizer: optimizer,
            history: checkpoint.history, position: checkpoint.position, trainingSet: trainingSet, testSet: testSet)
    }

    private init(
        configuration: TrainingConfiguration, model: MLP, optimizer: Optimizer, history: [EpochMetrics],
        position: EpochPosition, trainingSet: MNISTDataSet, testSet: MNISTDataSet
    ) {
        self.configuration = configuration
        self.trainingSet = trainingSet
        self.testSet = testSet
        self.history = history
        self.position = position
        distorter = configuration.augmentation.map(DigitDistorter.init(settings:))
        engine = TrainingEngine(
            model: model, optimizer: optimizer, loss: configuration.loss,
            labelSmoothing: Float(configuration.labelSmoothing ?? 0), threadCount: configuration.threads)
        let stepsPerEpoch = Self.stepsPerEpoch(configuration, trainingSet: trainingSet)
        schedule = LearningRateSchedule(
            peak: configuration.learningRate,
            warmupSteps: Int((configuration.warmupEpochs * Double(stepsPerEpoch)).rounded()),
            decay: configuration.decay, totalSteps: stepsPerEpoch * configuration.epochs,
            stepsPerEpoch: stepsPerEpoch)
    }

    /// Batches in an epoch of `trainingSet` (the last one may be partial).
    private static func stepsPerEpoch(_ configuration: TrainingConfiguration, trainingSet: MNISTDataSet) -> Int {
        (trainingSet.count + configuration.batchSize - 1) / configuration.batchSize
    }

    private static func check(_ configuration: TrainingConfiguration, trainingSet: MNISTDataSet) throws {
        do {
            try configuration.validate()
        } catch {
            throw TrainingError.invalidConfiguration(error)
        }
        guard trainingSet.count > 0 else { throw TrainingError.emptyTrainingSet }
    }

    /// A batch's mean loss above which training counts as diverged. A network that guesses scores
    /// log 10 ≈ 2.3 with cross-entropy; a loss in the thousands means the weights have blown up
    /// (the fused softmax keeps such a loss finite, so waiting for infinity would take long).
    public static let divergenceLoss = 1e4

    /// Batches per epoch (the last one may be partial).
    public var batchesPerEpoch: Int { schedule.stepsPerEpoch }

    /// Epochs finished so far.
    public var epochsDone: Int { history.count }

    /// Whether every configured epoch has run.
    public var isFinished: Bool { epochsDone >= configuration.epochs }

    /// The model the run makes so far, the one evaluated and saved: the moving average of the
    /// weights when the configuration asks for one, else the weights.
    public var model: MLP { engine.resultModel }

    /// Everything needed to continue this run later, exactly.
    public func checkpoint() -> TrainingCheckpoint {
        let optimizer = engine.optimizer
        var checkpoint = TrainingCheckpoint(
            configuration: configuration, model: engine.model, velocities: optimizer.velocities,
            history: history, position: position, trainingExamples: trainingSet.count)
        if optimizer.settings.method.usesSecondMoments { checkpoint.squares = optimizer.squares }
        checkpoint.averagedModel = optimizer.averagedModel
        return checkpoint
    }

    /// Runs the epoch in progress (or the next one) to its end and returns its metrics (also
    /// appended to `history`).
    ///
    /// - Parameters:
    ///   - progress: called after every batch (the caller throttles drawing).
    ///   - shouldStop: asked before every batch; when it says yes, the epoch stops there with
    ///     `TrainingError.interrupted`, and `checkpoint()` then saves a state that resumes at
    ///     that very batch.
    /// - Throws: `TrainingError.diverged` as soon as a batch's loss is not finite or exceeds
    ///   `divergenceLoss`; `TrainingError.interrupted` when `shouldStop` asks.
    @discardableResult
    public mutating func runEpoch(
        progress: (TrainingProgress) -> Void = { _ in }, shouldStop: () -> Bool = { false }
    ) throws -> EpochMetrics {
        let epoch = history.count + 1
        let batchSize = configuration.batchSize
        // The order is drawn from the generator as it stood when the epoch began, so a resumed
        // epoch visits the examples in the same order as the interrupted one.
        var generator = position.generator
        var order = Array(0 ..< trainingSet.count)
        order.deterministicShuffle(using: &generator)

        // What distorts and what drops depends on the seed and the epoch, never on the batch.
        let augmentation = distorter.map { EpochAugmentation(distorter: $0, seed: configuration.seed, epoch: epoch) }
        let dropout = configuration.dropout.map { EpochDropout(dropout: $0, seed: configuration.seed, epoch: epoch) }
        let clock = ContinuousClock()
        let started = clock.now
        let earlierSeconds = position.trainSeconds
        let firstBatch = position.batchesDone
        for batch in firstBatch ..< batchesPerEpoch {
            if shouldStop() { throw TrainingError.interrupted(epoch: epoch, batchesDone: batch) }
            let step = (epoch - 1) * batchesPerEpoch + batch
            let learningRate = schedule.rate(atStep: step)
            let indices = order[batch * batchSize ..< min(order.count, (batch + 1) * batchSize)]
            let result = engine.step(
                batch: indices, of: trainingSet, learningRate: Float(learningRate),
                augmentation: augmentation, dropout: dropout)
            guard result.lossSum.isFinite, result.lossSum / Double(indices.count) <= Self.divergenceLoss else {
                throw TrainingError.diverged(epoch: epoch, batch: batch + 1, learningRate: learningRate)
            }
            position.record(
                result, examples: indices.count, learningRate: learningRate,
                trainSeconds: earlierSeconds + (clock.now - started).seconds)
            let elapsed = (clock.now - started).seconds
            let doneHere = batch + 1 - firstBatch
            progress(
                TrainingProgress(
                    epoch: epoch, epochs: configuration.epochs, batch: batch + 1, batches: batchesPerEpoch,
                    loss: position.meanLoss, accuracy: position.accuracy,
                    imagesPerSecond: Double(position.examplesSeen) / max(position.trainSeconds, 1e-9),
                    secondsRemaining: elapsed / Double(doneHere) * Double(batchesPerEpoch - batch - 1)))
        }
        let evaluationStarted = clock.now
        let report = engine.evaluate(on: testSet)
        let metrics = EpochMetrics(
            epoch: epoch, trainLoss: position.meanLoss, trainAccuracy: position.accuracy,
            testLoss: report.loss, testAccuracy: report.accuracy, learningRate: position.learningRate,
            trainSeconds: position.trainSeconds, evaluationSeconds: (clock.now - evaluationStarted).seconds,
            imagesPerSecond: Double(position.examplesSeen) / max(position.trainSeconds, 1e-9))
        history.append(metrics)
        position = EpochPosition(generator: generator)
        return metrics
    }
}
