/// How well a model does on a labelled data set: accuracy, mean loss and the confusion matrix.
public struct EvaluationReport: Equatable, Sendable, Codable {
    /// Number of examples evaluated.
    public var count: Int
    /// The mean loss per example.
    public var loss: Double
    /// `confusion[truth][prediction]`: how many examples of class `truth` were predicted as `prediction`.
    public var confusion: [[Int]]

    /// A report from its parts; `confusion` is classes × classes.
    public init(count: Int, loss: Double, confusion: [[Int]]) {
        self.count = count
        self.loss = loss
        self.confusion = confusion
    }

    /// Number of classes.
    public var classCount: Int { confusion.count }

    /// Examples predicted correctly (the confusion matrix's diagonal).
    public var correct: Int { confusion.indices.reduce(0) { $0 + confusion[$1][$1] } }

    /// The fraction of examples predicted correctly, in [0, 1] (0 for no examples).
    public var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }

    /// Of the examples predicted as `label`, the fraction that were `label` (nil when none were predicted so).
    public func precision(of label: Int) -> Double? {
        let predicted = confusion.reduce(0) { $0 + $1[label] }
        return predicted == 0 ? nil : Double(confusion[label][label]) / Double(predicted)
    }

    /// Of the examples that were `label`, the fraction predicted as `label` (nil when there were none).
    public func recall(of label: Int) -> Double? {
        let actual = confusion[label].reduce(0, +)
        return actual == 0 ? nil : Double(confusion[label][label]) / Double(actual)
    }
}
