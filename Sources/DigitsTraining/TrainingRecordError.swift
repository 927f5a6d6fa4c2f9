/// A model file's training record that is well-formed JSON but not what `digits` writes.
public enum TrainingRecordError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `training` entry is not a `TrainingSummary`.
    case invalidSummary
    /// The `history` entry is not a list of `EpochMetrics`.
    case invalidHistory

    /// What is wrong, in words.
    public var description: String {
        switch self {
        case .invalidSummary: "the model's 'training' metadata is not a valid training summary"
        case .invalidHistory: "the model's 'history' metadata is not a valid list of epoch metrics"
        }
    }
}
