#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The softmax function, `softmax(z)_i = e^(z_i) / Σ_j e^(z_j)`, computed stably.
public enum Softmax {
    /// Writes the softmax of `logits` into `probabilities` (at least as long) and returns
    /// `log Σ_j e^(z_j)`.
    ///
    /// Subtracting the largest logit before exponentiating keeps every exponent ≤ 0, so nothing
    /// overflows; the result is exact for logits of any magnitude (±1e4 included). A NaN logit
    /// gives NaN probabilities.
    @discardableResult
    public static func probabilities(
        of logits: UnsafeBufferPointer<Float>, into probabilities: UnsafeMutableBufferPointer<Float>
    ) -> Float {
        var largest = -Float.infinity
        for z in logits where z > largest { largest = z }
        if largest == -.infinity { largest = 0 }  // all −∞ (or empty): avoid ∞ − ∞
        var sum: Float = 0
        for (i, z) in logits.enumerated() {
            let e = expf(z - largest)
            probabilities[i] = e
            sum += e
        }
        for i in logits.indices { probabilities[i] /= sum }
        return largest + logf(sum)
    }

    /// The softmax of one row of logits.
    public static func probabilities(of logits: [Float]) -> [Float] {
        var result = [Float](repeating: 0, count: logits.count)
        logits.withUnsafeBufferPointer { z in
            result.withUnsafeMutableBufferPointer { _ = probabilities(of: z, into: $0) }
        }
        return result
    }

    /// The index of the largest value (the first one on ties); −1 for an empty array.
    public static func argmax(_ values: [Float]) -> Int {
        values.withUnsafeBufferPointer(argmax)
    }

    /// The index of the largest value (the first one on ties); −1 for an empty buffer.
    public static func argmax(_ values: UnsafeBufferPointer<Float>) -> Int {
        var best = -1
        var bestValue = -Float.infinity
        for (i, v) in values.enumerated() where best < 0 || v > bestValue {
            best = i
            bestValue = v
        }
        return best
    }
}
