import DigitsKit
import Foundation

/// 28×28 inputs (bytes, 0…255, one after another) with a class label each: what the reader's
/// helper networks, the digit verifier and the cut scorer, learn from.
struct LabelledExamples {
    var pixels: [UInt8] = []
    var labels: [Int] = []

    static let side = 28 * 28

    /// Adds `other`'s examples after these.
    mutating func append(_ other: LabelledExamples) {
        pixels += other.pixels
        labels += other.labels
    }

    /// The inputs of the examples at `indices`, one row each, scaled to 0…1.
    func batch<Indices: Collection<Int>>(_ indices: Indices) -> Matrix {
        let values = indices.flatMap { pixels[$0 * Self.side ..< ($0 + 1) * Self.side].map { Float($0) / 255 } }
        return Matrix(rows: indices.count, columns: Self.side, values: values)
    }

    /// One epoch (number `epoch` of `epochs`, from 0) of SGD steps on `model` over the examples in
    /// `order`, in batches of `batchSize` (a last partial batch left out), the learning rate
    /// falling on a cosine from `peakRate` at the first epoch's start to 0 at the last one's end.
    func trainEpoch(
        _ epoch: Int, of epochs: Int, model: inout MLP, optimizer: inout Optimizer, order: [Int], batchSize: Int,
        peakRate: Float
    ) {
        let steps = labels.count / batchSize
        for step in 0 ..< steps {
            let progress = (Float(epoch) + Float(step) / Float(steps)) / Float(epochs)
            let chosen = order[step * batchSize ..< (step + 1) * batchSize]
            optimizer.trainingStep(
                &model, inputs: batch(chosen), labels: chosen.map { labels[$0] }, loss: .crossEntropy,
                learningRate: peakRate * (1 + cos(Float.pi * progress)) / 2)
        }
    }

    /// The share of the examples whose label is `model`'s most probable class.
    func accuracy(of model: MLP) -> Double {
        let probabilities = model.probabilities(batch(labels.indices))
        let right = labels.indices.filter { row in
            let classes = 0 ..< probabilities.columns
            return classes.max { probabilities[row, $0] < probabilities[row, $1] } == labels[row]
        }
        return Double(right.count) / Double(max(1, labels.count))
    }

    /// Writes `model` to `path` in F16, with `summary` (a JSON object) as its training record.
    static func write(_ model: MLP, summary: [String: Any], to path: String) throws {
        let json = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys, .withoutEscapingSlashes])
        try ModelFile(model: model, trainingRecord: TrainingRecord(summary: String(decoding: json, as: UTF8.self)))
            .write(to: path, precision: .float16)
    }
}
