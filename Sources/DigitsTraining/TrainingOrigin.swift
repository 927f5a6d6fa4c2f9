/// Where a training run reads its data and writes its model, as a checkpoint records it so that
/// resuming needs no other setting.
public struct TrainingOrigin: Equatable, Sendable, Codable {
    /// The data folder, as an absolute path.
    public var dataFolder: String
    /// The model file the run writes at the end, as an absolute path.
    public var modelPath: String
    /// The training data's `MNISTDataSet.fingerprint`, to tell whether a resume reads the same data.
    public var dataFingerprint: String

    /// A record of where a run reads and writes.
    public init(dataFolder: String, modelPath: String, dataFingerprint: String) {
        self.dataFolder = dataFolder
        self.modelPath = modelPath
        self.dataFingerprint = dataFingerprint
    }
}
