#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The learning rate at every step of a run: a linear warmup, then a decay.
///
/// Warmup raises the rate from near 0 to `peak` over the first `warmupSteps` steps, so the
/// large random gradients of a fresh network do not throw it off; the decay then lowers it so
/// the last epochs settle into a minimum instead of bouncing around it.
public struct LearningRateSchedule: Equatable, Sendable, Codable {
    /// What happens after warmup.
    public enum Decay: Equatable, Sendable, Codable {
        /// Stay at the peak rate.
        case constant
        /// Follow half a cosine from the peak down to 0 at the last step.
        case cosine
        /// Multiply the rate by `factor` every `everyEpochs` epochs.
        case step(everyEpochs: Int, factor: Double)
    }

    /// The rate after warmup, before decay.
    public var peak: Double
    /// Steps of linear warmup (0 for none).
    public var warmupSteps: Int
    /// The decay after warmup.
    public var decay: Decay
    /// Steps in the whole run.
    public var totalSteps: Int
    /// Steps per epoch (for step decay).
    public var stepsPerEpoch: Int

    /// A schedule over `totalSteps` steps.
    public init(peak: Double, warmupSteps: Int, decay: Decay, totalSteps: Int, stepsPerEpoch: Int) {
        self.peak = peak
        self.warmupSteps = max(0, warmupSteps)
        self.decay = decay
        self.totalSteps = max(1, totalSteps)
        self.stepsPerEpoch = max(1, stepsPerEpoch)
    }

    /// The learning rate for step `step` (counted from 0 over the whole run).
    public func rate(atStep step: Int) -> Double {
        if step < warmupSteps {
            return peak * Double(step + 1) / Double(warmupSteps)
        }
        switch decay {
        case .constant:
            return peak
        case .cosine:
            let span = max(1, totalSteps - warmupSteps)
            let progress = min(1, Double(step - warmupSteps) / Double(span))
            return peak * 0.5 * (1 + cos(Double.pi * progress))
        case let .step(everyEpochs, factor):
            let epoch = step / stepsPerEpoch
            return peak * pow(factor, Double(epoch / max(1, everyEpochs)))
        }
    }
}

extension LearningRateSchedule.Decay {
    /// The step decay's settings when only the kind is chosen: halve the rate every 2 epochs.
    public static let defaultStep = (everyEpochs: 2, factor: 0.5)
}
