import DigitsImaging
import DigitsModel

/// Proposes where a wide piece of ink might be cut into touching digits.
///
/// Thin columns are proposed (local minima of the ink per column, at most 60% of the fullest
/// column: where two digits meet), and, for a piece wide enough to hold several digits, the
/// thinnest column near each place where a boundary would fall if its digits were of typical
/// width; proposals are kept at least a minimum part apart. A piece too wide to be one digit is
/// offered far more: every thin column, and a column every `denseSpacing`, kept that far apart,
/// since where two touching digits meet is often no thin column at all, and a verifier then tells
/// the good cuts from the bad (see `NumberReader.verifier`).
///
/// Each proposal becomes the cut near it that crosses the least ink: a path from top to bottom,
/// moving at most one column per row, and less than half a minimum part either way (a dense cut:
/// at most `denseReach`), found by dynamic programming over the rows. It can pass between digits
/// that lean into each other. A cut never crosses the one on its left: where it would, it
/// follows it. Given a cut scorer, a dense cut also pays for every pixel it crosses the scorer's
/// surprise that digits part there (see `CutCostMap`), and may stray further (`scoredReach`),
/// since it is no longer drawn to any thin place.
struct PieceCutter {
    /// The piece to cut.
    var piece: InkPiece
    /// The row's digit height, in pixels.
    var height: Double
    /// The narrowest part a cut may leave, as a fraction of `height`.
    var minimumPartWidth: Double
    /// Pieces at least this wide, as a fraction of `height`, are offered dense cuts.
    var denseWidth: Double
    /// How far apart dense cuts are, as a fraction of `height`.
    var denseSpacing: Double
    /// How far a dense cut may stray either way from the column proposed, as a fraction of
    /// `height` (at least a pixel).
    var denseReach: Double
    /// The network that says where a cut parts digits cleanly (see `NumberReader.cutScorer`), or
    /// nil to place cuts by ink alone.
    var scorer: MLP? = nil
    /// How far a dense cut may stray when the scorer prices it, as a fraction of `height`.
    var scoredReach: Double = 0

    /// What crossing one pixel of ink costs a cut; a step sideways costs 1.
    static let inkCost = 16

    /// The widest piece offered dense cuts, as a multiple of `height`.
    static let densestWidth = 12.0

    /// Whether a piece `width` pixels wide, in a row of digits `height` pixels high, is a row of
    /// touching digits: at least `denseWidth` heights wide, too wide for one digit, and at most
    /// `densestWidth`, since past a dozen digits' width a piece is no row of digits (an
    /// underline, a border). Such a piece is offered dense cuts, and the reader asks only how
    /// many digits it holds (see `SegmentationSettings.widePieceDigitCost`).
    static func holdsTouchingDigits(width: Int, height: Double, denseWidth: Double) -> Bool {
        Double(width) >= denseWidth * height && Double(width) <= densestWidth * height
    }

