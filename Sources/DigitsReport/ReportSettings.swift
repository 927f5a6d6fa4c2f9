import DigitsTensor

/// What a report shows beyond the model itself, and how it is computed.
public struct ReportSettings: Equatable, Sendable {
    /// How the model is named on the page, e.g. its path or "built-in (mnist-mlp.safetensors)".
    public var modelName: String
    /// How the test set is named on the page (its folder), when there is one.
    public var dataName: String?
    /// How many of the most confidently wrong test digits to show (0…`wrongDigitRange`).
    public var wrongDigitCount: Int
    /// Threads to evaluate on.
    public var threadCount: Int

    /// The counts of wrong digits a page may show.
    public static let wrongDigitRange = 0 ... 400

    /// Settings from their parts; 36 wrong digits and one thread per core by default.
    public init(
        modelName: String, dataName: String? = nil, wrongDigitCount: Int = 36,
        threadCount: Int = ThreadPool.processorCount
    ) {
        self.modelName = modelName
        self.dataName = dataName
        self.wrongDigitCount = wrongDigitCount
        self.threadCount = threadCount
    }
}
