import DigitsModel

/// Everything needed to continue a training run exactly where it stopped: the weights, the
/// optimiser's moments, the metrics so far, and the position inside the current epoch
/// (the shuffling generator's state, the batches done, the running sums).
public struct TrainingCheckpoint: Equatable, Sendable {
    /// The run's configuration (including seed and thread count).
    public var configuration: TrainingConfiguration
    /// The network's weights.
    public var model: MLP
    /// The optimiser's first moments (SGD's momentum buffers, Adam's m), one per layer.
    public var velocities: [Dense.Gradients]
    /// Adam's second moments, one per layer; nil for the SGD methods.
    public var squares: [Dense.Gradients]?
    /// The moving average of the weights, when the run keeps one.
    public var averagedModel: MLP?
    /// Metrics of the finished epochs.
    public var history: [EpochMetrics]
    /// Where the epoch in progress stands.
    public var position: EpochPosition
    /// The size of the training set, to catch a resume on different data.
    public var trainingExamples: Int
    /// Where the run was: its data folder, its model path and its training data's fingerprint
    /// (`MNISTDataSet.fingerprint`), so that a resume needs nothing else; nil in checkpoints that
    /// do not record it.
    public var origin: TrainingOrigin?

    /// A checkpoint from its parts.
    public init(
        configuration: TrainingConfiguration, model: MLP, velocities: [Dense.Gradients],
        history: [EpochMetrics], position: EpochPosition, trainingExamples: Int
    ) {
        self.configuration = configuration
        self.model = model
        self.velocities = velocities
        self.history = history
        self.position = position
        self.trainingExamples = trainingExamples
        origin = nil
    }

    /// Epochs finished.
    public var epochsDone: Int { history.count }
}
