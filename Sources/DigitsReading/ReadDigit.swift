import DigitsClassifier
import DigitsImaging

/// One digit of a reading: where it is in the picture and what the classifier made of it.
public struct ReadDigit: Equatable, Sendable {
    /// The classifier's answer for this digit, with the 28×28 input it saw.
    public var classification: Classification
    /// The digit's ink in the picture, in picture pixels.
    public var box: PixelBox
    /// Which row of the picture the digit is in, from 0 at the top.
    public var row: Int

    /// A digit from its parts.
    public init(classification: Classification, box: PixelBox, row: Int) {
        self.classification = classification
        self.box = box
        self.row = row
    }

    /// The digit read, 0…9.
    public var digit: Int { classification.prediction }

    /// The probability the classifier gives `digit`.
    public var confidence: Float { classification.confidence }
}
