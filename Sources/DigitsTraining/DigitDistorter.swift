import DigitsTensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws and applies the distortions an `Augmentation` describes to 28×28 training images.
///
/// Built once per training run (it precomputes the elastic field's basis) and shared by every
/// thread; each thread brings its own `Workspace`, so distorting allocates nothing.
///
/// The elastic field is Simard's — uniform noise in [−1, 1] smoothed with a Gaussian of σ
/// pixels, times α — drawn in a cheaper but equivalent way: its covariance is K ⊗ K, where K is
/// the Gaussian's autocorrelation along one axis, so the field is B·Z·Bᵀ with B the leading
/// eigenvectors of K scaled by the square roots of their eigenvalues (enough of them to keep
/// 99.99% of the variance: about 7 for σ = 5.5) and Z a small square of uniform noise of the
/// same variance. That costs about 2·28²·7 multiplications per axis instead of a 28×28
/// convolution with a 45-tap kernel.
public struct DigitDistorter: Sendable {
    /// The strengths drawn from.
    public let settings: Augmentation
    /// The elastic basis B, `side` rows × `rank` columns, row-major.
    let basis: [Float]
    /// Columns of `basis`.
    let rank: Int

    /// Pixels along each side of an image.
    public static let side = 28
    static let pixels = side * side
    /// The point rotations and scalings turn about: the middle of the 28×28 field.
    static let centre: Float = 13.5

    /// A distorter for `settings`; precondition: every strength within its bounds.
    public init(settings: Augmentation) {
        precondition(settings.strengthOutOfBounds == nil, "augmentation strengths out of bounds")
        self.settings = settings
        (basis, rank) = Self.elasticBasis(sigma: settings.elasticSigma)
    }

    /// The generator for image `index` of the training set in `epoch` (from 1) of a run seeded
    /// with `seed`: the only source of its distortion, so the same image in the same epoch is
    /// distorted the same way however many threads train and wherever a run resumes.
    public static func generator(seed: UInt64, epoch: Int, index: Int) -> SplitMix64 {
        var mixer = SplitMix64(
            seed: seed ^ (UInt64(epoch) &* 0xA24B_AED4_963E_E407) ^ (UInt64(index) &* 0x9FB2_1C65_1E98_DF25))
        return SplitMix64(seed: mixer.next())
    }

    /// One thread's room to distort in: the elastic field and two image-sized buffers.
    public final class Workspace {
        let fieldX: UnsafeMutableBufferPointer<Float>
        let fieldY: UnsafeMutableBufferPointer<Float>
        let image: UnsafeMutableBufferPointer<Float>
        let spare: UnsafeMutableBufferPointer<Float>
        let coefficients: UnsafeMutableBufferPointer<Float>
        let product: UnsafeMutableBufferPointer<Float>

        /// Room for images of `DigitDistorter.side`² pixels.
        public init() {
            let pixels = DigitDistorter.pixels
            fieldX = .allocate(capacity: pixels)
            fieldY = .allocate(capacity: pixels)
            image = .allocate(capacity: pixels)
            spare = .allocate(capacity: pixels)
            coefficients = .allocate(capacity: pixels)
            product = .allocate(capacity: pixels)
        }

        deinit {
            for buffer in [fieldX, fieldY, image, spare, coefficients, product] { buffer.deallocate() }
        }
    }

