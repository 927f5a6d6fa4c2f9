internal import CKernels

/// The hot loops of training and inference, as Swift functions over the C kernels.
///
/// Every buffer is row-major `Float`; a *stride* is the distance between the starts of two rows
/// (at least the row's width). Each function runs on the calling thread with the fastest
/// instruction set the CPU supports (AVX-512, AVX2+FMA or portable C, chosen once), never
/// allocates, and may be called from several threads at once on disjoint outputs. The
/// reference forms that the fast ones are tested against are `referenceProduct` here and the
/// one-value formulas of the model layer.
public enum Kernels {
    /// An operand of a product: a pointer to its first element, its row stride, and whether it
    /// enters the product transposed.
    public struct Operand {
        /// The first element.
        public var start: UnsafePointer<Float>
        /// Floats from one stored row to the next.
        public var stride: Int
        /// Whether the product uses the transpose of the stored matrix.
        public var transposed: Bool

        /// An operand stored at `start` with rows `stride` floats apart.
        public init(_ start: UnsafePointer<Float>, stride: Int, transposed: Bool = false) {
            (self.start, self.stride, self.transposed) = (start, stride, transposed)
        }
    }

    /// `C = op(A)·op(B)`, or `C += op(A)·op(B)` with `accumulate`.
    ///
    /// `op(A)` is `rows × depth`, `op(B)` `depth × columns`, and `C` `rows × columns` with row
    /// stride `cStride`. Overwriting ignores what C held (NaN included); a `depth` of 0 leaves
    /// `C` zero (or unchanged when accumulating). `C` must not overlap `A` or `B`.
    public static func product(
        rows: Int, columns: Int, depth: Int, _ a: Operand, _ b: Operand,
        into c: UnsafeMutablePointer<Float>, stride cStride: Int, accumulate: Bool = false
    ) {
        ck_sgemm(
            a.transposed, b.transposed, Int32(rows), Int32(columns), Int32(depth), a.start, Int32(a.stride),
            b.start, Int32(b.stride), accumulate ? 1 : 0, c, Int32(cStride))
    }

    /// `C = act(op(A)·op(B) + bias)` in one pass (`act(C + …)` with `accumulate`): a dense
    /// layer's forward product with its bias (one float per column, nil for none) and, with
    /// `relu`, ReLU fused into the last write of each value (NaN stays NaN). Shapes as in
    /// `product`.
    public static func product(
        rows: Int, columns: Int, depth: Int, _ a: Operand, _ b: Operand,
        into c: UnsafeMutablePointer<Float>, stride cStride: Int, accumulate: Bool = false,
        addingBias bias: UnsafePointer<Float>?, relu: Bool
    ) {
        ck_sgemm_bias_act(
            a.transposed, b.transposed, Int32(rows), Int32(columns), Int32(depth), a.start,
            Int32(a.stride), b.start, Int32(b.stride), accumulate ? 1 : 0, c, Int32(cStride), bias, relu)
    }

    /// The same product by the plain triple loop, at any kernel level: the reference the fast
    /// kernels are tested against.
    public static func referenceProduct(
        rows: Int, columns: Int, depth: Int, _ a: Operand, _ b: Operand,
        into c: UnsafeMutablePointer<Float>, stride cStride: Int, accumulate: Bool = false
    ) {
        ck_sgemm_reference(
            a.transposed, b.transposed, Int32(rows), Int32(columns), Int32(depth), a.start,
            Int32(a.stride), b.start, Int32(b.stride), accumulate ? 1 : 0, c, Int32(cStride))
    }

    /// An elementwise non-linearity the kernels apply, `f`, with its derivative written through
    /// the output `a = f(z)`.
    public enum Function: Sendable {
        /// `z`; f' = 1.
        case identity
        /// `max(0, z)`; f' = (a > 0).
        case relu
        /// `1 / (1 + e^−z)`; f' = a(1 − a).
        case sigmoid
        /// `tanh z`; f' = 1 − a².
        case tanh

        var code: Int32 {
            switch self {
            case .identity: Int32(CK_ACTIVATION_IDENTITY)
            case .relu: Int32(CK_ACTIVATION_RELU)
            case .sigmoid: Int32(CK_ACTIVATION_SIGMOID)
            case .tanh: Int32(CK_ACTIVATION_TANH)
            }
        }
    }

    /// `Z ← f(Z + bias)` in place, for `rows × columns` values with row stride `stride`; `bias`
    /// holds one float per column (nil adds nothing).
    public static func addBiasAndApply(
        _ function: Function, to z: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int,
        bias: UnsafePointer<Float>?
    ) {
        ck_bias_activation(z, Int32(rows), Int32(columns), Int32(stride), bias, function.code)
    }

