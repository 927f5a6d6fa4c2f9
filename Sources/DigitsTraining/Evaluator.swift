import DigitsData
import DigitsModel
import DigitsTensor

/// Evaluates a model on a data set, each thread of a pool taking a contiguous part of it.
public struct Evaluator {
    /// The threads to use.
    public let pool: ThreadPool

    /// An evaluator on the threads of `pool` (the training engine lends its own).
    public init(pool: ThreadPool) {
        self.pool = pool
    }

    /// An evaluator on `threadCount` threads of its own.
    public init(threadCount: Int) {
        self.init(pool: ThreadPool(threadCount: threadCount))
    }

    /// The report for `model` on every example of `data`, scoring with `loss`; each thread runs
    /// its part forward `chunkSize` examples at a time.
    public func evaluate(_ model: MLP, on data: MNISTDataSet, loss: Loss = .crossEntropy, chunkSize: Int = 256)
        -> EvaluationReport
    {
        let classes = model.outputCount
        let parts = pool.split(data.count)
        var partial = [(loss: Double, confusion: [Int])](repeating: (0, []), count: parts.count)
        partial.withUnsafeMutableBufferPointer { results in
            pool.run { t in
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
                            let predicted = Softmax.argmax(
                                UnsafeBufferPointer(rebasing: z[row * classes ..< (row + 1) * classes]))
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
                for predicted in 0 ..< classes {
                    confusion[truth][predicted] += part.confusion[truth * classes + predicted]
                }
            }
        }
        return EvaluationReport(
            count: data.count, loss: data.count == 0 ? 0 : lossSum / Double(data.count),
            confusion: confusion)
    }
}
