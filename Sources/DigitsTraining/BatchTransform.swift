import DigitsTensor

/// Rewrites a shard of a batch's inputs before the forward pass — the place for data
/// augmentation (shifts, rotations, noise).
///
/// `inputs` holds one example per row (784 pixels in [0, 1] for MNIST). Implementations draw
/// every random choice from `generator`, which `TrainingEngine.step` seeds deterministically
/// from its `transformSeed` (the trainer's, per batch) and the shard's index.
public protocol BatchTransform: Sendable {
    /// Transforms `inputs` in place.
    func apply(to inputs: inout Matrix, generator: inout SplitMix64)
}
