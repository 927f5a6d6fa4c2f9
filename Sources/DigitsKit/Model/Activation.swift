#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The non-linearity a layer applies to its raw activation: `A = f(Z)`.
///
/// Each derivative is written in terms of the layer's *output* `A`, which is all the backward
/// pass keeps: ReLU' = (A > 0), sigmoid' = A(1 − A), tanh' = 1 − A², identity' = 1.
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

    /// Applies `f` to every element of `values` in place (turning Z into A).
    public func apply(inPlace values: inout Matrix) {
        if self == .identity { return }
        values.storage.withUnsafeMutableBufferPointer { buffer in
            switch self {
            case .relu: for i in buffer.indices where buffer[i] < 0 { buffer[i] = 0 }
            case .sigmoid: for i in buffer.indices { buffer[i] = 1 / (1 + expf(-buffer[i])) }
            case .tanh: for i in buffer.indices { buffer[i] = tanhf(buffer[i]) }
            case .identity: break
            }
        }
    }

    /// Turns dL/dA into dL/dZ in place: `gradient[i] *= f'(Z[i])`, with `f'` taken from `output` (A).
    public func backward(output: Matrix, gradient: inout Matrix) {
        precondition(output.rows == gradient.rows && output.columns == gradient.columns)
        if self == .identity { return }
        output.storage.withUnsafeBufferPointer { a in
            gradient.storage.withUnsafeMutableBufferPointer { g in
                switch self {
                case .relu: for i in g.indices where !(a[i] > 0) { g[i] = 0 }
                case .sigmoid: for i in g.indices { g[i] *= a[i] * (1 - a[i]) }
                case .tanh: for i in g.indices { g[i] *= 1 - a[i] * a[i] }
                case .identity: break
                }
            }
        }
    }
}
