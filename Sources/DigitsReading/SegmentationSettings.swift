/// How `NumberReader` finds the digits in a picture. Lengths are fractions of the row's digit
/// height, so that the same settings read a 30-pixel and a 300-pixel number alike.
public struct SegmentationSettings: Equatable, Sendable {
    /// Pixels whose ink (in `0...1`, after the normaliser's background, noise floor and contrast
    /// stretch) exceeds this belong to a piece of ink; fainter pixels are an edge's anti-aliasing.
    public var inkThreshold: Float = 0.2
    /// Pieces of at most this many pixels, or this fraction of the tallest piece's height squared,
    /// whichever is larger, are specks of dust or noise and are ignored.
    public var speckArea = 2
    /// See `speckArea`.
    public var speckAreaFraction = 0.003
    /// Pictures with more pieces than this (after specks) are refused rather than read slowly.
    public var maximumPieces = 500
    /// Pictures whose ink breaks into more runs (stretches of ink in one pixel row) are refused.
    public var maximumRuns = 4_000_000
    /// A piece joins a row when its rows overlap those of the row's latest digit (its latest piece
    /// at least half as tall as its tallest) by at least this fraction of the shorter one's height.
    public var rowOverlap = 0.5
    /// A picture whose typical piece is at most this fraction of the height of all its ink is
    /// written with a dotted or dashed pen: pieces as close as the typical piece's size are then
    /// taken as dots of one stroke.
    public var dottedSize = 0.15
    /// Pieces whose columns overlap by at least this fraction of the narrower one's width belong
    /// to one digit (a 5's detached top, a 7's bar, the parts of a broken 4).
    public var joinOverlap = 0.5
    /// Pieces wider than this may hold several touching digits and are offered cuts.
    public var cutWidth = 0.75
    /// Pieces at least this wide are wider than any one digit: they are offered a cut at every
    /// thin column and every `denseCutSpacing`, and the verifier, when there is one, tells the
    /// good cuts from the bad. Pieces wider than twelve digit heights (an underline, a border) are
    /// no row of touching digits and keep the sparse cuts, which bounds their candidates.
    public var denseCutWidth = 1.3
    /// See `denseCutWidth`.
    public var denseCutSpacing = 0.05
    /// How far a dense cut may bend away from the column proposed for it, either way, to cross
    /// less ink. Dense cuts free to wander far all drift to the few places where ink is thinnest,
    /// often inside a digit; kept near their columns, they stay spread out, one near each joint.
    public var denseCutReach = 0.04
    /// How far a dense cut may bend when the cut scorer prices it (see `NumberReader.cutScorer`):
    /// it is then drawn to where digits part rather than to the thinnest ink, and may go further
    /// to find it. Measured on 300 unseen touching rows with an earlier scorer of the same kind,
    /// whole numbers read right went from 48.7% at 0.14 and 50.0% at 0.1 to 52.3% at 0.07 (51.3%
    /// at 0.05).
    public var scoredCutReach = 0.07
    /// No part left by a cut is narrower than this.
    public var minimumPartWidth = 0.2
    /// The most consecutive parts (pieces or cut pieces) that one digit may be made of, except
    /// parts of one group (see `widestDigit`).
    public var maximumPartsPerDigit = 4
    /// Parts of one group of pieces (pieces sharing their columns, and the slices cut from them)
    /// may make one digit in any number while together they are no wider than this: a wide 0,
    /// or a 7 whose bar came apart, is cut into more parts than `maximumPartsPerDigit`.
    public var widestDigit = 1.6
    /// Parts further apart than this are never one digit.
    public var maximumJoinGap = 0.3
    /// How much the verifier's judgement counts, when there is one (see `NumberReader.verifier`):
    /// a candidate's chance of being the digit read is the classifier's confidence to the power
    /// 1 − this, times the verifier's probability that it is one whole digit and that digit to the
    /// power of this.
    public var verifierShare = 0.2
    /// What each digit costs the reading, in nats: reading two digits where one would do must
    /// make the string more probable by at least this much.
    public var digitCost = 0.15
    /// What each digit made of parts of a piece at least `denseCutWidth` wide (and no wider than
    /// a dozen digits, past which it is an underline or a border) costs instead, in nats; below
    /// zero, a reward. Such a piece holds several digits, and the only question is
    /// how many. Digits cut out of it read less confidently than whole ones (a cut leaves a bit
    /// of the neighbour, or takes a bit of the digit), so the product of their chances favoured
    /// too few digits, each made of two. Measured on 500 unseen touching rows, whole numbers read
    /// right went from 37.4% at 0.15 to 42.8% at −1, with every other kind within two rows of 500;
    /// −0.75 and −1.25 read as well on the bundled rows, −2 worse. With cuts placed by the cut
    /// scorer, −0.75 (see `forCutScorer`).
    public var widePieceDigitCost = -1.0
    /// What reading two separate pieces side by side (sharing too few columns to be grouped) as
    /// one digit costs, in nats, per join: separate pieces are usually separate digits.
    public var separateJoinCost = 0.8
    /// What cutting a piece costs, in nats, per stroke the cut crosses beyond the first: two
    /// touching digits meet at one stroke, while a cut through one digit's loop crosses two.
    public var cutCost = 1.0
    /// What any cut costs, in nats, on top of `cutCost`: a piece of ink is more often one digit
    /// than two.
    public var cutBaseCost = 0.5
    /// Pieces at least this wide hold several digits, since no digit is twice as wide as it is
    /// tall: cutting them costs nothing, and the classifier alone chooses where.
    public var severalDigitsWidth = 2.0
    /// How much a digit's shape counts: its width ÷ height, compared with handwritten digits of
    /// the class read, costs this many nats per unit of surprise (half the squared deviation in
    /// standard deviations). A blob of two touching digits is wide for any one digit.
    public var aspectWeight = 0.25
    /// Digits shorter than this fraction of the row's height are unlikely (a stroke cut off a
    /// digit)…
    public var shortestDigit = 0.75
    /// …by this many nats per row height of missing height.
    public var heightPenalty = 15.0

    /// A row holding a piece at least this many times as wide as the row is tall is read whole by
    /// the row readers (see `NumberReader.rowReaders`), when there are any. Pieces from 1.3 row
    /// heights wide are often touching digits, but a wide 0 or 2 can be as wide, and the row
    /// reader reads such a row of separate digits less well than cuts do.
    public var rowReaderWidth = 1.5
    /// How many strings the row reader's beam search keeps at each frame.
    public var rowReaderBeamWidth = 8.0
    /// How many times each row reader reads a row, shifted right a pixel more each time, up to
    /// the number of input columns between its frames (past that, a shift repeats a reading).
    public var rowReaderViews = 2.0

    /// Marks smaller than this on both sides (dots, specks, stray strokes)…
    public var largestMark = 0.4
    /// …may be left unread, at this cost in nats, when they fit no digit.
    public var markCost = 0.5

    /// The default settings described on each property.
    public init() {}

    /// The settings for a reader whose cuts the cut scorer places (see `NumberReader.cutScorer`):
    /// the defaults, but a digit inside a wide piece is rewarded less (`widePieceDigitCost` is
    /// −0.75). Fewer digits cut out of such a piece then carry a bit of their neighbour: on 300
    /// unseen touching rows, with an earlier scorer of the same kind, whole numbers read right went
    /// from 46.0% at −1.5 and 52.3% at −1 to 55.7% at −0.75 (54.3% at −0.5).
    public static var forCutScorer: SegmentationSettings {
        var settings = SegmentationSettings()
        settings.widePieceDigitCost = -0.75
        return settings
    }
}
