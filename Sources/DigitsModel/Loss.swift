import DigitsTensor

/// How wrong a batch of predictions is, and the gradient that starts the backward pass.
///
/// The network's last layer produces logits `Z` (B×C, C = 10 classes); every loss here first
/// turns them into probabilities `P = softmax(Z)` row by row and compares `P` with the one-hot
/// target `Y`. Per example:
/// - cross-entropy: `−log P[label] = logsumexp(Z) − Z[label]`
/// - mse: `(1/C) Σ_c (P_c − Y_c)²`
/// - mae: `(1/C) Σ_c |P_c − Y_c|`
/// and the batch loss is the mean over examples. Cross-entropy is fused with the softmax: its
/// gradient with respect to the logits is simply `(P − Y) / B`, and computing it through
/// log-sum-exp keeps it finite for logits as large as ±1e4.
///
/// Training may smooth cross-entropy's target (label smoothing ε, Szegedy et al. 2016): the
/// target becomes `Q = (1 − ε)·Y + ε/C`, the loss `logsumexp(Z) − Σ_c Q_c Z_c` and the gradient
/// `(P − Q) / B`, so the network is never pushed towards probabilities of exactly 0 and 1.
public enum Loss: String, CaseIterable, Sendable, Codable {
    /// Categorical cross-entropy on softmax probabilities (the default, and the right one for classification).
    case crossEntropy = "cross-entropy"
    /// Mean squared error between softmax probabilities and the one-hot target.
    case meanSquaredError = "mse"
    /// Mean absolute error between softmax probabilities and the one-hot target.
    case meanAbsoluteError = "mae"

    /// What one batch (or one shard of a batch) contributed.
    public struct Evaluation: Equatable, Sendable {
        /// The sum of the per-example losses (divide by the example count for the mean).
        public var lossSum: Double
        /// How many rows' largest logit is at their label.
        public var correct: Int

        /// What a batch (or shard) came to: the sum of its losses and its correct predictions.
        public init(lossSum: Double = 0, correct: Int = 0) {
            self.lossSum = lossSum
            self.correct = correct
        }
    }

    /// The loss of `logits` (B×C) against `labels` (B class indices).
    public func evaluate(logits: Matrix, labels: [Int]) -> Evaluation {
        precondition(labels.count >= logits.rows, "need a label per row")
        return logits.storage.withUnsafeBufferPointer { z in
            labels.withUnsafeBufferPointer { y in
                evaluate(
                    logits: z.baseAddress!, rows: logits.rows, classes: logits.columns, labels: y.baseAddress!,
                    batchSize: logits.rows, gradient: nil)
            }
        }
    }

    /// The loss of `logits` (B×C) against `labels`, and its gradient dL/dZ written into `gradient`
    /// (resized to B×C).
    ///
    /// The gradient is that of the loss *averaged over `batchSize` examples*: when `logits` is one
    /// shard of a batch, pass the whole batch's size so that the shards' gradients add up to the
    /// batch's. `labelSmoothing` is ε in [0, 1), for cross-entropy only (see the type's notes).
    public func evaluate(
        logits: Matrix, labels: [Int], batchSize: Int, labelSmoothing: Float = 0, gradient: inout Matrix
    ) -> Evaluation {
        precondition(labels.count >= logits.rows, "need a label per row")
        gradient.resize(rows: logits.rows)
        return logits.storage.withUnsafeBufferPointer { z in
            labels.withUnsafeBufferPointer { y in
                gradient.storage.withUnsafeMutableBufferPointer { g in
                    evaluate(
                        logits: z.baseAddress!, rows: logits.rows, classes: logits.columns, labels: y.baseAddress!,
                        batchSize: batchSize, labelSmoothing: labelSmoothing, gradient: g.baseAddress)
                }
            }
        }
    }

    /// The same on raw row-major buffers: `rows × classes` logits, `rows` labels and, when
    /// non-nil, a `rows × classes` gradient to fill. The training engine calls this form.
    public func evaluate(
        logits: UnsafePointer<Float>, rows: Int, classes: Int, labels: UnsafePointer<Int>,
        batchSize: Int, labelSmoothing: Float = 0, gradient: UnsafeMutablePointer<Float>?
    ) -> Evaluation {
        precondition(
            labelSmoothing == 0 || (self == .crossEntropy && (0 ..< 1).contains(labelSmoothing)),
            "label smoothing is for cross-entropy, with ε in [0, 1)")
        let scale = 1 / Float(batchSize)
        // The smoothed target: `other` for every class, `other + (1 − ε)` for the label.
        let other = labelSmoothing / Float(classes)
        let onLabel = 1 - labelSmoothing + other
        var lossSum = 0.0
        var correct = 0
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * classes) { scratch in
            let probabilities = UnsafeMutableBufferPointer(rebasing: scratch[0 ..< classes])
            let rowGradient = UnsafeMutableBufferPointer(rebasing: scratch[classes ..< 2 * classes])
            for r in 0 ..< rows {
                let label = labels[r]
                precondition(label >= 0 && label < classes, "label \(label) outside 0..<\(classes)")
                let row = UnsafeBufferPointer(start: logits + r * classes, count: classes)
                let logSumExp = Softmax.probabilities(of: row, into: probabilities)
                if Softmax.argmax(UnsafeBufferPointer(probabilities)) == label { correct += 1 }
                switch self {
                case .crossEntropy where labelSmoothing == 0:
                    lossSum += Double(logSumExp - row[label])
                    for c in 0 ..< classes { rowGradient[c] = (probabilities[c] - (c == label ? 1 : 0)) * scale }
                case .crossEntropy:
                    var targetDotLogits: Float = 0
                    for c in 0 ..< classes {
                        let target = c == label ? onLabel : other
                        targetDotLogits += target * row[c]
                        rowGradient[c] = (probabilities[c] - target) * scale
                    }
                    // Σ_c Q_c = 1, so this is −Σ_c Q_c log P_c.
                    lossSum += Double(logSumExp - targetDotLogits)
                case .meanSquaredError, .meanAbsoluteError:
                    // dL/dP first, then through the softmax Jacobian: dZ_c = P_c (g_c − Σ_k g_k P_k).
                    var exampleLoss = 0.0
                    for c in 0 ..< classes {
                        let difference = probabilities[c] - (c == label ? 1 : 0)
                        if self == .meanSquaredError {
                            exampleLoss += Double(difference * difference)
                            rowGradient[c] = 2 * difference / Float(classes) * scale
                        } else {
                            exampleLoss += Double(abs(difference))
                            rowGradient[c] = (difference > 0 ? 1 : difference < 0 ? -1 : 0) / Float(classes) * scale
                        }
                    }
                    lossSum += exampleLoss / Double(classes)
                    var dot: Float = 0
                    for c in 0 ..< classes { dot += rowGradient[c] * probabilities[c] }
                    for c in 0 ..< classes { rowGradient[c] = probabilities[c] * (rowGradient[c] - dot) }
                }
                if let gradient {
                    for c in 0 ..< classes { gradient[r * classes + c] = rowGradient[c] }
                }
            }
            return Evaluation(lossSum: lossSum, correct: correct)
        }
    }
}
