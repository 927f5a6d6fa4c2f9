#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small, fast, seedable random-number generator (SplitMix64).
///
/// Every random choice in `digits` — weight initialisation, shuffling, augmentation — draws from
/// one of these, so the same seed gives the same model. Its whole state is one `UInt64`, which a
/// checkpoint can save and restore.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    /// The generator's entire state.
    public var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// What each step adds to the state; the n-th output after a state depends only on
    /// `state + n·increment`, so a kernel can draw many at once and the caller skip past them.
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= Self.increment
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform `Double` in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A sample from the normal distribution with the given mean and standard deviation (Box–Muller).
    public mutating func nextNormal(mean: Double = 0, standardDeviation: Double = 1) -> Double {
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let u1 = 1 - nextUnit()
        let u2 = nextUnit()
        return mean + standardDeviation * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A uniform integer in `0..<upperBound` without modulo bias (rejection sampling, written out so
    /// the sequence never depends on the standard library's version).
    @inlinable
    public mutating func nextIndex(below upperBound: Int) -> Int {
        precondition(upperBound > 0)
        let bound = UInt64(upperBound)
        // The largest multiple of `bound` that fits; draws at or above it would favour small values.
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let draw = next()
            if draw < limit { return Int(draw % bound) }
        }
    }
}

extension MutableCollection where Self: RandomAccessCollection, Index == Int {
    /// Fisher–Yates shuffle driven by `generator`.
    ///
    /// Written out rather than using the standard library's `shuffle(using:)`, whose algorithm is
    /// not promised to stay the same across Swift versions: a seed must always give the same order.
    @inlinable
    public mutating func deterministicShuffle(using generator: inout SplitMix64) {
        guard count > 1 else { return }
        for i in stride(from: endIndex - 1, to: startIndex, by: -1) {
            let j = startIndex + generator.nextIndex(below: i - startIndex + 1)
            swapAt(i, j)
        }
    }
}

extension SplitMix64: Codable {
    /// Encoded as 16 hex digits, because JSON numbers lose the low bits of large 64-bit integers.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        let digits = String(state, radix: 16)
        try container.encode(String(repeating: "0", count: 16 - digits.count) + digits)
    }

    /// Decodes the 16 hex digits `encode(to:)` writes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard text.count == 16, let state = UInt64(text, radix: 16) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected 16 hex digits, got '\(text)'")
        }
        self.init(seed: state)
    }
}
