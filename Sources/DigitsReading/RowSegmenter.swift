import DigitsClassifier
import DigitsImaging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits one row of ink into digits by recognition: it proposes where digits might begin and
/// end, lets the classifier score every candidate digit, and keeps the split of the whole row that
/// makes the most probable string (dynamic programming over the proposed cut points).
///
/// The row is first broken into *parts*, in reading order: a piece of ink, several pieces that
/// share their columns (a 7 and its bar), or a slice of a wide piece cut at a thin column (where
/// two touching digits meet). A digit is then one or more consecutive parts. Each candidate digit
/// scores the log-probability of its most likely class less costs (see `SegmentationSettings`):
/// for each digit, for joining separate pieces, for cutting through strokes, for being wider than
/// digits of its class are or shorter than the row's digits. So a wide blob is split only when
/// its halves read better than the whole, and a stroke is not read as a digit of its own when it
/// fits one.
struct RowSegmenter {
    /// Every piece of ink in the picture (specks included, to blank them out of digits).
    var pieces: [InkPiece]
    /// The pieces of this row, left to right (indices into `pieces`).
    var members: [Int]
    /// The whole picture's ink.
    var ink: InkMap
    /// A level of `ink.plane` that reads as no ink.
    var blankLevel: UInt8
    var settings: SegmentationSettings
    var classifier: DigitClassifier

    /// A piece, or the columns `columns` of one.
    struct Slice {
        var piece: Int
        var columns: Range<Int>
    }

    /// What a digit is made of: one or more slices, and their box.
    struct Part {
        var slices: [Slice]
        var box: PixelBox
        var centreX: Double { Double(box.x) + Double(box.width) / 2 }
    }

    /// The row's digits, left to right.
    func read(row: Int) -> [ReadDigit] {
        let height = rowHeight()
        let parts = parts(height: height)
        guard !parts.isEmpty else { return [] }

        // best[j]: the best score of reading parts 0 ..< j; start[j]: where its last digit begins.
        var best = [Double](repeating: -.infinity, count: parts.count + 1)
        var start = [Int](repeating: 0, count: parts.count + 1)
        var candidates: [Range<Int>: (score: Double, digit: ReadDigit)] = [:]
        best[0] = 0
        for end in 1 ... parts.count {
            for first in stride(from: end - 1, through: max(0, end - settings.maximumPartsPerDigit), by: -1) {
                if first < end - 1 && gap(between: parts[first], parts[first + 1]) > settings.maximumJoinGap * height {
                    break
                }
                guard best[first] > -.infinity else { continue }
                let candidate =
                    candidates[first ..< end]
                    ?? score(parts[first ..< end], next: end < parts.count ? parts[end] : nil, height: height, row: row)
                candidates[first ..< end] = candidate
                if best[first] + candidate.score > best[end] {
                    best[end] = best[first] + candidate.score
                    start[end] = first
                }
            }
        }
        var digits: [ReadDigit] = []
        var end = parts.count
        while end > 0 {
            digits.append(candidates[start[end] ..< end]!.digit)
            end = start[end]
        }
        return digits.reversed()
    }

    /// The typical height of the row's digits: the median height of its pieces at least 60% as
    /// tall as the tallest (so that bars, dots and cut-off strokes do not count).
    func rowHeight() -> Double {
        let heights = members.map { pieces[$0].box.height }
        let tallest = heights.max() ?? 1
        let full = heights.filter { 10 * $0 >= 6 * tallest }.sorted()
        return Double(max(1, full[full.count / 2]))
    }

    /// Empty columns from the end of `left` to the start of `right` (negative when they overlap).
    func gap(between left: Part, _ right: Part) -> Double {
        Double(right.box.x - (left.box.x + left.box.width))
    }

    // MARK: Parts

