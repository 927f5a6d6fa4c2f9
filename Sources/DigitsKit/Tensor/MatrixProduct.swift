import CKernels

/// Which operand of a product `A·B` enters transposed; a layer's forward pass uses `I·W`, its
/// backward pass `Iᵀ·dZ` (for dL/dW) and `dZ·Wᵀ` (for dL/dI).
public enum Transposition: Sendable {
    /// `A·B`.
    case none
    /// `Aᵀ·B`.
    case first
    /// `A·Bᵀ`.
    case second
}

extension Matrix {
    /// `C = beta·C + op(A)·op(B)`, the one matrix product the model is built on.
    ///
    /// `op(A)` must be `C.rows × k` and `op(B)` `k × C.columns`. `accumulate: false` overwrites
    /// `C` (beta = 0); `true` adds to it (beta = 1). Runs on the calling thread with the
    /// fastest kernel the CPU supports.
    public static func multiply(
        _ a: Matrix, _ b: Matrix, transposing: Transposition = .none,
        into c: inout Matrix, accumulate: Bool = false
    ) {
        let transposeA = transposing == .first, transposeB = transposing == .second
        let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
        let (kB, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
        precondition(k == kB && m == c.rows && n == c.columns,
                     "product shapes do not chain: \(m)×\(k) · \(kB)×\(n) into \(c.rows)×\(c.columns)")
        if m == 0 || n == 0 { return }
        a.storage.withUnsafeBufferPointer { aBuffer in
            b.storage.withUnsafeBufferPointer { bBuffer in
                c.storage.withUnsafeMutableBufferPointer { cBuffer in
                    ck_sgemm(transposeA, transposeB,
                             Int32(m), Int32(n), Int32(k),
                             aBuffer.baseAddress, Int32(a.columns),
                             bBuffer.baseAddress, Int32(b.columns),
                             accumulate ? 1 : 0, cBuffer.baseAddress, Int32(c.columns))
                }
            }
        }
    }

    /// `op(A)·op(B)` as a new matrix.
    public static func product(_ a: Matrix, _ b: Matrix, transposing: Transposition = .none) -> Matrix {
        let m = transposing == .first ? a.columns : a.rows
        let n = transposing == .second ? b.rows : b.columns
        var c = Matrix(rows: m, columns: n)
        multiply(a, b, transposing: transposing, into: &c)
        return c
    }
}
