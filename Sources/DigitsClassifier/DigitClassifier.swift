import DigitsImaging
import DigitsModel
import DigitsTensor

/// Reads a picture of a digit and says which digit it shows: PNG → gray image → MNIST-style
/// 28×28 input → the model's class probabilities.
///
/// Takes PNG files, PNG bytes already in memory (standard input, an upload) or decoded images.
public struct DigitClassifier: Sendable {
    /// The network.
    public let model: MLP
    /// The normaliser that makes any picture look like an MNIST digit.
    public var normalizer = DigitNormalizer()

    /// A classifier using `model` (784 inputs, 10 outputs).
    public init(model: MLP) {
        precondition(
            model.inputCount == NormalizedDigit.side * NormalizedDigit.side && model.outputCount == 10,
            "a digit classifier needs a 784 → 10 model")
        self.model = model
    }

    /// Classifies the PNG file at `path`.
    public func classify(contentsOfFile path: String) throws(PNGError) -> Classification {
        classify(try PNGDecoder.decode(contentsOfFile: path))
    }

    /// Classifies PNG bytes held in memory; `name` labels them in errors.
    public func classify(pngBytes bytes: [UInt8], name: String) throws(PNGError) -> Classification {
        classify(try PNGDecoder.decode(bytes, name: name))
    }

    /// Classifies a decoded image.
    public func classify(_ image: GrayAlphaImage) -> Classification {
        classify(normalizer.normalize(image))
    }

    /// Classifies an input already normalised to 28×28.
    public func classify(_ digit: NormalizedDigit) -> Classification {
        Classification(probabilities: model.probabilities(for: digit.pixels), input: digit)
    }

    /// How many pictures `classify(_:batchSize:decode:report:)` holds at once unless told:
    /// enough that a layer's weights are read once for many digits, few enough that the first
    /// answers come at once.
    public static let defaultBatchSize = 64

    /// Classifies many pictures, `batchSize` at a time: each source is decoded with `decode`
    /// and normalised, the batch's inputs go through the network together (see
    /// `classify(_: [NormalizedDigit])`), and `report` then gets every source's answer — or the
    /// error decoding it threw — in the order of `sources`. Only the batch's 28×28 inputs are
    /// kept, never more than one decoded picture.
    public func classify<Source>(
        _ sources: [Source], batchSize: Int = defaultBatchSize, decode: (Source) throws -> GrayAlphaImage,
        report: (Source, Result<Classification, any Error>) throws -> Void
    ) rethrows {
        precondition(batchSize > 0, "a batch holds at least one picture")
        var start = sources.startIndex
        while start < sources.endIndex {
            let end = min(start + batchSize, sources.endIndex)
            let inputs = sources[start ..< end].map { source in
                Result { try normalizer.normalize(decode(source)) }
            }
            var answers = classify(inputs.compactMap { try? $0.get() })[...]
            for (source, input) in zip(sources[start ..< end], inputs) {
                try report(source, input.map { _ in answers.removeFirst() })
            }
            start = end
        }
    }

    /// Classifies inputs already normalised to 28×28 in one pass through the network, one
    /// answer per input in their order. The same answers as one at a time, but a layer's
    /// weights are read once for the whole batch rather than once per digit, which is what
    /// costs most for a large model.
    public func classify(_ digits: [NormalizedDigit]) -> [Classification] {
        classify(digits, batch: Self.batch(of: digits))
    }

    /// Classifies `digits`, whose pixels `batch` already holds as ``batch(of:)`` lays them out;
    /// for a caller that gives the same batch to another network too.
    public func classify(_ digits: [NormalizedDigit], batch: Matrix) -> [Classification] {
        precondition(batch.rows == digits.count, "a batch holds one row per digit")
        guard !digits.isEmpty else { return [] }
        let probabilities = model.probabilities(batch)
        return digits.indices.map { Classification(probabilities: probabilities.row($0), input: digits[$0]) }
    }

    /// The inputs' pixels as one matrix the network takes in one pass: a row of 784 values per
    /// input, in their order.
    public static func batch(of digits: [NormalizedDigit]) -> Matrix {
        let side = NormalizedDigit.side * NormalizedDigit.side
        var pixels: [Float] = []
        pixels.reserveCapacity(digits.count * side)
        for digit in digits { pixels += digit.pixels }
        return Matrix(rows: digits.count, columns: side, values: pixels)
    }
}
