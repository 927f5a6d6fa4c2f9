/// One read picture as a JSON object: what `digits read --json` prints for each file and what
/// `digits serve` answers to `POST /read`.
public struct ReadingRecord: Encodable, Equatable, Sendable {
    /// The file the picture came from, or another label for it (`-`, `upload`).
    public var file: String
    /// The rows' digits, rows joined by a line feed; empty when nothing was read.
    public var text: String
    /// The probability that every digit is right.
    public var confidence: Float
    /// The picture's width, which the digits' boxes are measured in.
    public var width: Int
    /// The picture's height.
    public var height: Int
    /// The digits in reading order.
    public var digits: [Digit]
    /// A warning for the user (`no ink found`), or nil.
    public var warning: String?
    /// Where the annotated picture was written, when one was.
    public var annotation: String?

    /// One digit, in reading order.
    public struct Digit: Encodable, Equatable, Sendable {
        /// The digit read.
        public var digit: Int
        /// Its probability.
        public var confidence: Float
        /// `[x, y, width, height]` in picture pixels, from the top-left corner.
        public var box: [Int]
        /// From 0 at the top.
        public var row: Int
        /// The probability of each digit 0…9.
        public var probabilities: [Float]
    }

    /// The record of `reading` for `file`; `annotation` is where its annotated picture went.
    public init(file: String, reading: Reading, annotation: String?) {
        self.file = file
        text = reading.text
        confidence = reading.confidence
        width = reading.width
        height = reading.height
        digits = reading.digits.map {
            Digit(
                digit: $0.digit, confidence: $0.confidence, box: [$0.box.x, $0.box.y, $0.box.width, $0.box.height],
                row: $0.row, probabilities: $0.classification.probabilities)
        }
        warning = reading.warning
        self.annotation = annotation
    }
}
