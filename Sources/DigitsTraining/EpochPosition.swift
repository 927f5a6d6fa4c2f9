import DigitsModel
import DigitsTensor

/// Where a run stands inside an epoch: what a checkpoint needs beyond the weights to resume at
/// the very next batch.
public struct EpochPosition: Equatable, Sendable, Codable {
    /// The shuffling generator as it stood when the epoch began.
    public var generator: SplitMix64
    /// Batches of the epoch already done.
    public var batchesDone = 0
    /// The summed loss of the examples seen so far in the epoch.
    public var lossSum = 0.0
    /// How many of them were predicted correctly.
    public var correct = 0
    /// How many examples the epoch has seen so far.
    public var examplesSeen = 0
    /// The learning rate of the last batch done.
    public var learningRate = 0.0
    /// Seconds spent training in this epoch so far.
    public var trainSeconds = 0.0

    /// The start of an epoch whose order `generator` will draw.
    public init(generator: SplitMix64) {
        self.generator = generator
    }

    mutating func record(_ result: Loss.Evaluation, examples: Int, learningRate: Double, trainSeconds: Double) {
        batchesDone += 1
        lossSum += result.lossSum
        correct += result.correct
        examplesSeen += examples
        self.learningRate = learningRate
        self.trainSeconds = trainSeconds
    }

    /// Mean training loss over the batches done.
    public var meanLoss: Double { examplesSeen == 0 ? 0 : lossSum / Double(examplesSeen) }
    /// Training accuracy over the batches done.
    public var accuracy: Double { examplesSeen == 0 ? 0 : Double(correct) / Double(examplesSeen) }
}
