/// A training run stopped on request before it finished; what it had done was saved in
/// `checkpointFolder`, if it kept one.
public struct TrainingInterruption: Error, Equatable, Sendable, CustomStringConvertible {
    /// The epoch that was running, from 1.
    public var epoch: Int
    /// Batches of that epoch done before the stop.
    public var batchesDone: Int
    /// Batches in an epoch.
    public var batchesPerEpoch: Int
    /// The folder holding the checkpoint written at the stop, or nil when the run kept none.
    public var checkpointFolder: String?

    /// The interruption from its parts.
    public init(epoch: Int, batchesDone: Int, batchesPerEpoch: Int, checkpointFolder: String?) {
        self.epoch = epoch
        self.batchesDone = batchesDone
        self.batchesPerEpoch = batchesPerEpoch
        self.checkpointFolder = checkpointFolder
    }

    /// Where the run stopped and where it was saved.
    public var description: String {
        "interrupted in epoch \(epoch) after \(batchesDone) of \(batchesPerEpoch) batches; "
            + (checkpointFolder.map { "the run so far is saved in \($0)" } ?? "no checkpoint was kept")
    }
}
