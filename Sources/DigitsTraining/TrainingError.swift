/// Why training stopped early.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The loss became NaN, infinite or absurdly large.
    case diverged(epoch: Int, batch: Int, learningRate: Double)
    /// The configuration cannot be trained.
    case invalidConfiguration(String)
    /// The training set holds no examples.
    case emptyTrainingSet
    /// The caller asked to stop (Ctrl-C) before batch `batchesDone + 1` of `epoch`.
    case interrupted(epoch: Int, batchesDone: Int)

    public var description: String {
        switch self {
        case let .diverged(epoch, batch, learningRate):
            return "training diverged: the loss blew up (NaN, infinite or above \(Int(Trainer.divergenceLoss))) in epoch \(epoch), batch \(batch) "
                + "(learning rate \(learningRate)); try a smaller --learning-rate. No model was written."
        case let .invalidConfiguration(reason):
            return "invalid training configuration: \(reason)"
        case .emptyTrainingSet:
            return "the training set holds no examples"
        case let .interrupted(epoch, batchesDone):
            return "training was interrupted in epoch \(epoch) after \(batchesDone) batches"
        }
    }
}
