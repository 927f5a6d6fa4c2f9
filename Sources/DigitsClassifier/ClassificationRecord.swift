/// One classified picture as a JSON object: what `digits classify --json` prints for each file
/// and what `digits serve` answers to `POST /classify`.
///
/// Keys are the property names; nil properties are left out, so a record without `top`, a
/// warning or the explanation has exactly `confidence`, `file`, `prediction` and `probabilities`.
public struct ClassificationRecord: Encodable, Equatable, Sendable {
    /// The file the picture came from, or another label for it (`-`, `upload`).
    public var file: String
    /// The most likely digit.
    public var prediction: Int
    /// Its probability.
    public var confidence: Float
    /// The probability of each digit 0…9.
    public var probabilities: [Float]
    /// The `k` most likely digits, most likely first, when asked for.
    public var top: [Entry]?
    /// A warning for the user (`no ink found`), or nil.
    public var warning: String?
    /// The normalised 28×28 input the network saw, row after row, each value in `0...1`; only
    /// when an explanation was asked for.
    public var input: [Float]?
    /// Each hidden layer's outputs for this input, input side first (for the shipped model 1,024
    /// and then 512 values); only when an explanation was asked for.
    public var hidden: [[Float]]?

    /// One of the most likely digits.
    public struct Entry: Encodable, Equatable, Sendable {
        /// The digit.
        public var digit: Int
        /// Its probability.
        public var probability: Float
    }

    /// The record of `result` for `file`, with the `top` most likely digits when `top` is given.
    public init(file: String, result: Classification, top: Int?) {
        self.file = file
        prediction = result.prediction
        confidence = result.confidence
        probabilities = result.probabilities
        self.top = top.map { result.top($0).map { Entry(digit: $0.digit, probability: $0.probability) } }
        warning = result.warning
    }
}
