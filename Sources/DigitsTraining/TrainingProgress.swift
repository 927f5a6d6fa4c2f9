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
