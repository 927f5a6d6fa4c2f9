/// Dropout, the inverted kind: while training, every hidden unit (and, when asked, every input
/// pixel) of every example is zeroed with probability p and the survivors are scaled by
/// 1 / (1 − p), so the next layer sees the same input on average; evaluation uses every unit
/// as it is. A network that cannot lean on any one unit learns features that hold up alone.
///
/// Which units an example loses depends only on the run's seed, the epoch, the example's index
/// in the training set, the layer and the unit — it is a hash of them, not a draw from a
/// generator shared by the threads — so it does not depend on the thread count or on where a
/// run was resumed, and a resumed run drops exactly the units the first would have.
///
/// The engine applies the mask to each hidden layer's output after its ReLU. The backward pass
/// then needs no mask of its own: ReLU's derivative, read from the masked output, is already 0
/// for a dropped unit, so only the 1 / (1 − p) scale is applied to dL/dZ.
public struct Dropout: Equatable, Sendable, Codable {
    /// The probability of dropping each hidden unit, in [0, 1).
    public var hidden: Float
    /// The probability of dropping each input pixel, in [0, 1).
    public var input: Float

    /// Dropout with these probabilities.
    public init(hidden: Float = 0, input: Float = 0) {
        self.hidden = hidden
        self.input = input
    }

    /// The probabilities in words, e.g. "dropout 0.2, input dropout 0.1"; empty when both are 0.
    public var summary: String {
        [hidden > 0 ? "dropout \(hidden)" : nil, input > 0 ? "input dropout \(input)" : nil].compactMap { $0 }
            .joined(separator: ", ")
    }

    /// Whether unit `unit` of layer `layer` — 0 for the input pixels, l ≥ 1 for the output of the
    /// l-th weight layer — survives for example `example` in `epoch` of a run seeded `seed`,
    /// when units are dropped with probability `rate`.
    public static func keeps(
        unit: Int, layer: Int, example: Int, epoch: Int, seed: UInt64, rate: Float
    ) -> Bool {
        let row = rowKey(layer: layer, example: example, epoch: epoch, seed: seed)
        return survives(unit: unit, rowKey: row, rate: rate)
    }

    /// What every unit's hash in one example's layer starts from.
    static func rowKey(layer: Int, example: Int, epoch: Int, seed: UInt64) -> UInt64 {
        mix(seed ^ mix(UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15 ^ mix(UInt64(example) &+ UInt64(layer) << 40)))
    }

    /// Whether a unit survives: the top 24 bits of its hash, as a fraction of 2²⁴, are at least
    /// `rate`.
    @inline(__always)
    static func survives(unit: Int, rowKey: UInt64, rate: Float) -> Bool {
        Float(mix(rowKey &+ UInt64(unit) &* 0xD1B5_4A32_D192_ED03) >> 40) * 0x1p-24 >= rate
    }

    /// SplitMix64's finaliser: a bijection of 64-bit words that scatters every input bit over
    /// the output.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Applies layer `layer`'s mask for `example` to `count` consecutive units starting at unit
    /// `firstUnit`, in place: dropped units become 0, kept ones are scaled by 1 / (1 − `rate`).
    static func apply(
        to values: UnsafeMutablePointer<Float>, firstUnit: Int, count: Int, layer: Int, example: Int, epoch: Int,
        seed: UInt64, rate: Float
    ) {
        let row = rowKey(layer: layer, example: example, epoch: epoch, seed: seed)
        let scale = 1 / (1 - rate)
        for j in 0 ..< count {
            values[j] = survives(unit: firstUnit + j, rowKey: row, rate: rate) ? values[j] * scale : 0
        }
    }
}

/// Dropout for one epoch of one run: the probabilities, and the seed and epoch the masks are
/// hashed from.
public struct EpochDropout: Sendable {
    /// The probabilities.
    public var dropout: Dropout
    /// The run's seed.
    public var seed: UInt64
    /// The epoch, from 1.
    public var epoch: Int

    /// The dropout of epoch `epoch` of a run seeded with `seed`.
    public init(dropout: Dropout, seed: UInt64, epoch: Int) {
        self.dropout = dropout
        self.seed = seed
        self.epoch = epoch
    }
}
