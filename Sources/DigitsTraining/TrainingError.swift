/// Why training stopped early.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The loss became NaN, infinite or absurdly large.
    case diverged(epoch: Int, batch: Int, learningRate: Double)
    /// The configuration cannot be trained.
    case invalidConfiguration(ConfigurationProblem)
    /// A checkpoint taken on `checkpointExamples` training images was resumed on a training set of
    /// `trainingExamples`.
    case trainingSetMismatch(checkpointExamples: Int, trainingExamples: Int)
    /// The training set holds no examples.
    case emptyTrainingSet
    /// The caller asked to stop (Ctrl-C) before batch `batchesDone + 1` of `epoch`.
    case interrupted(epoch: Int, batchesDone: Int)

    /// What happened, in words.
    public var description: String {
        switch self {
        case let .diverged(epoch, batch, learningRate):
            return
                "training diverged: the loss blew up (NaN, infinite or above \(Int(Trainer.divergenceLoss))) in epoch \(epoch), batch \(batch) "
                + "(learning rate \(learningRate))"
        case let .invalidConfiguration(problem):
            return "invalid training configuration: \(problem)"
        case let .trainingSetMismatch(checkpointExamples, trainingExamples):
            return "invalid training configuration: the checkpoint was taken training on \(checkpointExamples) images, "
                + "but this data set has \(trainingExamples)"
        case .emptyTrainingSet:
            return "the training set holds no examples"
        case let .interrupted(epoch, batchesDone):
            return "training was interrupted in epoch \(epoch) after \(batchesDone) batches"
        }
    }
}
