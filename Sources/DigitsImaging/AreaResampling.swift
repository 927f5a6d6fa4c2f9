/// Exact box-filter (area-averaging) resampling along one axis.
///
/// Scaling by `scale` maps source pixel `i`, the interval `[i, i + 1)`, onto `[i·scale, (i + 1)·scale)`.
/// Output pixel `j` is the average of everything that lands on `[j, j + 1)`: each source pixel
/// contributes in proportion to the length it overlaps there. Shrinking therefore averages every
/// source pixel exactly once (a thin stroke becomes a fainter, narrower one rather than vanishing or
/// aliasing), and enlarging repeats pixels with blended seams.
///
/// A 2-D resize applies the weights of one axis to every row and then the other axis's to every
/// column, so a 5000×5000 picture costs two passes over its pixels and no per-pixel allocation.
struct AreaResampling {
    /// One source pixel's share of one output pixel.
    struct Contribution {
        /// Source index along the axis.
        var source: Int
        /// Output index along the axis.
        var target: Int
        /// Fraction of the output pixel covered by the source pixel, in `0...1`.
        var weight: Float
    }

    /// Number of output pixels: enough to hold the scaled extent, rounded up.
    let outputCount: Int
    /// Every non-zero (source, output, weight) triple, ordered by output index.
    let contributions: [Contribution]

    /// The weights for resampling `sourceCount` pixels by `scale` (output pixels per source pixel).
    ///
    /// When the scaled extent `sourceCount × scale` is not whole, the last output pixel is only
    /// partly covered and comes out proportionally fainter, the way an anti-aliased edge would.
    init(sourceCount: Int, scale: Double) {
        precondition(sourceCount > 0 && scale > 0)
        let extent = Double(sourceCount) * scale
        // Subtracting a hair keeps an extent of exactly 20 (give or take rounding) at 20 pixels.
        outputCount = max(1, Int((extent - 1e-9).rounded(.up)))
        var contributions: [Contribution] = []
        contributions.reserveCapacity(sourceCount + outputCount)
        for target in 0 ..< outputCount {
            // The output pixel's footprint in source coordinates, clipped to the source.
            let low = Double(target) / scale
            let high = min(Double(target + 1) / scale, Double(sourceCount))
            var source = Int(low.rounded(.down))
            while Double(source) < high && source < sourceCount {
                let overlap = min(high, Double(source + 1)) - max(low, Double(source))
                if overlap > 0 {
                    contributions.append(Contribution(source: source, target: target, weight: Float(overlap * scale)))
                }
                source += 1
            }
        }
        self.contributions = contributions
    }
}
