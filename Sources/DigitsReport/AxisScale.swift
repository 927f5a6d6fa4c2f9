import DigitsTerminal

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One axis of a chart: the range of values it spans, the values it marks with ticks, and how a
/// value maps to a position along it.
public struct AxisScale: Equatable, Sendable {
    /// How values are spaced along the axis.
    public enum Kind: Equatable, Sendable {
        /// Equal differences take equal lengths.
        case linear
        /// Equal ratios take equal lengths (every value positive).
        case logarithmic
    }

    /// Linear or logarithmic.
    public let kind: Kind
    /// The value at the start of the axis (left or bottom).
    public let lower: Double
    /// The value at the end of the axis (right or top); greater than `lower`.
    public let upper: Double
    /// The values marked with a tick and a label, ascending, all within `lower...upper`.
    public let ticks: [Double]
    /// The distance between linear ticks (nil for a logarithmic axis), which decides how many
    /// decimals their labels need.
    public let step: Double?

    /// A linear axis covering `minimum...maximum` whose ends and ticks are "nice" numbers — 1, 2,
    /// 2.5 or 5 times a power of ten — with about `targetTickCount` ticks (at least 2).
    ///
    /// The ends are the ticks just outside the data, so no point sits beyond the axis. A single
    /// value gets an axis around it; `integers` keeps the step a whole number (for epochs).
    /// Non-finite bounds give the axis 0...1.
    public static func linear(
        covering minimum: Double, _ maximum: Double, targetTickCount: Int = 6, integers: Bool = false
    ) -> AxisScale {
        var (low, high) = minimum.isFinite && maximum.isFinite ? (min(minimum, maximum), max(minimum, maximum)) : (0, 1)
        if low == high {
            // One value: give it room on both sides, in its own units.
            let pad = integers ? 1 : (low == 0 ? 1 : abs(low) * 0.1)
            (low, high) = (low - pad, high + pad)
        }
        var step = niceStep(for: (high - low) / Double(max(targetTickCount - 1, 1)))
        if integers { step = max(1, step.rounded(.up)) }
        let lower = (low / step).rounded(.down) * step
        let upper = (high / step).rounded(.up) * step
        let count = Int(((upper - lower) / step).rounded()) + 1
        // Each tick from its index (not by repeated addition), so 0.1 steps do not drift.
        let ticks = (0 ..< count).map { lower + Double($0) * step }
        return AxisScale(kind: .linear, lower: lower, upper: upper, ticks: ticks, step: step)
    }

    /// A logarithmic axis from the power of ten at or below `minimum` to the one at or above
    /// `maximum`, with a tick at every power of ten, and at 2 and 5 times each when the axis
    /// spans fewer than three decades. Both bounds must be positive and finite.
    public static func logarithmic(covering minimum: Double, _ maximum: Double) -> AxisScale {
        precondition(
            minimum > 0 && maximum > 0 && minimum.isFinite && maximum.isFinite, "log axis of non-positive values")
        let (low, high) = (min(minimum, maximum), max(minimum, maximum))
        var lowExponent = Int(log10(low).rounded(.down))
        var highExponent = Int(log10(high).rounded(.up))
        // log10 of an exact power of ten can land a hair off; keep the data inside the axis.
        if pow(10, Double(lowExponent)) > low { lowExponent -= 1 }
        if pow(10, Double(highExponent)) < high { highExponent += 1 }
        if highExponent == lowExponent { highExponent += 1 }
        let multiples: [Double] = highExponent - lowExponent < 3 ? [1, 2, 5] : [1]
        var ticks: [Double] = []
        for exponent in lowExponent ... highExponent {
            for multiple in multiples where exponent < highExponent || multiple == 1 {
                ticks.append(multiple * pow(10, Double(exponent)))
            }
        }
        return AxisScale(
            kind: .logarithmic, lower: pow(10, Double(lowExponent)), upper: pow(10, Double(highExponent)),
            ticks: ticks, step: nil)
    }

    /// The smallest of 1, 2, 2.5, 5 and 10 times a power of ten that is at least `rough`
    /// (positive); 1 for anything not positive and finite.
    static func niceStep(for rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let power = pow(10, log10(rough).rounded(.down))
        for multiple in [1, 2, 2.5, 5, 10] where multiple * power >= rough * (1 - 1e-9) {
            return multiple * power
        }
        return 10 * power
    }

    /// Where `value` lies along the axis, from 0 at `lower` to 1 at `upper` (outside for values
    /// beyond the ends; a logarithmic axis puts values ≤ 0 at -∞).
    public func fraction(of value: Double) -> Double {
        switch kind {
        case .linear:
            return (value - lower) / (upper - lower)
        case .logarithmic:
            guard value > 0 else { return -.infinity }
            return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
    }

    /// The label of tick `value`: as many decimals as the step needs on a linear axis; on a
    /// logarithmic one, plain decimals from 0.001 up and `1e-4`, `2e-4`… below.
    public func label(for value: Double) -> String {
        switch kind {
        case .linear:
            return Format.fixed(value, decimals: Self.decimals(for: step ?? 1))
        case .logarithmic:
            let exponent = Int(log10(value).rounded(.down))
            if exponent >= -3 { return Format.fixed(value, decimals: max(0, -exponent)) }
            let mantissa = (value / pow(10, Double(exponent))).rounded()
            return "\(Int(mantissa))e\(exponent)"
        }
    }

    /// The fewest decimals (up to 10) that write every multiple of `step` exactly.
    static func decimals(for step: Double) -> Int {
        var decimals = 0
        var scaled = step
        while decimals < 10 && abs(scaled - scaled.rounded()) > 1e-9 * max(1, abs(scaled)) {
            decimals += 1
            scaled *= 10
        }
        return decimals
    }
}