    /// `G ← G ⊙ f'(Z)` in place over `count` values, with f' computed from the outputs `A`:
    /// turns dL/dA into dL/dZ.
    public static func multiplyByDerivative(
        of function: Function, outputs a: UnsafePointer<Float>, gradient g: UnsafeMutablePointer<Float>, count: Int
    ) {
        ck_activation_backward(a, g, count, function.code)
    }

    /// `sums[j] = Σᵢ X[i][j]` over `rows × columns` values with row stride `stride` (`+=` with
    /// `accumulate`). Rows are added in order, so the result depends only on the data.
    public static func columnSums(
        of x: UnsafePointer<Float>, rows: Int, columns: Int, stride: Int, into sums: UnsafeMutablePointer<Float>,
        accumulate: Bool = false
    ) {
        ck_column_sums(x, Int32(rows), Int32(columns), Int32(stride), sums, accumulate)
    }

    /// Whether every value is finite (no NaN, no infinity), checked with vector instructions.
    public static func allFinite(_ values: UnsafeBufferPointer<Float>) -> Bool {
        guard let base = values.baseAddress else { return true }
        return ck_all_finite(base, values.count)
    }

    /// Starts loading the `bytes` bytes at `start` into cache, without waiting for them: for
    /// memory the caller reads soon, in an order the hardware cannot foresee or before the
    /// hardware prefetchers would get to it.
    public static func prefetch(_ start: UnsafeRawPointer, bytes: Int) {
        ck_prefetch_for_reading(start, bytes)
    }

    /// `destination[i] = source[i] / 255` for `count` bytes: pixels to inputs in [0, 1].
    public static func unitFloats(
        fromBytes source: UnsafePointer<UInt8>, into destination: UnsafeMutablePointer<Float>, count: Int
    ) {
        ck_bytes_to_unit_floats(source, destination, count)
    }

    /// `destination[i]` = the IEEE half-precision float whose little-endian bits are the two
    /// bytes at `source + 2i` (any alignment), for `count` values: exact for every finite half and
    /// the infinities. Runs on the CPU's conversion instructions where it has them (unless the
    /// thread is forced to the portable level).
    public static func floats(
        fromHalves source: UnsafeRawPointer, into destination: UnsafeMutablePointer<Float>, count: Int
    ) {
        ck_halves_to_floats(source, destination, count)
    }

    /// Asks the system to back `buffer`'s whole pages with memory in one call rather than a
    /// page fault per page as they are first written (a model's weights as it loads); best
    /// effort, and nothing for a buffer under 64 KiB.
    public static func populateForWriting(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress else { return }
        ck_populate_for_writing(base, buffer.count)
    }

    /// One optimiser step over a `rows × columns` block of one parameter matrix (see
    /// `UpdateRule`): `weights` move, and their optimiser state — the first moments `moments`
    /// (SGD's velocities) and, when the rule uses them, the second moments `squares` — is updated.
    /// With `averaging`, its exponential moving average then follows the weights:
    /// `average ← decay·average + (1 − decay)·weights`.
    ///
    /// Weights, state and average share the row stride `stride`; the gradient has its own,
    /// `gradientStride`. For a flat vector of n values pass 1 row of n columns.
    public static func optimizerUpdate(
        weights w: UnsafeMutablePointer<Float>, moments m: UnsafeMutablePointer<Float>,
        squares s: UnsafeMutablePointer<Float>?, stride: Int, gradient g: UnsafePointer<Float>, gradientStride: Int,
        rows: Int, columns: Int, rule: UpdateRule,
        averaging: (average: UnsafeMutablePointer<Float>, decay: Float)? = nil
    ) {
        precondition(s != nil || !rule.usesSecondMoments, "Adam's rules need second moments")
        var constants = rule.kernelConstants
        constants.average_decay = averaging?.decay ?? 0
        ck_optimizer_update(
            w, m, s, averaging?.average, stride, g, gradientStride, Int32(rows), Int32(columns), &constants)
    }

    /// Runs `body` with denormal floats treated as zero on the calling thread, then restores the
    /// thread's previous setting.
    ///
    /// Gradients and momentum buffers drift into the denormal range late in training, where
    /// every operation on them costs about a hundred times more on x86; numbers that small
    /// change nothing a network learns.
    public static func withDenormalsFlushed<Result>(_ body: () throws -> Result) rethrows -> Result {
        let saved = ck_flush_denormals()
        defer { ck_restore_denormals(saved) }
        return try body()
    }
}
