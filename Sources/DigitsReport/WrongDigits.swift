import DigitsData
import DigitsModel
import DigitsTensor

/// A test digit the model got wrong: which one, what it is, what the model said, and how sure it
/// was.
public struct WrongDigit: Equatable, Sendable {
    /// The digit's index in its data set, from 0.
    public var index: Int
    /// Its true label.
    public var truth: Int
    /// The model's prediction (the most probable digit), not `truth`.
    public var predicted: Int
    /// The probability the model gave `predicted`, in [0, 1].
    public var confidence: Float

    /// A wrong digit from its parts.
    public init(index: Int, truth: Int, predicted: Int, confidence: Float) {
        self.index = index
        self.truth = truth
        self.predicted = predicted
        self.confidence = confidence
    }
}

/// Finding the digits a model gets wrong with the most confidence: the ones worth looking at.
public enum WrongDigits {
    /// The `limit` most confident of `candidates`, most confident first; among equal
    /// confidences, the lower index first, so the choice never depends on the order given.
    public static func mostConfident(_ candidates: [WrongDigit], limit: Int) -> [WrongDigit] {
        Array(
            candidates.sorted {
                $0.confidence != $1.confidence ? $0.confidence > $1.confidence : $0.index < $1.index
            }
            .prefix(max(limit, 0)))
    }

    /// Every example of `data` that `model` predicts wrongly, in index order, computed on the
    /// threads of `pool`, each taking a contiguous part `chunkSize` examples at a time as the
    /// `Evaluator` does, so the predictions are the ones its confusion matrix counts.
    public static func all(_ model: MLP, on data: MNISTDataSet, pool: ThreadPool, chunkSize: Int = 256)
        -> [WrongDigit]
    {
        let classes = model.outputCount
        let parts = pool.split(data.count)
        var found = [[WrongDigit]](repeating: [], count: parts.count)
        found.withUnsafeMutableBufferPointer { results in
            pool.run { t in
                var wrong: [WrongDigit] = []
                var batch = MNISTBatch(capacity: chunkSize)
                let probabilities = UnsafeMutablePointer<Float>.allocate(capacity: classes)
                defer { probabilities.deallocate() }
                var start = parts[t].lowerBound
                while start < parts[t].upperBound {
                    let end = min(start + chunkSize, parts[t].upperBound)
                    batch.load(start ..< end, from: data)
                    // The prediction from the logits, as the evaluator takes it; the confidence from
                    // their softmax.
                    let logits = model.logits(batch.inputs)
                    logits.storage.withUnsafeBufferPointer { z in
                        for row in 0 ..< logits.rows {
                            let values = UnsafeBufferPointer(rebasing: z[row * classes ..< (row + 1) * classes])
                            let predicted = Softmax.argmax(values)
                            guard predicted != batch.labels[row] else { continue }
                            Softmax.probabilities(
                                of: values, into: UnsafeMutableBufferPointer(start: probabilities, count: classes))
                            wrong.append(
                                WrongDigit(
                                    index: start + row, truth: batch.labels[row], predicted: predicted,
                                    confidence: probabilities[predicted]))
                        }
                    }
                    start = end
                }
                results[t] = wrong
            }
        }
        return found.flatMap { $0 }
    }
}
