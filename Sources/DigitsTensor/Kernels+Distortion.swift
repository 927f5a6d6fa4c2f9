internal import CKernels

extension Kernels {
    /// The row stride of an elastic field and of a transposed elastic basis: 28 values padded to 32.
    public static let digitFieldStride = Int(CK_DIGIT_FIELD_STRIDE)

    /// What `distortDigit` does to one 28×28 digit.
    public struct DigitDistortion {
        /// The map from an output pixel's offset from the centre (13.5, 13.5), less `shift`, to
        /// its source point's offset: (m00, m01; m10, m11), row-major. Ignored unless `geometric`.
        public var matrix: (Float, Float, Float, Float) = (1, 0, 0, 1)
        /// The shift, in pixels, subtracted before the map.
        public var shift: (x: Float, y: Float) = (0, 0)
        /// Whether to resample at all: false copies the image (scaled to [0, 1]).
        public var geometric = false
        /// Fraction of a 3×3 dilation (> 0) or erosion (< 0) mixed in.
        public var stroke: Float = 0
        /// The side weight a of the blur kernel [a, 1 − 2a, a] (0: no blur).
        public var blurWeight: Float = 0
        /// The noise's scale per 16-bit draw (0: no noise).
        public var noiseScale: Float = 0
        /// The SplitMix64 state the noise's words are drawn after.
        public var noiseState: UInt64 = 0

        /// No distortion.
        public init() {}
    }

    /// `field` (28 rows, `digitFieldStride` apart) = `alpha`·B·Z·Bᵀ, with B given transposed
    /// (`rank` rows, `digitFieldStride` apart) and Z `rank` × `rank`, row-major. `scratch` holds
    /// `rank × digitFieldStride` floats.
    public static func elasticField(
        basisTransposed: UnsafePointer<Float>, rank: Int, coefficients: UnsafePointer<Float>, alpha: Float,
        scratch: UnsafeMutablePointer<Float>, into field: UnsafeMutablePointer<Float>
    ) {
        ck_elastic_field(basisTransposed, Int32(rank), coefficients, alpha, scratch, field)
    }

    /// Writes `image` (28×28 bytes) distorted as `distortion` says to `output` (28×28 floats in
    /// [0, 1]), displacing each source point by the elastic fields when given (as `elasticField`
    /// lays them out). `scratch` holds 2 × 32 × 32 floats. Returns how many SplitMix64 words the
    /// noise drew after `noiseState`.
    public static func distortDigit(
        _ image: UnsafePointer<UInt8>, into output: UnsafeMutablePointer<Float>, _ distortion: DigitDistortion,
        fieldX: UnsafePointer<Float>?, fieldY: UnsafePointer<Float>?, scratch: UnsafeMutablePointer<Float>
    ) -> Int {
        var parameters = ck_distortion(
            geometric: distortion.geometric ? 1 : 0, m00: distortion.matrix.0, m01: distortion.matrix.1,
            m10: distortion.matrix.2, m11: distortion.matrix.3, shift_x: distortion.shift.x,
            shift_y: distortion.shift.y, field_x: fieldX, field_y: fieldY, stroke: distortion.stroke,
            blur_a: distortion.blurWeight, noise_scale: distortion.noiseScale, noise_state: distortion.noiseState)
        return Int(ck_distort_digit(image, output, &parameters, scratch))
    }
}
