import DigitsData
import DigitsModel
import DigitsTensor
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

/// Evaluates a model on a data set, each thread taking a contiguous part of it.
public struct Evaluator: Sendable {
    /// The threads to use.
    public var runner: ParallelRunner

    /// An evaluator on the given threads.
    public init(runner: ParallelRunner) {
        self.runner = runner
    }

    /// The report for `model` on every example of `data`, scoring with `loss`; each thread runs
    /// its part forward `chunkSize` examples at a time.
    public func evaluate(_ model: MLP, on data: MNISTDataSet, loss: Loss = .crossEntropy, chunkSize: Int = 256)
        -> EvaluationReport
    {
        let classes = model.outputCount
        let parts = runner.split(data.count)
        var partial = [(loss: Double, confusion: [Int])](repeating: (0, []), count: parts.count)
        partial.withUnsafeMutableBufferPointer { results in
            runner.run { t in
                var lossSum = 0.0
                var confusion = [Int](repeating: 0, count: classes * classes)
                var batch = MNISTBatch(capacity: chunkSize)
                var outputs = model.layers.map { Matrix(rows: chunkSize, columns: $0.outputCount) }
                var start = parts[t].lowerBound
                while start < parts[t].upperBound {
                    let end = min(start + chunkSize, parts[t].upperBound)
                    batch.load(start ..< end, from: data)
                    for l in model.layers.indices {
                        model.layers[l].forward(l == 0 ? batch.inputs : outputs[l - 1], into: &outputs[l])
                    }
                    let logits = outputs[outputs.count - 1]
                    lossSum += loss.evaluate(logits: logits, labels: batch.labels).lossSum
                    logits.storage.withUnsafeBufferPointer { z in
                        for row in 0 ..< logits.rows {
                            let predicted = Softmax.argmax(UnsafeBufferPointer(rebasing: z[row * classes ..< (row + 1) * classes]))
                            confusion[batch.labels[row] * classes + predicted] += 1
                        }
                    }
                    start = end
                }
                results[t] = (lossSum, confusion)
            }
        }
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        var lossSum = 0.0
        for part in partial {
            lossSum += part.loss
            for truth in 0 ..< classes {
                for predicted in 0 ..< classes { confusion[truth][predicted] += part.confusion[truth * classes + predicted] }
            }
        }
        return EvaluationReport(count: data.count, loss: data.count == 0 ? 0 : lossSum / Double(data.count),
                                confusion: confusion)
    }
}
