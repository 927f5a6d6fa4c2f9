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

    /// Metrics from their parts.
    public init(
        epoch: Int, trainLoss: Double, trainAccuracy: Double, testLoss: Double, testAccuracy: Double,
        learningRate: Double, trainSeconds: Double, evaluationSeconds: Double, imagesPerSecond: Double
    ) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.testLoss = testLoss
        self.testAccuracy = testAccuracy
        self.learningRate = learningRate
        self.trainSeconds = trainSeconds
        self.evaluationSeconds = evaluationSeconds
        self.imagesPerSecond = imagesPerSecond
    }
}
