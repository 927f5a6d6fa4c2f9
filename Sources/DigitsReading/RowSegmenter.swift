import DigitsClassifier
import DigitsImaging
import DigitsModel
import DigitsTensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits one row of ink into digits by recognition: it proposes where digits might begin and
/// end, lets the classifier score every candidate digit, and keeps the reading of the whole row
/// that scores best (dynamic programming over the proposed cut points; see `ReadingLattice`).
///
/// The row is first broken into *parts*, in reading order: a piece of ink, several pieces that
/// share their columns (a 7 and its bar), or a slice of a wide piece between two cuts (where
/// two touching digits meet; see `PieceCutter`). A digit is then one or more consecutive parts.
/// Reading a candidate as a digit is weighed by its `CandidateEvidence`: the log of its chance
/// of being that digit (the classifier's probability, tempered by the verifier's judgement that
/// it is one whole digit and that digit), less costs (see `SegmentationSettings`): for each
/// digit, for joining separate pieces, for cutting through strokes, for being wider than digits
/// of that class are or shorter than the row's digits. So a wide blob is split only when its
/// halves read better than the whole, and a stroke is not read as a digit of its own when it
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
    /// The network that says whether a candidate is one whole digit (see `NumberReader.verifier`).
    var verifier: MLP?
    /// The network that says where touching digits part (see `NumberReader.cutScorer`).
    var cutScorer: MLP?
    /// The networks that read a row of touching digits whole (see `NumberReader.rowReaders`).
    var rowReaders: [ConvolutionalNetwork] = []
    /// Pieces this close are dots of one dotted stroke (see `RowFinder.dotGap`).
    var dotGap = 0

    /// What a digit is made of: one or more slices, and their box.
    struct Part {
        var slices: [Slice]
        var box: PixelBox
        /// The group of pieces it comes from (an index into `groups()`).
        var group: Int
    }

    /// A run of consecutive parts that may be one digit, and what speaks for reading it as the
    /// digit the classifier reads in it.
    struct Candidate {
        /// Its parts.
        var parts: Range<Int>
        /// Its ink as the classifier saw it.
        var input: NormalizedDigit
        /// What the classifier made of it.
        var classification: Classification
        /// Its ink's box in the picture.
        var box: PixelBox
        /// The evidence for reading it as that digit.
        var evidence: CandidateEvidence
    }

    /// The row's digits, left to right: as the row readers read the row whole, when there are any
    /// and the row holds touching digits (see `readWhole(row:with:)`); otherwise the best reading
    /// of its lattice (see `lattice(of:height:candidates:)`).
    func read(row: Int) -> [ReadDigit] {
        let groups = groups()
        if !rowReaders.isEmpty, holdsTouchingDigits(groups: groups) { return readWhole(row: row, with: rowReaders) }
        return readByCuts(row: row, groups: groups)
    }

    /// The row's digits, left to right: the best reading of its lattice. `groups` are the row's
    /// `groups()`, when they are already found.
    func readByCuts(row: Int, groups: [Group]? = nil) -> [ReadDigit] {
        let (parts, height, candidates) = candidates(groups: groups)
        guard !parts.isEmpty else { return [] }
        return lattice(of: parts, height: height, candidates: candidates).best().candidates.map { index in
            let candidate = candidates[index]
            return ReadDigit(classification: candidate.classification, box: candidate.box, row: row)
        }
    }

    /// Every reading of the row: each candidate read as the digit the classifier reads in it,
    /// scored by its evidence under the settings, and each small mark (smaller than `largestMark`
    /// both ways) left unread, a dot, a speck or a stray stroke, at `markCost`.
    ///
    /// A candidate is never read as another digit: the verifier's and the costs' part is to
    /// choose where digits are, not what they are. Letting the verifier and a digit's usual
    /// shape choose the digit too read unseen touching rows a little better but spaced ones a
    /// point worse (see the README).
    func lattice(of parts: [Part], height: Double, candidates: [Candidate]) -> ReadingLattice {
        ReadingLattice(
            partCount: parts.count,
            candidates: candidates.map { candidate in
                ReadingLattice.Candidate(
                    parts: candidate.parts, digit: candidate.classification.prediction,
                    score: candidate.evidence.score(with: settings))
            },
            markCosts: parts.map { part in
                Double(max(part.box.width, part.box.height)) < settings.largestMark * height ? settings.markCost : nil
            })
    }

    /// The row's parts, its digits' typical height (see `rowHeight`), and every run of parts that
    /// may be one digit, with its evidence. `groups` are the row's `groups()`, when they are
    /// already found.
    ///
    /// Every candidate is classified with all the others in one batch: a large model's weights
    /// are then read once per row, not once per candidate. Every prefix of the row can be read,
    /// since each part alone is a candidate.
    func candidates(groups: [Group]? = nil) -> (parts: [Part], height: Double, candidates: [Candidate]) {
        let groups = groups ?? self.groups()
        let height = rowHeight(of: groups)
        let parts = parts(of: groups, height: height)
        guard !parts.isEmpty else { return ([], height, []) }
        let ranges = candidateRanges(of: parts, height: height)
        let inputs = ranges.map { input(of: parts[$0]) }
        let digits = inputs.map(\.digit)
        let batch = DigitClassifier.batch(of: digits)
        let classifications = classifier.classify(digits, batch: batch)
        // The classifier's confidence says only which digit a candidate looks most like, and it is
        // high for many a blob of two digits; the verifier says how likely it is to be one whole
        // digit, and which. Their weighted geometric mean is the candidate's chance.
        let judged = verifier?.probabilities(batch)
        let candidates = ranges.indices.map { index in
            let range = ranges[index]
            let classification = classifications[index]
            let evidence = evidence(
                parts[range], classification: classification,
                verifierChance: judged.map { Double($0[index, classification.prediction]) },
                box: inputs[index].box, next: range.upperBound < parts.count ? parts[range.upperBound] : nil,
                height: height)
            return Candidate(
                parts: range, input: inputs[index].digit, classification: classification, box: inputs[index].box,
                evidence: evidence)
        }
        return (parts, height, candidates)
    }

    /// The runs of consecutive parts that may be one digit, by where they end and then from the
    /// shortest: at most `maximumPartsPerDigit` parts, with no gap wider than `maximumJoinGap`
    /// between neighbours, or any number of parts of one group of pieces that together are no
    /// wider than `widestDigit` (a wide 0, or a 7 whose bar came apart, may be cut into more
    /// parts than a digit usually takes).
    func candidateRanges(of parts: [Part], height: Double) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        for end in 1 ... parts.count {
            var box = parts[end - 1].box
            var oneGroup = true
            for first in stride(from: end - 1, through: 0, by: -1) {
                if first < end - 1 {
                    if gap(between: parts[first], parts[first + 1]) > settings.maximumJoinGap * height { break }
                    box = box.union(parts[first].box)
                    oneGroup = oneGroup && parts[first].group == parts[end - 1].group
                }
                // Past both limits, a longer run only grows wider and keeps any other group.
                guard
                    end - first <= settings.maximumPartsPerDigit
                        || (oneGroup && Double(box.width) <= settings.widestDigit * height)
                else { break }
                ranges.append(first ..< end)
            }
        }
        return ranges
    }

    /// The typical height of the row's digits: the median height of its groups of pieces at least
    /// 60% as tall as the tallest (so that bars, dots and cut-off strokes do not count).
    func rowHeight(of groups: [Group]) -> Double {
        let heights = groups.map(\.box.height)
        let tallest = heights.max() ?? 1
        let full = heights.filter { 10 * $0 >= 6 * tallest }.sorted()
        return Double(max(1, full[full.count / 2]))
    }

    /// Empty columns from the end of `left` to the start of `right` (negative when they overlap).
    func gap(between left: Part, _ right: Part) -> Double {
        Double(right.box.x - (left.box.x + left.box.width))
    }

    // MARK: Parts

    /// Pieces that can only be read together, and their box.
    typealias Group = (members: [Int], box: PixelBox)

    /// The row's pieces grouped: pieces sharing enough columns (or dots of a dotted pen) are one
    /// group. A group is one digit, or, when it is wide, pieces of touching digits that overlap.
    func groups() -> [Group] {
        var groups: [Group] = []
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
                    if shared >= settings.joinOverlap * narrower
                        || groups[last].box.gap(to: groups[other].box) <= dotGap
                    {
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
        return groups
    }

    /// The row broken into parts, in reading order (by the centre of each part's box): a group
    /// is one part unless it is wide and holds a piece wide enough for two digits or two pieces
    /// as tall as digits; then each of its pieces is a part, wide ones cut (see `PieceCutter`).
    func parts(of groups: [Group], height: Double) -> [Part] {
        let cutWidth = settings.cutWidth * height
        var parts: [Part] = []
        for (groupIndex, group) in groups.enumerated() {
            let wide = group.members.contains { Double(pieces[$0].box.width) > cutWidth }
            let tall = group.members.filter { 2 * Double(pieces[$0].box.height) >= height }.count
            if Double(group.box.width) <= cutWidth || (!wide && tall < 2) {
                parts.append(Part(slices: group.members.map { Slice(piece: $0) }, box: group.box, group: groupIndex))
                continue
            }
            for member in group.members {
                let piece = pieces[member]
                let cuts =
                    Double(piece.box.width) > cutWidth
                    ? PieceCutter(
                        piece: piece, height: height, minimumPartWidth: settings.minimumPartWidth,
                        denseWidth: settings.denseCutWidth, denseSpacing: settings.denseCutSpacing,
                        denseReach: settings.denseCutReach, scorer: cutScorer, scoredReach: settings.scoredCutReach
                    ).cuts()
                    : []
                let lefts: [CutPath?] = [nil] + cuts
                let rights: [CutPath?] = cuts + [nil]
                for (left, right) in zip(lefts, rights) {
                    let slice = Slice(piece: member, left: left, right: right)
                    if let box = box(of: slice) {
                        parts.append(Part(slices: [slice], box: box, group: groupIndex))
                    }
                }
            }
        }
        return parts.sorted { $0.box.centreX < $1.box.centreX }
    }

    /// The box of a slice's ink, or nil when it has none.
    func box(of slice: Slice) -> PixelBox? {
        var box: PixelBox?
        for run in pieces[slice.piece].runs {
            let columns = slice.columns(of: run)
            guard !columns.isEmpty else { continue }
            if box == nil {
                box = PixelBox(x: columns.lowerBound, y: Int(run.y), width: columns.count, height: 1)
            } else {
                box!.extend(toColumns: columns, row: Int(run.y))
            }
        }
        return box
    }

    // MARK: Scoring

    /// Consecutive parts as one digit: their ink normalised for the classifier (its ink bounds
    /// in the picture's coordinates), and their box.
    func input(of parts: ArraySlice<Part>) -> (digit: NormalizedDigit, box: PixelBox) {
        let slices = parts.flatMap(\.slices)
        let box = parts.dropFirst().reduce(parts.first!.box) { $0.union($1.box) }
        // A candidate's edges may be cuts, where faint ink is the digit's own: keep the whole box.
        var digit = classifier.normalizer.normalize(inkMap(of: slices, in: box), holdingToBody: false)
        if let bounds = digit.inkBounds {
            digit.inkBounds = PixelBox(
                x: bounds.x + box.x, y: bounds.y + box.y, width: bounds.width, height: bounds.height)
        }
        return (digit, box)
    }

    /// What speaks for and against reading consecutive parts (in `box`) as the digit the
    /// classifier made of them, of which the verifier, when there is one, gave `verifierChance`:
    /// whether they lie in a piece that holds touching digits
    /// (see `PieceCutter.holdsTouchingDigits`), how many separate pieces they join, the cut that
    /// ends them (unless its piece is too wide to be one digit), and how wide and tall they are.
    func evidence(
        _ parts: ArraySlice<Part>, classification: Classification, verifierChance: Double?, box: PixelBox,
        next: Part?, height: Double
    ) -> CandidateEvidence {
        // Inside a row of touching digits, the question is only how many digits it holds.
        let inWidePiece = parts.allSatisfy { part in
            part.slices.allSatisfy {
                PieceCutter.holdsTouchingDigits(
                    width: pieces[$0.piece].box.width, height: height, denseWidth: settings.denseCutWidth)
            }
        }
        let joins = zip(parts.dropLast(), parts.dropFirst()).filter { cut(between: $0, $1) == nil }.count
        var costlyCutCrossings: Int?
        if let next, let last = parts.last, let cut = cut(between: last, next),
            Double(pieces[last.slices[0].piece].box.width) < settings.severalDigitsWidth * height
        {
            costlyCutCrossings = max(0, cut.crossings - 1)
        }
        return CandidateEvidence(
            classifierLogChance: CandidateEvidence.logChance(Double(classification.confidence)),
            verifierLogChance: verifierChance.map(CandidateEvidence.logChance), inWidePiece: inWidePiece,
            joins: joins, costlyCutCrossings: costlyCutCrossings,
            aspectSurprise: Self.aspectSurprise(
                width: box.width, height: box.height, digit: classification.prediction),
            shortfall: max(0, settings.shortestDigit - Double(box.height) / height))
    }

    /// How unusual a digit of this width and height is for the digit read: half the square of
    /// the number of standard deviations its log(width ÷ height) lies from that digit's mean in
    /// MNIST. Narrow digits count half as far, since print and condensed handwriting are
    /// narrower than MNIST's digits, while a blob of two touching digits is wide for any one.
    static func aspectSurprise(width: Int, height: Int, digit: Int) -> Double {
        var deviations = log(Double(width) / Double(height) / typicalAspect[digit]) / aspectSpread[digit]
        if deviations < 0 { deviations /= 2 }
        return deviations * deviations / 2
    }

    /// The geometric mean of width ÷ height of each digit's ink box in MNIST's training digits
    /// (the fixture's 4,000, ink above 20% of full scale).
    static let typicalAspect: [Double] = [0.91, 0.43, 0.94, 0.81, 0.79, 0.95, 0.72, 0.79, 0.76, 0.69]
    /// The standard deviation of log(width ÷ height) of each digit's ink box, measured likewise.
    static let aspectSpread: [Double] = [0.18, 0.45, 0.22, 0.21, 0.21, 0.25, 0.22, 0.22, 0.22, 0.20]

    /// The cut that parted `left` from `right`, when they are the two sides of one; nil when they
    /// are separate pieces (or groups).
    func cut(between left: Part, _ right: Part) -> CutPath? {
        guard left.slices.count == 1, right.slices.count == 1, left.slices[0].piece == right.slices[0].piece,
            let cut = left.slices[0].right, cut == right.slices[0].left
        else { return nil }
        return cut
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
        for (index, piece) in pieces.enumerated() where piece.box.intersects(box) {
            let own = slices.filter { $0.piece == index }
            for run in piece.runs where Int(run.y) >= box.y && Int(run.y) < box.y + box.height {
                let rowStart = (Int(run.y) - box.y) * box.width - box.x
                let start = max(Int(run.start), box.x)
                let end = min(Int(run.end), box.x + box.width)
                guard start < end else { continue }
                // Blank the run, then put back the columns this digit's slices keep.
                for x in start ..< end { plane[rowStart + x] = blankLevel }
                let source = Int(run.y) * ink.width
                for slice in own {
                    let columns = slice.columns(of: run).clamped(to: start ..< end)
                    for x in columns { plane[rowStart + x] = ink.plane[source + x] }
                }
            }
        }
        return InkMap(width: box.width, height: box.height, plane: plane, table: ink.table, source: ink.source)
    }
}
