/// What is recorded of the run that trained a model.
public struct TrainingSummary: Equatable, Sendable, Codable {
    /// The configuration trained with.
    public var configuration: TrainingConfiguration
    /// Epochs actually run.
    public var epochs: Int
    /// Test accuracy after the last epoch, in [0, 1].
    public var testAccuracy: Double
    /// Mean test loss after the last epoch.
    public var testLoss: Double
    /// Training examples seen per epoch.
    public var trainingExamples: Int
    /// Test examples evaluated.
    public var testExamples: Int
    /// The command line that trained it, as the caller recorded it.
    public var command: String
    /// The training data's `MNISTDataSet.fingerprint`, so a reader can tell which data made the
    /// model; nil in files written before it was recorded.
    public var trainingDataFingerprint: String?
    /// The test data's `MNISTDataSet.fingerprint`, so a later evaluation can tell whether it
    /// measures on the same test set; nil in files written before it was recorded.
    public var testDataFingerprint: String?

    /// A summary from its parts.
    public init(
        configuration: TrainingConfiguration, epochs: Int, testAccuracy: Double, testLoss: Double,
        trainingExamples: Int, testExamples: Int, command: String, trainingDataFingerprint: String? = nil,
        testDataFingerprint: String? = nil
    ) {
        self.configuration = configuration
        self.epochs = epochs
        self.testAccuracy = testAccuracy
        self.testLoss = testLoss
        self.trainingExamples = trainingExamples
        self.testExamples = testExamples
        self.command = command
        self.trainingDataFingerprint = trainingDataFingerprint
        self.testDataFingerprint = testDataFingerprint
    }
}