    /// The row broken into parts, in reading order (by the centre of each part's box).
    func parts(height: Double) -> [Part] {
        // Pieces sharing enough columns are one group: they can only be one digit, or, when the
        // group is wide, pieces of touching digits that overlap.
        var groups: [(members: [Int], box: PixelBox)] = []
        for member in members {
            let box = pieces[member].box
            groups.append(([member], box))
            var merged = true
            while merged {
                merged = false
                let last = groups.count - 1
                for other in groups.indices where other != last {
                    let shared = Double(groups[last].box.horizontalOverlap(with: groups[other].box))
                    let narrower = Double(min(groups[last].box.width, groups[other].box.width))
                    if shared >= settings.joinOverlap * narrower {
                        let joined = (
                            groups[other].members + groups[last].members, groups[other].box.union(groups[last].box)
                        )
                        groups.remove(at: last)
                        groups[other] = joined
                        groups.swapAt(other, groups.count - 1)
                        merged = true
                        break
                    }
                }
            }
        }

        let cutWidth = settings.cutWidth * height
        var parts: [Part] = []
        for group in groups {
            if Double(group.box.width) <= cutWidth {
                parts.append(
                    Part(
                        slices: group.members.map {
                            Slice(piece: $0, columns: pieces[$0].box.x ..< pieces[$0].box.x + pieces[$0].box.width)
                        },
                        box: group.box))
                continue
            }
            for member in group.members {
                let piece = pieces[member]
                let cuts = Double(piece.box.width) > cutWidth ? cutColumns(of: piece, height: height) : []
                let bounds = [piece.box.x] + cuts + [piece.box.x + piece.box.width]
                for index in 0 ..< bounds.count - 1 {
                    let columns = bounds[index] ..< bounds[index + 1]
                    if let box = sliceBox(of: piece, columns: columns) {
                        parts.append(Part(slices: [Slice(piece: member, columns: columns)], box: box))
                    }
                }
            }
        }
        return parts.sorted { $0.centreX < $1.centreX }
    }

    /// Columns where a wide piece might be cut into digits: thin columns (local minima of the ink
    /// per column, at most 60% of the fullest column), plus, for a piece wide enough to hold
    /// several digits, the thinnest column near each place a digit boundary would fall if its
    /// digits were of typical width. No cut leaves a part narrower than `minimumPartWidth`.
    func cutColumns(of piece: InkPiece, height: Double) -> [Int] {
        let profile = piece.columnProfile()
        let width = profile.count
        let minimumPart = max(2, Int(settings.minimumPartWidth * height))
        guard width >= 2 * minimumPart else { return [] }
        let fullest = profile.max() ?? 0
        var proposals: [(column: Int, ink: Int)] = []
        for column in minimumPart ... width - minimumPart {
            let ink = profile[column]
            let left = profile[column - 1]
            let right = column + 1 < width ? profile[column + 1] : Int.max
            if ink <= left && ink <= right && 10 * ink <= 6 * fullest {
                proposals.append((column, ink))
            }
        }
        let typicalDigits = Int(Double(width) / (0.6 * height))
        if typicalDigits >= 2 {
            let window = max(1, Int(0.15 * height))
            for boundary in 1 ..< typicalDigits {
                let centre = boundary * width / typicalDigits
                let lowest = max(minimumPart, centre - window)
                let highest = min(width - minimumPart, centre + window)
                guard lowest <= highest, let thinnest = (lowest ... highest).min(by: { profile[$0] < profile[$1] })
                else { continue }
                proposals.append((thinnest, profile[thinnest]))
            }
        }
        // The thinnest first, each at least a minimum part away from those already kept.
        var kept: [Int] = []
        for proposal in proposals.sorted(by: { ($0.ink, $0.column) < ($1.ink, $1.column) })
        where kept.allSatisfy({ abs($0 - proposal.column) >= minimumPart }) {
            kept.append(proposal.column)
        }
        return kept.sorted().map { piece.box.x + $0 }
    }

    /// The box of the ink of `piece` within `columns`, or nil when there is none.
    func sliceBox(of piece: InkPiece, columns: Range<Int>) -> PixelBox? {
        var box: PixelBox?
        for run in piece.runs {
            let start = max(Int(run.start), columns.lowerBound)
            let end = min(Int(run.end), columns.upperBound)
            guard start < end else { continue }
            if box == nil {
                box = PixelBox(x: start, y: Int(run.y), width: end - start, height: 1)
            } else {
                box!.extend(toColumns: start ..< end, row: Int(run.y))
            }
        }
        return box
    }

    // MARK: Scoring

