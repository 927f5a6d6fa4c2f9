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
/// pixels, times α — drawn in a cheaper way with the same covariance. That covariance is K ⊗ K,
/// K the Gaussian's autocorrelation along one axis, so the field is B·Z·Bᵀ with B the leading
/// eigenvectors of K scaled by the square roots of their eigenvalues (enough of them to keep
/// 99.999% of the variance: 8 for σ = 5.5) and Z a small square of uniform noise of the same
/// variance (the field's values, sums of many such terms, are close to normal either way). That
/// costs about 28²·8 multiplications per axis instead of a 28×28 convolution with a 45-tap kernel.
public struct DigitDistorter: Sendable {
    /// The strengths drawn from.
    public let settings: Augmentation
    /// The elastic basis B, `side` rows × `rank` columns, row-major.
    let basis: [Float]
    /// Bᵀ, `rank` rows of `Kernels.digitFieldStride` floats (zero past `side`), as the kernel reads it.
    let basisTransposed: [Float]
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
        var transposed = [Float](repeating: 0, count: rank * Kernels.digitFieldStride)
        for row in 0 ..< Self.side {
            for column in 0 ..< rank {
                transposed[column * Kernels.digitFieldStride + row] = basis[row * rank + column]
            }
        }
        basisTransposed = transposed
    }

    /// The generator for image `index` of the training set in `epoch` (from 1) of a run seeded
    /// with `seed`: the only source of its distortion, so the same image in the same epoch is
    /// distorted the same way however many threads train and wherever a run resumes.
    public static func generator(seed: UInt64, epoch: Int, index: Int) -> SplitMix64 {
        var mixer = SplitMix64(
            seed: seed ^ (UInt64(epoch) &* 0xA24B_AED4_963E_E407) ^ (UInt64(index) &* 0x9FB2_1C65_1E98_DF25))
        return SplitMix64(seed: mixer.next())
    }

    /// One thread's room to distort in: the elastic fields, their coefficients and the kernel's scratch.
    public final class Workspace {
        let fieldX: UnsafeMutableBufferPointer<Float>
        let fieldY: UnsafeMutableBufferPointer<Float>
        let coefficients: UnsafeMutableBufferPointer<Float>
        let scratch: UnsafeMutableBufferPointer<Float>

        /// Room for one digit at a time.
        public init() {
            let fieldSize = DigitDistorter.side * Kernels.digitFieldStride
            fieldX = .allocateCacheAligned(count: fieldSize)
            fieldY = .allocateCacheAligned(count: fieldSize)
            coefficients = .allocateCacheAligned(count: DigitDistorter.pixels)
            // The elastic product (rank × stride) and the kernel's two 32×32 buffers.
            scratch = .allocateCacheAligned(count: 2 * 32 * 32)
        }

        deinit {
            for buffer in [fieldX, fieldY, coefficients, scratch] { buffer.deallocateCacheAligned() }
        }
    }

    /// The random parts of one image's distortion, in the order they are drawn.
    struct Parameters {
        var angle, scaleX, scaleY, shear, shiftX, shiftY, stroke, blur, noise: Double

        /// Draws them from `draw`; the draws come in a fixed order whatever the strengths, so
        /// changing one strength does not change what the others draw.
        init(_ settings: Augmentation, draw: inout Draw) {
            angle = draw.symmetric(settings.rotationDegrees) * .pi / 180
            scaleX = 1 + draw.symmetric(settings.scale)
            scaleY = 1 + draw.symmetric(settings.scale)
            shear = draw.symmetric(settings.shear)
            shiftX = draw.symmetric(settings.shift)
            shiftY = draw.symmetric(settings.shift)
            stroke = draw.symmetric(settings.strokeWidth)
            blur = draw.unit() * settings.blur
            noise = draw.unit() * settings.noise
        }

        /// The inverse of A = rotation · shear · scale: the map from output to source offsets.
        var inverse: (Float, Float, Float, Float) {
            let (c, s) = (cos(angle), sin(angle))
            let a = (c * scaleX, (c * shear - s) * scaleY, s * scaleX, (s * shear + c) * scaleY)
            let determinant = a.0 * a.3 - a.1 * a.2
            return (
                Float(a.3 / determinant), Float(-a.1 / determinant), Float(-a.2 / determinant),
                Float(a.0 / determinant)
            )
        }

        /// The noise's scale per unit of the sum of two 16-bit draws less 65535: two uniform
        /// draws sum to a triangle whose variance is 1/6 of the square of their range.
        var noiseScale: Float { Float(noise) * (6 as Float).squareRoot() / 65536 }
    }

    /// Whether the settings move pixels at all.
    var isGeometric: Bool {
        settings.rotationDegrees > 0 || settings.scale > 0 || settings.shear > 0 || settings.shift > 0
            || settings.elasticAlpha > 0
    }

    /// Writes a distorted version of `image` (28×28 bytes, 0 = paper) into `output` (28×28
    /// floats in [0, 1]), drawing every random choice from `generator`. The work is the
    /// distortion kernels' (`Kernels.elasticField`, `Kernels.distortDigit`); `referenceDistorted`
    /// is the same in plain Swift.
    public func distort(
        _ image: UnsafePointer<UInt8>, into output: UnsafeMutablePointer<Float>, generator: inout SplitMix64,
        workspace: Workspace
    ) {
        var draw = Draw(generator: generator)
        let parameters = Parameters(settings, draw: &draw)
        var distortion = Kernels.DigitDistortion()
        distortion.geometric = isGeometric
        distortion.matrix = parameters.inverse
        distortion.shift = (Float(parameters.shiftX), Float(parameters.shiftY))
        distortion.stroke = Float(parameters.stroke)
        distortion.blurWeight = Float(parameters.blur * parameters.blur / 2)
        distortion.noiseScale = parameters.noiseScale
        let elastic = settings.elasticAlpha > 0
        if elastic {
            let alpha = Float(settings.elasticAlpha)
            basisTransposed.withUnsafeBufferPointer { basis in
                for field in [workspace.fieldX, workspace.fieldY] {
                    draw.fill(workspace.coefficients.baseAddress!, count: rank * rank)
                    Kernels.elasticField(
                        basisTransposed: basis.baseAddress!, rank: rank,
                        coefficients: workspace.coefficients.baseAddress!,
                        alpha: alpha, scratch: workspace.scratch.baseAddress!, into: field.baseAddress!)
                }
            }
        }
        // The noise draws whole words after everything else.
        distortion.noiseState = draw.generator.state
        let words = Kernels.distortDigit(
            image, into: output, distortion, fieldX: elastic ? UnsafePointer(workspace.fieldX.baseAddress!) : nil,
            fieldY: elastic ? UnsafePointer(workspace.fieldY.baseAddress!) : nil,
            scratch: workspace.scratch.baseAddress!)
        generator = draw.generator
        generator.state &+= UInt64(words) &* SplitMix64.increment
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

    /// What `distort` computes, in plain Swift and step by step: the reference its kernels are
    /// tested against, and the place to read what augmentation does to a digit.
    func referenceDistorted(_ image: [UInt8], generator: inout SplitMix64) -> [Float] {
        precondition(image.count == Self.pixels, "an image is 28×28 bytes")
        var draw = Draw(generator: generator)
        let parameters = Parameters(settings, draw: &draw)
        let side = Self.side
        var output = [Float](repeating: 0, count: Self.pixels)
        var spare = [Float](repeating: 0, count: Self.pixels)
        if isGeometric {
            let inverse = parameters.inverse
            let elastic = settings.elasticAlpha > 0
            let fieldX = elastic ? referenceElasticField(draw: &draw) : []
            let fieldY = elastic ? referenceElasticField(draw: &draw) : []
            let (centre, tx, ty) = (Self.centre, Float(parameters.shiftX), Float(parameters.shiftY))
            image.withUnsafeBufferPointer { image in
                for y in 0 ..< side {
                    for x in 0 ..< side {
                        let u = Float(x) - centre - tx, v = Float(y) - centre - ty
                        var sourceX = centre + inverse.0 * u + inverse.1 * v
                        var sourceY = centre + inverse.2 * u + inverse.3 * v
                        if elastic {
                            sourceX += fieldX[y * side + x]
                            sourceY += fieldY[y * side + x]
                        }
                        output[y * side + x] = Self.bilinear(image.baseAddress!, x: sourceX, y: sourceY)
                    }
                }
            }
        } else {
            output = image.map { Float($0) / 255 }
        }
        if parameters.stroke != 0 { Self.changeStrokes(&output, by: Float(parameters.stroke), spare: &spare) }
        if parameters.blur > 0 { Self.blur(&output, sigma: Float(parameters.blur), spare: &spare) }
        var noiseGenerator = draw.generator
        if parameters.noise > 0 { Self.addNoise(&output, scale: parameters.noiseScale, generator: &noiseGenerator) }
        generator = noiseGenerator
        return output
    }

    // MARK: - The reference's pieces

    /// Random numbers for one image: uniform values from the generator, and 16-bit ones from
    /// quarters of its words.
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

        /// Fills `count` values with uniform draws in (−1, 1), from 16 bits each.
        mutating func fill(_ values: UnsafeMutablePointer<Float>, count: Int) {
            for k in 0 ..< count { values[k] = (Float(bits16()) + 0.5) * (2 / 65536) - 1 }
        }
    }

    /// α·B·Z·Bᵀ (28 × 28, row-major) for a fresh `rank`×`rank` Z of uniform noise in (−1, 1).
    func referenceElasticField(draw: inout Draw) -> [Float] {
        let (side, rank) = (Self.side, rank)
        var z = [Float](repeating: 0, count: rank * rank)
        z.withUnsafeMutableBufferPointer { draw.fill($0.baseAddress!, count: rank * rank) }
        let alpha = Float(settings.elasticAlpha)
        var field = [Float](repeating: 0, count: side * side)
        for y in 0 ..< side {
            for x in 0 ..< side {
                // Σ_r Σ_k B[y][r]·Z[r][k]·B[x][k]
                var sum: Float = 0
                for r in 0 ..< rank {
                    for k in 0 ..< rank { sum += basis[y * rank + r] * z[r * rank + k] * basis[x * rank + k] }
                }
                field[y * side + x] = alpha * sum
            }
        }
        return field
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
        // Rows first, then columns; only neighbours on the image count, so neither reaches past
        // the border (and an erosion does not eat strokes that touch it).
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

    /// Adds zero-mean noise to every pixel, keeping values in [0, 1]: for each, the sum of two
    /// 16-bit uniform draws (a triangle: cheap and bounded) less 65535, times `scale`. The draws are
    /// the quarters of the generator's words, lowest first, two pixels to a word.
    static func addNoise(_ image: UnsafeMutablePointer<Float>, scale: Float, generator: inout SplitMix64) {
        for pair in 0 ..< Self.pixels / 2 {
            let bits = generator.next()
            for (offset, shift) in [(0, 0), (1, 32)] {
                let first = Float((bits >> UInt64(shift)) & 0xFFFF),
                    second = Float((bits >> UInt64(shift + 16)) & 0xFFFF)
                let value = image[2 * pair + offset] + (first + second - 65535) * scale
                image[2 * pair + offset] = min(1, max(0, value))
            }
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
