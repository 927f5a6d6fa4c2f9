import DigitsKit

/// The JSON Lines record for a classified file.
struct ClassificationRecord: Encodable {
    var file: String
    var prediction: Int
    var confidence: Float
    var probabilities: [Float]
    var top: [Entry]?
    var warning: String?

    struct Entry: Encodable {
        var digit: Int
        var probability: Float
    }

    init(file: String, result: Classification, top: Int?) {
        self.file = file
        prediction = result.prediction
        confidence = result.confidence
        probabilities = result.probabilities
        self.top = top.map { result.top($0).map { Entry(digit: $0.digit, probability: $0.probability) } }
        warning = result.warning
    }
}
