/// How many pixels of an 8-bit plane sit at each of the 256 levels.
///
/// The normaliser's decisions (background level, noise, polarity, contrast) only need these
/// counts, so each is one pass over the pixels followed by work on 256 numbers.
struct LevelHistogram {
    /// `counts[level]` is the number of pixels at `level`.
    private(set) var counts = [Int](repeating: 0, count: 256)
    /// Number of pixels counted.
    private(set) var total = 0

    /// The histogram of every pixel in `plane`.
    init(_ plane: [UInt8]) {
        plane.withUnsafeBufferPointer { levels in
            counts.withUnsafeMutableBufferPointer { counts in
                for level in levels {
                    counts[Int(level)] += 1
                }
            }
        }
        total = plane.count
    }

    /// The histogram of the band of `thickness` pixels along the four edges of a `width × height`
    /// plane (the whole plane when the band would cover it).
    init(borderOf plane: [UInt8], width: Int, height: Int, thickness: Int) {
        for y in 0 ..< height {
            let row = y * width
            if y < thickness || y >= height - thickness || 2 * thickness >= width {
                for x in 0 ..< width {
                    counts[Int(plane[row + x])] += 1
                }
            } else {
                for x in 0 ..< thickness {
                    counts[Int(plane[row + x])] += 1
                    counts[Int(plane[row + width - 1 - x])] += 1
                }
            }
        }
        total = counts.reduce(0, +)
    }

    /// The lowest level present (0 for an empty histogram).
    var lowest: Int {
        counts.firstIndex { $0 > 0 } ?? 0
    }

    /// The highest level present (0 for an empty histogram).
    var highest: Int {
        counts.lastIndex { $0 > 0 } ?? 0
    }

    /// The median level: the lowest level with at least half of the pixels at or below it.
    var median: Int {
        Self.median(of: counts, total: total)
    }

    /// The median of `|level − center|`, a noise measure that up to half the pixels (ink that
    /// touches the edge, say) cannot pull away. For Gaussian noise it is about 0.67 σ.
    func medianAbsoluteDeviation(from center: Int) -> Int {
        var deviations = [Int](repeating: 0, count: 256)
        for (level, count) in counts.enumerated() {
            deviations[abs(level - center)] += count
        }
        return Self.median(of: deviations, total: total)
    }

    private static func median(of counts: [Int], total: Int) -> Int {
        var seen = 0
        for (level, count) in counts.enumerated() {
            seen += count
            if 2 * seen >= total && seen > 0 {
                return level
            }
        }
        return 0
    }
}