    /// The proposed cuts, left to right.
    func cuts() -> [CutPath] {
        let box = piece.box
        let minimumPart = max(2, Int(minimumPartWidth * height))
        guard box.width >= 2 * minimumPart else { return [] }
        let profile = piece.columnProfile()
        let fullest = profile.max() ?? 0
        // Past a dozen digits' width dense cuts would only multiply the candidates: such a piece
        // gets the sparse ones.
        let dense = Self.holdsTouchingDigits(width: box.width, height: height, denseWidth: denseWidth)
        let spacing = dense ? max(2, Int((denseSpacing * height).rounded())) : minimumPart
        var proposals: [Int] = []
        for column in minimumPart ... box.width - minimumPart {
            let left = profile[column - 1]
            let right = column + 1 < box.width ? profile[column + 1] : Int.max
            if profile[column] <= left && profile[column] <= right && (dense || 10 * profile[column] <= 6 * fullest) {
                proposals.append(column)
            }
        }
        let typicalDigits = Int(Double(box.width) / (0.6 * height))
        if typicalDigits >= 2 {
            let window = max(1, Int(0.15 * height))
            for boundary in 1 ..< typicalDigits {
                let centre = boundary * box.width / typicalDigits
                let lowest = max(minimumPart, centre - window)
                let highest = min(box.width - minimumPart, centre + window)
                guard lowest <= highest, let thinnest = (lowest ... highest).min(by: { profile[$0] < profile[$1] })
                else { continue }
                proposals.append(thinnest)
            }
        }
        if dense {
            proposals += stride(from: minimumPart, through: box.width - minimumPart, by: spacing)
        }
        // The thinnest first, each at least `spacing` from those kept.
        var kept: [Int] = []
        for proposal in proposals.sorted(by: { (profile[$0], $0) < (profile[$1], $1) })
        where kept.allSatisfy({ abs($0 - proposal) >= spacing }) {
            kept.append(proposal)
        }
        let mask = piece.mask()
        var costs = mask.map { $0 ? Self.inkCost : 0 }
        // Dense cuts stay near their columns, or they would all drift to the few thinnest places.
        var reach = dense ? max(1, Int((denseReach * height).rounded())) : max(1, (minimumPart - 1) / 2)
        if dense, let scorer {
            let surprise = CutCostMap(mask: mask, box: box, height: height).pixelCosts(scorer: scorer)
            for pixel in costs.indices { costs[pixel] += surprise[pixel] }
            reach = max(reach, Int((scoredReach * height).rounded()))
        }
        var cuts: [CutPath] = []
        for (index, column) in kept.sorted().enumerated() {
            var path = bestPath(near: column, reach: reach, costs: costs)
            if let previous = cuts.last {
                for row in path.indices {
                    path[row] = max(path[row], previous.columns[row] - box.x)
                }
            }
            cuts.append(
                CutPath(
                    index: index, top: box.y, columns: path.map { $0 + box.x },
                    crossings: crossings(of: path, mask: mask)))
        }
        return cuts
    }

    /// The path from top to bottom within `reach` columns of `centre` (box columns) whose pixels
    /// cost least by `costs` (one per box pixel, row after row), preferring straight steps; its
    /// columns are box columns.
    func bestPath(near centre: Int, reach: Int, costs pixelCosts: [Int]) -> [Int] {
        let box = piece.box
        let lowest = max(1, centre - reach)
        let highest = min(box.width - 1, centre + reach)
        let span = highest - lowest + 1
        // A step sideways costs 1, a sixteenth of an ink pixel, so that it mostly breaks ties.
        var cost = [Int](repeating: 0, count: span)
        var from = [Int](repeating: 0, count: span * box.height)
        for offset in 0 ..< span {
            cost[offset] = pixelCosts[lowest + offset]
        }
        for row in 1 ..< max(1, box.height) {
            var next = [Int](repeating: 0, count: span)
            for offset in 0 ..< span {
                var best = cost[offset]
                var origin = offset
                if offset > 0 && cost[offset - 1] + 1 < best {
                    best = cost[offset - 1] + 1
                    origin = offset - 1
                }
                if offset + 1 < span && cost[offset + 1] + 1 < best {
                    best = cost[offset + 1] + 1
                    origin = offset + 1
                }
                next[offset] = best + pixelCosts[row * box.width + lowest + offset]
                from[row * span + offset] = origin
            }
            cost = next
        }
        var offset = cost.indices.min { cost[$0] < cost[$1] }!
        var columns = [Int](repeating: 0, count: box.height)
        for row in stride(from: box.height - 1, through: 0, by: -1) {
            columns[row] = lowest + offset
            offset = from[row * span + offset]
        }
        return columns
    }

    /// How many separate strokes a path (box columns, one per row) crosses: stretches of ink along it.
    func crossings(of columns: [Int], mask: [Bool]) -> Int {
        var crossings = 0
        var inStroke = false
        for row in columns.indices {
            let isInk = mask[row * piece.box.width + columns[row]]
            if isInk && !inStroke { crossings += 1 }
            inStroke = isInk
        }
        return crossings
    }
}

extension InkPiece {
    /// Which pixels of the piece's box are the piece's ink, row after row.
    func mask() -> [Bool] {
        var mask = [Bool](repeating: false, count: box.width * box.height)
        for run in runs {
            let row = (Int(run.y) - box.y) * box.width - box.x
            for x in Int(run.start) ..< Int(run.end) { mask[row + x] = true }
        }
        return mask
    }
}
