#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DigitsModel
import DigitsModelFile

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
