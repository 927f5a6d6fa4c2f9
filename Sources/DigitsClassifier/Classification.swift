import DigitsImaging
import DigitsModel

/// What the classifier made of one picture.
public struct Classification: Equatable, Sendable {
    /// The probability of each digit 0…9; they sum to 1.
    public var probabilities: [Float]
    /// The normalised 28×28 input the network saw.
    public var input: NormalizedDigit

    /// A classification from the model's probabilities and its input.
    public init(probabilities: [Float], input: NormalizedDigit) {
        self.probabilities = probabilities
        self.input = input
    }

    /// The most likely digit.
    public var prediction: Int { Softmax.argmax(probabilities) }

    /// The most likely digit's probability.
    public var confidence: Float { probabilities[prediction] }

    /// The `count` most likely digits, most likely first (ties in digit order).
    public func top(_ count: Int) -> [(digit: Int, probability: Float)] {
        probabilities.enumerated()
            .sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }
            .prefix(max(0, count))
            .map { ($0.offset, $0.element) }
    }

    /// A warning for the user, or nil: a picture without ink still gets probabilities (of an
    /// empty input), but they say nothing about a digit.
    public var warning: String? { input.inkFound ? nil : "no ink found" }
}
