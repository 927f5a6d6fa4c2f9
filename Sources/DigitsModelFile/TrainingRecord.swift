/// How a model was trained, as its file records it.
///
/// Two JSON documents that the model-file layer stores and checks for well-formedness but does
/// not interpret, so that loading a model for classification needs nothing of the trainer. The
/// training layer writes them from its own types (`TrainingSummary`, `EpochMetrics`) and reads
/// them back.
public struct TrainingRecord: Equatable, Sendable {
    /// The `training` entry: one JSON object (the settings, the result, the command), or nil.
    public var summary: String?
    /// The `history` entry: a JSON array with one object per epoch, or nil.
    public var history: String?

    /// A record of the given JSON texts; an empty record by default.
    public init(summary: String? = nil, history: String? = nil) {
        self.summary = summary
        self.history = history
    }

    /// Checks that `summary` is a JSON object and `history` a JSON array of objects.
    func checkWellFormed(file: String) throws(ModelFileError) {
        if let summary {
            guard case .object = try? StrictJSON.parse(Array(summary.utf8)) else {
                throw .invalidTrainingRecord(file: file, entry: "training", expected: "a JSON object")
            }
        }
        if let history {
            guard case .array(let epochs)? = try? StrictJSON.parse(Array(history.utf8)),
                epochs.allSatisfy({ if case .object = $0 { true } else { false } })
            else {
                throw .invalidTrainingRecord(file: file, entry: "history", expected: "a JSON array of objects")
            }
        }
    }
}
