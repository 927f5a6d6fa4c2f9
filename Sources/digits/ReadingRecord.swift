import DigitsKit

/// The JSON Lines record for a read file.
struct ReadingRecord: Encodable {
    var file: String
    /// The rows' digits, rows joined by a line feed; empty when nothing was read.
    var text: String
    var confidence: Float
    /// The picture's size, which the digits' boxes are measured in.
    var width: Int
    var height: Int
    var digits: [Digit]
    var warning: String?
    /// Where the annotated picture was written, with `--annotate`.
    var annotation: String?

    /// One digit, in reading order.
    struct Digit: Encodable {
        var digit: Int
        var confidence: Float
        /// `[x, y, width, height]` in picture pixels, from the top-left corner.
        var box: [Int]
        /// From 0 at the top.
        var row: Int
        var probabilities: [Float]
    }

    init(file: String, reading: Reading, annotation: String?) {
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