    /// Writes a distorted version of `image` (28×28 bytes, 0 = paper) into `output` (28×28
    /// floats in [0, 1]), drawing every random choice from `generator`.
    public func distort(
        _ image: UnsafePointer<UInt8>, into output: UnsafeMutablePointer<Float>, generator: inout SplitMix64,
        workspace: Workspace
    ) {
        var draw = Draw(generator: generator)
        let side = Self.side
        // The draws come in a fixed order whatever the strengths, so changing one strength does
        // not change what the others draw.
        let angle = draw.symmetric(settings.rotationDegrees) * .pi / 180
        let scaleX = 1 + draw.symmetric(settings.scale)
        let scaleY = 1 + draw.symmetric(settings.scale)
        let shear = draw.symmetric(settings.shear)
        let shiftX = draw.symmetric(settings.shift)
        let shiftY = draw.symmetric(settings.shift)
        let stroke = draw.symmetric(settings.strokeWidth)
        let blur = draw.unit() * settings.blur
        let noise = draw.unit() * settings.noise

        let geometric =
            settings.rotationDegrees > 0 || settings.scale > 0 || settings.shear > 0 || settings.shift > 0
            || settings.elasticAlpha > 0
        if geometric {
            // The map from output to source pixels is the inverse of A = rotation · shear · scale.
            let (c, s) = (cos(angle), sin(angle))
            let a = (c * scaleX, (c * shear - s) * scaleY, s * scaleX, (s * shear + c) * scaleY)
            let determinant = a.0 * a.3 - a.1 * a.2
            let inverse = (
                Float(a.3 / determinant), Float(-a.1 / determinant), Float(-a.2 / determinant),
                Float(a.0 / determinant)
            )
            let elastic = settings.elasticAlpha > 0
            if elastic {
                elasticField(into: workspace.fieldX, draw: &draw, workspace: workspace)
                elasticField(into: workspace.fieldY, draw: &draw, workspace: workspace)
            }
            let (fx, fy) = (workspace.fieldX.baseAddress!, workspace.fieldY.baseAddress!)
            let (centre, tx, ty) = (Self.centre, Float(shiftX), Float(shiftY))
            for y in 0 ..< side {
                let v = Float(y) - centre - ty
                for x in 0 ..< side {
                    let u = Float(x) - centre - tx
                    var sourceX = centre + inverse.0 * u + inverse.1 * v
                    var sourceY = centre + inverse.2 * u + inverse.3 * v
                    if elastic {
                        sourceX += fx[y * side + x]
                        sourceY += fy[y * side + x]
                    }
                    output[y * side + x] = Self.bilinear(image, x: sourceX, y: sourceY)
                }
            }
        } else {
            Kernels.unitFloats(fromBytes: image, into: output, count: Self.pixels)
        }

        if stroke != 0 { Self.changeStrokes(output, by: Float(stroke), spare: workspace.spare.baseAddress!) }
        if blur > 0 { Self.blur(output, sigma: Float(blur), spare: workspace.spare.baseAddress!) }
        if noise > 0 { Self.addNoise(output, deviation: Float(noise), draw: &draw) }
        generator = draw.generator
    }

