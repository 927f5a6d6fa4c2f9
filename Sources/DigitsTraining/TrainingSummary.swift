#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DigitsModel
import DigitsModelFile

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

    /// A summary from its parts.
    public init(configuration: TrainingConfiguration, epochs: Int, testAccuracy: Double, testLoss: Double,
                trainingExamples: Int, testExamples: Int, command: String) {
        self.configuration = configuration
        self.epochs = epochs
        self.testAccuracy = testAccuracy
        self.testLoss = testLoss
        self.trainingExamples = trainingExamples
        self.testExamples = testExamples
        self.command = command
    }
}

extension ModelFile {
    /// A model file for `model` that records how it was trained: `summary` as the `training`
    /// entry and `history` (one `EpochMetrics` per epoch) as the `history` entry.
    public init(model: MLP, training summary: TrainingSummary?, history: [EpochMetrics]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var record = TrainingRecord()
        if let summary { record.summary = String(decoding: try encoder.encode(summary), as: UTF8.self) }
        if !history.isEmpty { record.history = String(decoding: try encoder.encode(history), as: UTF8.self) }
        self.init(model: model, trainingRecord: record)
    }

    /// The recorded training summary, or nil when the file records none.
    public func trainingSummary() throws(TrainingRecordError) -> TrainingSummary? {
        guard let text = trainingRecord.summary else { return nil }
        guard let summary = try? JSONDecoder().decode(TrainingSummary.self, from: Data(text.utf8)) else {
            throw .invalidSummary
        }
        return summary
    }

    /// The recorded metrics of every epoch, or none.
    public func trainingHistory() throws(TrainingRecordError) -> [EpochMetrics] {
        guard let text = trainingRecord.history else { return [] }
        guard let history = try? JSONDecoder().decode([EpochMetrics].self, from: Data(text.utf8)) else {
            throw .invalidHistory
        }
        return history
    }
}

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
