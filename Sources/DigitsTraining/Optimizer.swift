import DigitsModel
import DigitsTensor

/// An optimiser: its settings and its state, the moments it keeps for every parameter.
///
/// Its methods are PyTorch's (see `UpdateRule` for each formula): SGD with momentum, the
/// default and the design notes' rule (with μ = 0 and λ = 0 it is the plain
/// `parameter −= learning rate × gradient`); SGD with Nesterov's momentum; Adam; and AdamW,
/// Adam with its weight decay decoupled from the gradient. Weights are decayed, biases never.
///
/// Every path runs the rule through `Kernels.optimizerUpdate`: `step` on each weight and bias
/// array of an `MLP` (and so `trainingStep`, the plain forward-backward-update step), and
/// `TrainingEngine` on blocks of its flat parameter vector.
public struct Optimizer: Equatable, Sendable {
    /// The update rules there are to choose from.
    public enum Method: String, Codable, CaseIterable, Sendable {
        /// SGD with (heavy-ball) momentum.
        case sgd
        /// SGD with Nesterov's momentum.
        case nesterov
        /// Adam, its weight decay added to the gradient (L2 regularisation).
        case adam
        /// AdamW: Adam with decoupled weight decay.
        case adamW = "adamw"

        /// Whether the method keeps second moments (Adam's).
        public var usesSecondMoments: Bool { self == .adam || self == .adamW }

        /// The method's name for people: "SGD", "Nesterov SGD", "Adam", "AdamW".
        public var name: String {
            switch self {
            case .sgd: "SGD"
            case .nesterov: "Nesterov SGD"
            case .adam: "Adam"
            case .adamW: "AdamW"
            }
        }
    }

    /// The numbers that decide the update, apart from the learning rate.
    public struct Settings: Equatable, Sendable {
        /// The update rule.
        public var method: Method
        /// Momentum μ for SGD and Nesterov; β1, the first moment's decay, for Adam.
        public var momentum: Float
        /// Weight decay λ on weights (0 for none).
        public var weightDecay: Float
        /// Adam's β2, the second moment's decay.
        public var beta2: Float = 0.999
        /// Adam's ε, which keeps the step finite where the second moment is 0.
        public var epsilon: Float = 1e-8
        /// The decay d of an exponential moving average of the weights kept beside them (Polyak
        /// averaging): after every step, average ← d·average + (1 − d)·weights. 0 for none;
        /// 0.999 averages over about the last thousand steps.
        public var averaging: Float = 0

        /// Settings for `method`.
        public init(method: Method = .sgd, momentum: Float, weightDecay: Float = 0) {
            self.method = method
            self.momentum = momentum
            self.weightDecay = weightDecay
        }

        /// The settings in words: "momentum 0.9", or "β1 0.9, β2 0.999" for Adam, then the weight
        /// decay and the averaging when there are any.
        public var summary: String {
            let decay = weightDecay > 0 ? ", weight decay \(weightDecay)" : ""
            let average = averaging > 0 ? ", weights averaged with decay \(averaging)" : ""
            return (method.usesSecondMoments ? "β1 \(momentum), β2 \(beta2)" : "momentum \(momentum)") + decay + average
        }

        /// The rule of step `step` (counting from 1) at `learningRate`, for weights (`decayed`)
        /// or biases.
        public func rule(learningRate: Float, step: Int, decayed: Bool) -> UpdateRule {
            let decay = decayed ? weightDecay : 0
            switch method {
            case .sgd:
                return .momentum(learningRate: learningRate, momentum: momentum, weightDecay: decay)
            case .nesterov:
                return .nesterov(learningRate: learningRate, momentum: momentum, weightDecay: decay)
            case .adam, .adamW:
                return .adam(
                    learningRate: learningRate, beta1: momentum, beta2: beta2, epsilon: epsilon, weightDecay: decay,
                    decoupled: method == .adamW, step: step)
            }
        }
    }

    /// What the optimiser does.
    public var settings: Settings
    /// The first moment of every parameter — SGD's velocity, Adam's m — shaped like the
    /// model's layers.
    public var velocities: [Dense.Gradients]
    /// Adam's second moments, shaped like the model's layers (zero, and unused, for the SGD
    /// methods).
    public var squares: [Dense.Gradients]
    /// Steps taken so far (Adam's bias correction depends on it).
    public var steps = 0
    /// The moving average of the model's weights when `settings.averaging` asks for one,
    /// starting from the model's own.
    public var averagedModel: MLP?

    /// An optimiser for `model` with `settings` and zero moments.
    public init(for model: MLP, settings: Settings) {
        self.settings = settings
        velocities = model.layers.map(Dense.Gradients.init(for:))
        squares = velocities
        averagedModel = settings.averaging > 0 ? model : nil
    }

    /// An optimiser for `model` with zero moments.
    public init(for model: MLP, method: Method = .sgd, momentum: Float, weightDecay: Float = 0) {
        self.init(for: model, settings: Settings(method: method, momentum: momentum, weightDecay: weightDecay))
    }

    /// One update of every parameter of `model` from `gradients`: one per layer, each shaped like
    /// its layer's parameters (dL/dW n×m, dL/db 1×m), e.g. `MLP.Backward.gradients`.
    public mutating func step(_ model: inout MLP, gradients: [Dense.Gradients], learningRate: Float) {
        precondition(gradients.count == model.layers.count)
        steps += 1
        let weightRule = settings.rule(learningRate: learningRate, step: steps, decayed: true)
        let biasRule = settings.rule(learningRate: learningRate, step: steps, decayed: false)
        for l in model.layers.indices {
            Optimizer.update(
                parameters: &model.layers[l].weight.storage, moments: &velocities[l].weight.storage,
                squares: &squares[l].weight.storage, gradient: gradients[l].weight.storage, rule: weightRule)
            Optimizer.update(
                parameters: &model.layers[l].bias.storage, moments: &velocities[l].bias.storage,
                squares: &squares[l].bias.storage, gradient: gradients[l].bias.storage, rule: biasRule)
        }
        if var average = averagedModel {
            // Written out plainly here; the engine does the same inside its update kernel.
            let keep = settings.averaging
            func follow(_ average: inout [Float], _ weights: [Float]) {
                for i in average.indices { average[i] = keep * average[i] + (1 - keep) * weights[i] }
            }
            for l in model.layers.indices {
                follow(&average.layers[l].weight.storage, model.layers[l].weight.storage)
                follow(&average.layers[l].bias.storage, model.layers[l].bias.storage)
            }
            averagedModel = average
        }
    }

    /// `rule` applied to every element of one parameter array (`parameters`, `moments`,
    /// `squares` and `gradient` all the same length; `squares` is untouched by the SGD rules).
    /// `step` calls it for each weight and bias.
    public static func update(
        parameters: inout [Float], moments: inout [Float], squares: inout [Float], gradient: [Float],
        rule: UpdateRule
    ) {
        precondition(
            parameters.count == moments.count && squares.count == parameters.count
                && gradient.count == parameters.count)
        let columns = gradient.count
        parameters.withUnsafeMutableBufferPointer { p in
            moments.withUnsafeMutableBufferPointer { m in
                squares.withUnsafeMutableBufferPointer { s in
                    gradient.withUnsafeBufferPointer { g in
                        Kernels.optimizerUpdate(
                            weights: p.baseAddress!, moments: m.baseAddress!,
                            squares: s.baseAddress!, stride: 0,
                            gradient: g.baseAddress!, gradientStride: 0, rows: 1, columns: columns, rule: rule)
                    }
                }
            }
        }
    }
}
