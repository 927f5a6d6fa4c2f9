/// A training setting outside the bounds a run accepts.
public struct ConfigurationProblem: Error, Equatable, CustomStringConvertible {
    /// The setting at fault.
    public enum Setting: String, Sendable, CaseIterable {
        case epochs, batchSize, learningRate, momentum, weightDecay, warmup, stepEvery, stepFactor, threads, hidden
        case augmentation, labelSmoothing, averaging, dropout, inputDropout

        /// The setting in words, e.g. "batch size".
        public var name: String {
            switch self {
            case .epochs: "epochs"
            case .batchSize: "batch size"
            case .learningRate: "learning rate"
            case .momentum: "momentum"
            case .weightDecay: "weight decay"
            case .warmup: "warmup"
            case .stepEvery: "epochs between step decays"
            case .stepFactor: "step decay factor"
            case .threads: "threads"
            case .hidden: "hidden layers"
            case .augmentation: "augmentation"
            case .labelSmoothing: "label smoothing"
            case .averaging: "weight averaging"
            case .dropout: "dropout"
            case .inputDropout: "input dropout"
            }
        }
    }

    /// The setting at fault.
    public var setting: Setting
    /// What it must be, e.g. "must be between 1 and 10000".
    public var requirement: String

    /// The problem with `setting`, which must be as `requirement` says.
    public init(setting: Setting, requirement: String) {
        self.setting = setting
        self.requirement = requirement
    }

    /// The problem in words, e.g. "epochs: must be between 1 and 10000".
    public var description: String { "\(setting.name): \(requirement)" }
}

extension TrainingConfiguration {
    /// Epochs a run may have.
    public static let epochRange = 1 ... 10_000
    /// Examples a batch may have.
    public static let batchSizeRange = 1 ... 60_000
    /// Threads a run may use.
    public static let threadRange = 1 ... 256
    /// Neurons a hidden layer may have.
    public static let layerSizeRange = 1 ... 16_384

    /// Checks every setting against the bounds a run accepts: the same bounds apply to settings read
    /// from a command line, to a configuration built in code, and to one read back from a checkpoint.
    public func validate() throws(ConfigurationProblem) {
        func fail(_ setting: ConfigurationProblem.Setting, _ requirement: String) -> ConfigurationProblem {
            ConfigurationProblem(setting: setting, requirement: requirement)
        }
        guard Self.epochRange.contains(epochs) else { throw fail(.epochs, "must be between 1 and 10000") }
        guard Self.batchSizeRange.contains(batchSize) else { throw fail(.batchSize, "must be between 1 and 60000") }
        guard learningRate.isFinite, learningRate > 0 else { throw fail(.learningRate, "must be a positive number") }
        guard (0 ..< 1).contains(momentum) else { throw fail(.momentum, "must be in [0, 1)") }
        guard weightDecay.isFinite, weightDecay >= 0 else { throw fail(.weightDecay, "must be 0 or positive") }
        guard warmupEpochs.isFinite, (0 ... Double(epochs)).contains(warmupEpochs) else {
            throw fail(.warmup, "must be between 0 and the number of epochs")
        }
        if case let .step(every, factor) = decay {
            guard every >= 1 else { throw fail(.stepEvery, "must be at least 1") }
            guard factor.isFinite, factor > 0, factor <= 1 else { throw fail(.stepFactor, "must be in (0, 1]") }
        }
        guard Self.threadRange.contains(threads) else { throw fail(.threads, "must be between 1 and 256") }
        guard hidden.allSatisfy(Self.layerSizeRange.contains), hidden.count <= 64 else {
            throw fail(.hidden, "sizes must be between 1 and 16384, at most 64 layers")
        }
        guard activation != .identity else { throw fail(.hidden, "layers need relu, sigmoid or tanh") }
        if let labelSmoothing, labelSmoothing != 0 {
            guard (0 ..< 1).contains(labelSmoothing) else { throw fail(.labelSmoothing, "must be in [0, 1)") }
            guard loss == .crossEntropy else { throw fail(.labelSmoothing, "needs the cross-entropy loss") }
        }
        if let averaging, !(0 ..< 1).contains(averaging) { throw fail(.averaging, "must be in [0, 1)") }
        if let dropout {
            guard (0 ..< 1).contains(dropout.hidden) else { throw fail(.dropout, "must be in [0, 1)") }
            guard (0 ..< 1).contains(dropout.input) else { throw fail(.inputDropout, "must be in [0, 1)") }
            // The backward pass reads ReLU's derivative from the masked output (see Dropout).
            guard dropout.hidden == 0 || hidden.isEmpty || activation == .relu else {
                throw fail(.dropout, "needs relu hidden layers")
            }
        }
        if let strength = augmentation?.strengthOutOfBounds {
            throw fail(.augmentation, "\(strength.rawValue) must be \(strength.requirement)")
        }
    }
}
