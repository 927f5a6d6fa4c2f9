internal import CKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one optimiser step does to a parameter w whose gradient is g, in PyTorch's forms, with
/// learning rate η and weight decay λ. `Kernels.optimizerUpdate` applies it to a block of
/// parameters and their optimiser state: the first moments m (SGD's velocities) and, for Adam,
/// the second moments s.
public enum UpdateRule: Equatable, Sendable {
    /// SGD with momentum μ: m ← μ·m + (g + λ·w), then w ← w − η·m.
    case momentum(learningRate: Float, momentum: Float, weightDecay: Float)
    /// SGD with Nesterov's momentum μ: m ← μ·m + (g + λ·w), then w ← w − η·((g + λ·w) + μ·m),
    /// a step that looks ahead along the velocity.
    case nesterov(learningRate: Float, momentum: Float, weightDecay: Float)
    /// Adam at step `step` (counting from 1). With `decoupled` false (Adam) the decay joins the
    /// gradient, g ← g + λ·w; with `decoupled` true (AdamW) w ← (1 − η·λ)·w instead. Then
    /// m ← β1·m + (1 − β1)·g and s ← β2·s + (1 − β2)·g², and
    /// w ← w − η / (1 − β1ᵗ) · m / (√s / √(1 − β2ᵗ) + ε).
    case adam(
        learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float, decoupled: Bool,
        step: Int)

    /// Whether the rule keeps second moments.
    public var usesSecondMoments: Bool {
        if case .adam = self { return true }
        return false
    }
}

extension UpdateRule {
    /// The rule's constants as the kernels take them; Adam's bias corrections are worked out in
    /// double precision, once per step.
    var kernelConstants: ck_update {
        switch self {
        case let .momentum(rate, momentum, decay):
            return ck_update(
                rule: CK_RULE_MOMENTUM, rate: rate, momentum: momentum, decay: decay, beta2: 0, epsilon: 0,
                step_size: 0, inverse_root_correction: 0, average_decay: 0)
        case let .nesterov(rate, momentum, decay):
            return ck_update(
                rule: CK_RULE_NESTEROV, rate: rate, momentum: momentum, decay: decay, beta2: 0, epsilon: 0,
                step_size: 0, inverse_root_correction: 0, average_decay: 0)
        case let .adam(rate, beta1, beta2, epsilon, decay, decoupled, step):
            precondition(step >= 1, "Adam counts its steps from 1")
            let firstCorrection = 1 - pow(Double(beta1), Double(step))
            let secondCorrection = 1 - pow(Double(beta2), Double(step))
            return ck_update(
                rule: decoupled ? CK_RULE_ADAMW : CK_RULE_ADAM, rate: rate, momentum: beta1, decay: decay,
                beta2: beta2, epsilon: epsilon, step_size: Float(Double(rate) / firstCorrection),
                inverse_root_correction: Float(1 / secondCorrection.squareRoot()), average_decay: 0)
        }
    }
}
