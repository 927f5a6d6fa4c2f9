#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The non-linearity a layer applies to its raw activation: `A = f(Z)`.
///
/// Each derivative is written in terms of the layer's *output* `A`, which is all the backward
/// pass keeps: ReLU' = (A > 0), sigmoid' = A(1 − A), tanh' = 1 − A², identity' = 1.
///
/// `apply` and `derivative` state the math one value at a time. The layers run the same formulas
/// over whole matrices through `Dense`, which calls the kernels' Swift wrappers: forward,
/// `Kernels.addBiasAndApply` for sigmoid and tanh (ReLU and identity are fused into the product,
/// `Kernels.product(…addingBias:relu:)`); backward, `Kernels.multiplyByDerivative` in
/// `Dense.activationBackward`. The tests check those against these.
public enum Activation: String, CaseIterable, Sendable, Codable {
    /// `max(0, z)`: the default for hidden layers.
    case relu
    /// `1 / (1 + e^(−z))`.
    case sigmoid
    /// `tanh(z)`.
    case tanh
    /// `z` unchanged: the output layer, whose logits feed the softmax in the loss.
    case identity

    /// `f(z)` for one value.
    @inlinable
    public func apply(_ z: Float) -> Float {
        switch self {
        case .relu: return z > 0 ? z : 0
        case .sigmoid: return 1 / (1 + expf(-z))
        case .tanh: return tanhf(z)
        case .identity: return z
        }
    }

    /// `f'(z)` expressed through the output `a = f(z)`.
    @inlinable
    public func derivative(output a: Float) -> Float {
        switch self {
        case .relu: return a > 0 ? 1 : 0
        case .sigmoid: return a * (1 - a)
        case .tanh: return 1 - a * a
        case .identity: return 1
        }
    }
}