    /// The classifier's reading of consecutive parts as one digit, and its score: the log of its
    /// confidence, less the costs of being one more digit, of joining separate pieces, of the cut
    /// that ends it, and of being too wide or too short for a digit.
    func score(_ parts: ArraySlice<Part>, next: Part?, height: Double, row: Int) -> (score: Double, digit: ReadDigit) {
        let slices = parts.flatMap(\.slices)
        let box = parts.dropFirst().reduce(parts.first!.box) { $0.union($1.box) }
        var digit = classifier.normalizer.normalize(inkMap(of: slices, in: box))
        if let bounds = digit.inkBounds {
            digit.inkBounds = PixelBox(
                x: bounds.x + box.x, y: bounds.y + box.y, width: bounds.width, height: bounds.height)
        }
        let classification = classifier.classify(digit)
        var score = log(Double(max(classification.confidence, 1e-9))) - settings.digitCost

        let joins = zip(parts.dropLast(), parts.dropFirst()).filter { cutColumn(between: $0, $1) == nil }.count
        score -= settings.separateJoinCost * Double(joins)
        if let next, let last = parts.last, let cut = cutColumn(between: last, next) {
            score -= settings.cutCost * Double(max(0, crossings(of: pieces[cut.piece], atColumn: cut.column) - 1))
        }

        let aspect = Double(box.width) / Double(box.height)
        let widest = Self.widestAspect[classification.prediction]
        score -= settings.widthPenalty * max(0, log(aspect / widest))
        score -= settings.heightPenalty * max(0, settings.shortestDigit - Double(box.height) / height)
        return (score, ReadDigit(classification: classification, box: box, row: row))
    }

    /// Width ÷ height that 95% of handwritten digits of each class stay within (MNIST's training
    /// digits, measured on their ink boxes: 0 → 1.25, 1 → 0.80, …).
    static let widestAspect: [Double] = [1.25, 0.80, 1.33, 1.11, 1.11, 1.43, 1.00, 1.11, 1.00, 0.90]

    /// The piece and column where `left` was cut from `right`, when they are the two sides of one
    /// cut; nil when they are separate pieces (or groups).
    func cutColumn(between left: Part, _ right: Part) -> (piece: Int, column: Int)? {
        guard left.slices.count == 1, right.slices.count == 1, left.slices[0].piece == right.slices[0].piece,
            left.slices[0].columns.upperBound == right.slices[0].columns.lowerBound
        else { return nil }
        return (left.slices[0].piece, right.slices[0].columns.lowerBound)
    }

    /// How many separate strokes column `column` of `piece` crosses (runs of ink down the column).
    func crossings(of piece: InkPiece, atColumn column: Int) -> Int {
        let rows = piece.runs.filter { Int($0.start) <= column && column < Int($0.end) }.map { Int($0.y) }.sorted()
        return zip(rows.dropFirst(), rows).filter { $0 - $1 > 1 }.count + (rows.isEmpty ? 0 : 1)
    }

    /// The ink of `box` with everything but `slices` blanked: other digits' pieces, the columns of
    /// a cut piece that belong to its neighbours, and specks. Faint edge pixels (below the piece
    /// threshold) are kept, so strokes keep their anti-aliased edges.
    func inkMap(of slices: [Slice], in box: PixelBox) -> InkMap {
        var plane = [UInt8](repeating: blankLevel, count: box.width * box.height)
        for y in 0 ..< box.height {
            let source = (box.y + y) * ink.width + box.x
            plane.replaceSubrange(y * box.width ..< (y + 1) * box.width, with: ink.plane[source ..< source + box.width])
        }
        let own = Dictionary(grouping: slices, by: \.piece).mapValues { slices in
            slices.map(\.columns.lowerBound).min()! ..< slices.map(\.columns.upperBound).max()!
        }
        for (index, piece) in pieces.enumerated() where piece.box.intersects(box) {
            let kept = own[index] ?? 0 ..< 0
            for run in piece.runs where Int(run.y) >= box.y && Int(run.y) < box.y + box.height {
                let rowStart = (Int(run.y) - box.y) * box.width - box.x
                let start = max(Int(run.start), box.x)
                let end = min(Int(run.end), box.x + box.width)
                guard start < end else { continue }
                for x in start ..< end where !kept.contains(x) {
                    plane[rowStart + x] = blankLevel
                }
            }
        }
        return InkMap(width: box.width, height: box.height, plane: plane, table: ink.table, source: ink.source)
    }
}