    /// `distort` into a new array, for callers outside the training loop.
    public func distorted(_ image: [UInt8], generator: inout SplitMix64) -> [Float] {
        precondition(image.count == Self.pixels, "an image is 28×28 bytes")
        var output = [Float](repeating: 0, count: Self.pixels)
        let workspace = Workspace()
        image.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer {
                distort(source.baseAddress!, into: $0.baseAddress!, generator: &generator, workspace: workspace)
            }
        }
        return output
    }

    // MARK: - The pieces

    /// Random numbers for one image: uniform values from 32-bit halves of the generator's words.
    struct Draw {
        var generator: SplitMix64
        private var spare: UInt64 = 0
        private var spareCount = 0

        init(generator: SplitMix64) { self.generator = generator }

        /// 16 random bits (four per generator step).
        mutating func bits16() -> UInt32 {
            if spareCount == 0 {
                spare = generator.next()
                spareCount = 4
            }
            let value = UInt32(truncatingIfNeeded: spare & 0xFFFF)
            spare >>= 16
            spareCount -= 1
            return value
        }

        /// Uniform in [0, 1), 53 bits.
        mutating func unit() -> Double { generator.nextUnit() }

        /// Uniform in [−limit, limit].
        mutating func symmetric(_ limit: Double) -> Double { (2 * unit() - 1) * limit }
    }

    /// Fills `field` with α·B·Z·Bᵀ for a fresh `rank`×`rank` Z of uniform noise in [−1, 1].
    func elasticField(into field: UnsafeMutableBufferPointer<Float>, draw: inout Draw, workspace: Workspace) {
        let (side, rank) = (Self.side, rank)
        let z = workspace.coefficients.baseAddress!, product = workspace.product.baseAddress!
        let alpha = Float(settings.elasticAlpha)
        for k in 0 ..< rank * rank {
            z[k] = (Float(draw.bits16()) + 0.5) * (2 / 65536) - 1
        }
        basis.withUnsafeBufferPointer { b in
            let b = b.baseAddress!
            // product = Z·Bᵀ (rank × side).
            for r in 0 ..< rank {
                for x in 0 ..< side {
                    var sum: Float = 0
                    for k in 0 ..< rank { sum += z[r * rank + k] * b[x * rank + k] }
                    product[r * side + x] = sum * alpha
                }
            }
            // field = B·product (side × side).
            let f = field.baseAddress!
            for y in 0 ..< side {
                for x in 0 ..< side { f[y * side + x] = 0 }
                for r in 0 ..< rank {
                    let weight = b[y * rank + r]
                    for x in 0 ..< side { f[y * side + x] += weight * product[r * side + x] }
                }
            }
        }
    }

    /// The image's value at (x, y), in pixel units from the top-left pixel's centre, by bilinear
    /// interpolation between the four nearest pixels; the paper outside the image is 0.
    static func bilinear(_ image: UnsafePointer<UInt8>, x: Float, y: Float) -> Float {
        let side = Self.side
        guard x > -1, y > -1, x < Float(side), y < Float(side) else { return 0 }
        let x0 = Int(x.rounded(.down)), y0 = Int(y.rounded(.down))
        let fx = x - Float(x0), fy = y - Float(y0)
        func pixel(_ px: Int, _ py: Int) -> Float {
            px >= 0 && py >= 0 && px < side && py < side ? Float(image[py * side + px]) : 0
        }
        let top = pixel(x0, y0) + fx * (pixel(x0 + 1, y0) - pixel(x0, y0))
        let bottom = pixel(x0, y0 + 1) + fx * (pixel(x0 + 1, y0 + 1) - pixel(x0, y0 + 1))
        return (top + fy * (bottom - top)) * (1 / 255)
    }

    /// Mixes a 3×3 dilation (amount > 0: thicker strokes) or erosion (amount < 0: thinner) into
    /// `image`, by the fraction |amount|.
    static func changeStrokes(
        _ image: UnsafeMutablePointer<Float>, by amount: Float, spare: UnsafeMutablePointer<Float>
    ) {
        let side = Self.side
        let thicker = amount > 0
        // Rows first, then columns; outside the image counts as paper for a dilation and as the
        // pixel itself for an erosion (so the border does not eat strokes that touch it).
        for y in 0 ..< side {
            for x in 0 ..< side {
                let centre = image[y * side + x]
                var value = centre
                if x > 0 { value = thicker ? max(value, image[y * side + x - 1]) : min(value, image[y * side + x - 1]) }
                if x < side - 1 {
                    value = thicker ? max(value, image[y * side + x + 1]) : min(value, image[y * side + x + 1])
                }
                spare[y * side + x] = value
            }
        }
        let fraction = abs(amount)
        for y in 0 ..< side {
            for x in 0 ..< side {
                var value = spare[y * side + x]
                if y > 0 {
                    value = thicker ? max(value, spare[(y - 1) * side + x]) : min(value, spare[(y - 1) * side + x])
                }
                if y < side - 1 {
                    value = thicker ? max(value, spare[(y + 1) * side + x]) : min(value, spare[(y + 1) * side + x])
                }
                image[y * side + x] += fraction * (value - image[y * side + x])
            }
        }
    }

    /// Blurs `image` with the 3×3 kernel [a, 1 − 2a, a] ⊗ [a, 1 − 2a, a] whose variance is
    /// sigma² per axis (a = sigma²/2); the paper outside the image is 0.
    static func blur(_ image: UnsafeMutablePointer<Float>, sigma: Float, spare: UnsafeMutablePointer<Float>) {
        let side = Self.side
        let a = sigma * sigma / 2, middle = 1 - sigma * sigma
        for y in 0 ..< side {
            for x in 0 ..< side {
                let left = x > 0 ? image[y * side + x - 1] : 0
                let right = x < side - 1 ? image[y * side + x + 1] : 0
                spare[y * side + x] = a * (left + right) + middle * image[y * side + x]
            }
        }
        for y in 0 ..< side {
            for x in 0 ..< side {
                let up = y > 0 ? spare[(y - 1) * side + x] : 0
                let down = y < side - 1 ? spare[(y + 1) * side + x] : 0
                image[y * side + x] = a * (up + down) + middle * spare[y * side + x]
            }
        }
    }

    /// Adds zero-mean noise of standard deviation `deviation` to every pixel (the sum of two
    /// uniform draws: triangular, cheap, and bounded), keeping values in [0, 1].
    static func addNoise(_ image: UnsafeMutablePointer<Float>, deviation: Float, draw: inout Draw) {
        // Two uniforms in [0, 1) sum to a triangle on [0, 2) with variance 1/6.
        let scale = deviation * (6 as Float).squareRoot() / 65536
        for i in 0 ..< Self.pixels {
            let triangle = Float(draw.bits16()) + Float(draw.bits16()) - 65535
            image[i] = min(1, max(0, image[i] + triangle * scale))
        }
    }

    // MARK: - The elastic basis

    /// B (side × rank, row-major) with B·Bᵀ ≈ K, K[a][b] = Σₜ g[t]·g[t + |a − b|] for the
    /// normalised Gaussian g of `sigma` pixels (cut at 4σ): the covariance, along one axis, of
    /// white noise smoothed with g.
    static func elasticBasis(sigma: Double) -> (basis: [Float], rank: Int) {
        let side = Self.side
        let radius = Int((4 * sigma).rounded(.up))
        var kernel = (-radius ... radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        func autocorrelation(_ lag: Int) -> Double {
            lag >= kernel.count ? 0 : (0 ..< kernel.count - lag).reduce(0) { $0 + kernel[$1] * kernel[$1 + lag] }
        }
        var covariance = [Double](repeating: 0, count: side * side)
        for a in 0 ..< side {
            for b in 0 ..< side { covariance[a * side + b] = autocorrelation(abs(a - b)) }
        }
        let (values, vectors) = symmetricEigen(covariance, size: side)
        let order = values.indices.sorted { values[$0] > values[$1] }
        let whole = values.reduce(0) { $0 + max($1, 0) }
        var rank = 0, kept = 0.0
        while rank < side, kept < 0.99999 * whole {
            kept += max(values[order[rank]], 0)
            rank += 1
        }
        var basis = [Float](repeating: 0, count: side * rank)
        for (column, index) in order.prefix(rank).enumerated() {
            let length = max(values[index], 0).squareRoot()
            for row in 0 ..< side { basis[row * rank + column] = Float(vectors[row * side + index] * length) }
        }
        return (basis, rank)
    }

    /// Eigenvalues and eigenvectors (as the columns of a row-major size × size matrix) of the
    /// symmetric matrix `matrix`, by cyclic Jacobi rotations.
    static func symmetricEigen(_ matrix: [Double], size n: Int) -> (values: [Double], vectors: [Double]) {
        var a = matrix
        var v = [Double](repeating: 0, count: n * n)
        for i in 0 ..< n { v[i * n + i] = 1 }
        for _ in 0 ..< 100 {
            var offDiagonal = 0.0
            for p in 0 ..< n { for q in p + 1 ..< n { offDiagonal += a[p * n + q] * a[p * n + q] } }
            if offDiagonal < 1e-30 { break }
            for p in 0 ..< n {
                for q in p + 1 ..< n where a[p * n + q] != 0 {
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0 ..< n {
                        let (akp, akq) = (a[k * n + p], a[k * n + q])
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0 ..< n {
                        let (apk, aqk) = (a[p * n + k], a[q * n + k])
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0 ..< n {
                        let (vkp, vkq) = (v[k * n + p], v[k * n + q])
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        return ((0 ..< n).map { a[$0 * n + $0] }, v)
    }
}
