import DigitsKit
import Foundation
import Testing

@testable import DigitsTraining

/// The distortions of training digits: each piece against a plain reference or a property it must
/// have, and the whole as a deterministic function of the seed, the epoch and the image's index.
@Suite struct DigitDistorterTests {
    /// A 28×28 test digit: a thick ring, like a 0, with varied levels.
    static let ring: [UInt8] = (0 ..< 784).map { p in
        let (x, y) = (Double(p % 28) - 13.5, Double(p / 28) - 13.5)
        let radius = (x * x / 36 + y * y / 81).squareRoot()
        return abs(radius - 1) < 0.3 ? UInt8(255 - (p * 7) % 60) : 0
    }

    static func mass(_ image: [Float]) -> Float { image.reduce(0, +) }

    static func settings(_ values: [Augmentation.Strength: Double]) -> Augmentation {
        var settings = Augmentation.none
        for (strength, value) in values { settings[strength] = value }
        return settings
    }

    /// With every strength 0, an image is exactly what a plain epoch loads.
    @Test func withoutDistortionTheImageIsWhatAPlainEpochLoads() {
        var generator = SplitMix64(seed: 1)
        let output = DigitDistorter(settings: .none).distorted(Self.ring, generator: &generator)
        var plain = [Float](repeating: 0, count: 784)
        Kernels.unitFloats(fromBytes: Self.ring, into: &plain, count: 784)
        #expect(output == plain)
        #expect(zip(output, Self.ring).allSatisfy { abs($0 - Float($1) / 255) < 1e-6 })
    }

    /// Every distortion alone, all together, one strong mix, and none.
    static let kernelCases: [Augmentation] =
        Augmentation.Strength.allCases.filter { $0 != .sigma }.map { settings([$0: Augmentation()[$0]]) } + [
            Augmentation(), .none, settings([.elastic: 60, .sigma: 3, .stroke: 1, .blur: 0.8, .noise: 0.5]),
        ]

    /// Calls `body` with a distorter for each of `kernelCases` and 40 images to distort with it
    /// (the ring and its mirror image in turn), each with its index.
    static func forEachKernelCase(_ body: (Augmentation, DigitDistorter, _ image: [UInt8], _ index: Int) -> Void) {
        for settings in kernelCases {
            let distorter = DigitDistorter(settings: settings)
            for index in 0 ..< 40 {
                body(settings, distorter, index % 2 == 0 ? ring : ring.reversed(), index)
            }
        }
    }

    /// The kernels (`Kernels.elasticField`, `Kernels.distortDigit`) at every level this machine
    /// runs, resampling by gathers and by rows, against the plain Swift reference: every case of
    /// `kernelCases` on many images; the generator ends where the reference's does.
    @Test(arguments: KernelLevel.supported, [false, true])
    func theKernelsMatchThePlainReference(level: String, gathering: Bool) throws {
        try #require(KernelLevel.force(level))
        KernelLevel.forceResamplingGathers(gathering)
        defer {
            KernelLevel.force(nil)
            KernelLevel.forceResamplingGathers(nil)
        }
        Self.forEachKernelCase { settings, distorter, image, index in
            var fast = DigitDistorter.generator(seed: 11, epoch: 1, index: index)
            var reference = fast
            let output = distorter.distorted(image, generator: &fast)
            let expected = distorter.referenceDistorted(image, generator: &reference)
            let worst = zip(output, expected).map { abs($0 - $1) }.max()!
            #expect(worst < 2e-5, "\(settings), image \(index): \(worst)")
            #expect(fast == reference)
        }
    }

    /// At AVX-512 the two ways of resampling read the same neighbours and weigh them the same
    /// way, so the CPU's choice between them changes no bit of a distorted digit.
    @Test(.enabled(if: KernelLevel.supported.contains("avx512")))
    func resamplingByGathersAndByRowsGiveTheSameBits() throws {
        try #require(KernelLevel.force("avx512"))
        defer {
            KernelLevel.force(nil)
            KernelLevel.forceResamplingGathers(nil)
        }
        Self.forEachKernelCase { settings, distorter, image, index in
            let outputs = [false, true].map { gathering in
                KernelLevel.forceResamplingGathers(gathering)
                var generator = DigitDistorter.generator(seed: 5, epoch: 2, index: index)
                return distorter.distorted(image, generator: &generator)
            }
            let differing = zip(outputs[0], outputs[1]).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(differing == 0, "\(settings), image \(index): \(differing) pixels differ")
        }
    }

    /// Gathering is the CPU's choice on Intel's cores only, a forced choice lasts until nil, and
    /// nil brings the CPU's choice back.
    @Test func resamplingGathersOnIntelUntilForcedOtherwise() throws {
        let automatic = KernelLevel.resamplingGathers
        defer { KernelLevel.forceResamplingGathers(nil) }
        if let cpus = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let vendor = cpus.split(separator: "\n").first(where: { $0.hasPrefix("vendor_id") })
        {
            #expect(automatic == vendor.hasSuffix("GenuineIntel"), "\(vendor)")
        }
        for gathering in [!automatic, automatic, !automatic] {
            KernelLevel.forceResamplingGathers(gathering)
            #expect(KernelLevel.resamplingGathers == gathering)
        }
        KernelLevel.forceResamplingGathers(nil)
        #expect(KernelLevel.resamplingGathers == automatic)
    }

    @Test func theSameSeedEpochAndIndexGiveTheSameImageAndOthersDoNot() {
        let distorter = DigitDistorter(settings: Augmentation())
        func image(seed: UInt64, epoch: Int, index: Int) -> [Float] {
            var generator = DigitDistorter.generator(seed: seed, epoch: epoch, index: index)
            return distorter.distorted(Self.ring, generator: &generator)
        }
        let first = image(seed: 9, epoch: 2, index: 40)
        #expect(image(seed: 9, epoch: 2, index: 40) == first)
        #expect(image(seed: 9, epoch: 3, index: 40) != first)
        #expect(image(seed: 9, epoch: 2, index: 41) != first)
        #expect(image(seed: 10, epoch: 2, index: 40) != first)
        #expect(first.allSatisfy { (0 ... 1).contains($0) })
    }

    /// Bilinear sampling against the formula worked in Double: the weighted mean of the four
    /// neighbours, with paper (0) outside the image.
    @Test func bilinearSamplingMatchesTheFormula() {
        var generator = SplitMix64(seed: 3)
        Self.ring.withUnsafeBufferPointer { image in
            for _ in 0 ..< 2000 {
                let x = generator.nextUnit() * 32 - 2, y = generator.nextUnit() * 32 - 2
                func pixel(_ px: Int, _ py: Int) -> Double {
                    (0 ..< 28).contains(px) && (0 ..< 28).contains(py) ? Double(Self.ring[py * 28 + px]) / 255 : 0
                }
                let (x0, y0) = (Int(x.rounded(.down)), Int(y.rounded(.down)))
                let (fx, fy) = (x - Double(x0), y - Double(y0))
                let expected =
                    (1 - fy) * ((1 - fx) * pixel(x0, y0) + fx * pixel(x0 + 1, y0))
                    + fy * ((1 - fx) * pixel(x0, y0 + 1) + fx * pixel(x0 + 1, y0 + 1))
                let sampled = DigitDistorter.bilinear(image.baseAddress!, x: Float(x), y: Float(y))
                #expect(abs(Double(sampled) - expected) < 1e-5, "at (\(x), \(y))")
            }
        }
    }

    /// The elastic field's basis reproduces the covariance of Gaussian-smoothed white noise along
    /// one axis (the Gaussian's autocorrelation, computed here directly) to 1e-4 of its peak.
    @Test(arguments: [4.0, 5.5, 8.0])
    func theElasticBasisHasTheSmoothedNoisesCovariance(sigma: Double) {
        let (basis, rank) = DigitDistorter.elasticBasis(sigma: sigma)
        #expect(rank >= 3 && rank <= 12)
        let radius = Int((4 * sigma).rounded(.up))
        let kernel = (-radius ... radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = kernel.reduce(0, +)
        // Σ over all noise cells t of g(t − a)·g(t − b).
        func covariance(_ a: Int, _ b: Int) -> Double {
            (-radius - 28 ... radius + 28).reduce(0.0) { sum, t in
                let (i, j) = (t - a + radius, t - b + radius)
                guard kernel.indices.contains(i), kernel.indices.contains(j) else { return sum }
                return sum + kernel[i] * kernel[j] / (total * total)
            }
        }
        let peak = covariance(0, 0)
        for a in 0 ..< 28 {
            for b in 0 ..< 28 {
                let product = (0 ..< rank).reduce(0.0) { $0 + Double(basis[a * rank + $1] * basis[b * rank + $1]) }
                #expect(abs(product - covariance(a, b)) < 1e-4 * peak, "K[\(a)][\(b)]")
            }
        }
    }

    /// Simard's α = 34 with σ = 5.5 moves pixels by about one pixel: the field's deviation is
    /// α·√(1/3)·K[0][0], measured over many fields.
    @Test func elasticDisplacementsHaveTheExpectedSize() {
        let distorter = DigitDistorter(settings: Self.settings([.elastic: 34, .sigma: 5.5]))
        var draw = DigitDistorter.Draw(generator: SplitMix64(seed: 5))
        var sumOfSquares = 0.0
        let fields = 400
        for _ in 0 ..< fields {
            sumOfSquares += distorter.referenceElasticField(draw: &draw).reduce(0.0) { $0 + Double($1 * $1) }
        }
        let measured = (sumOfSquares / Double(fields * 784)).squareRoot()
        let (basis, rank) = DigitDistorter.elasticBasis(sigma: 5.5)
        let diagonal = (0 ..< 28).map { a in
            (0 ..< rank).reduce(0.0) { $0 + Double(basis[a * rank + $1] * basis[a * rank + $1]) }
        }
        let expected = 34 * (1.0 / 3).squareRoot() * diagonal.reduce(0, +) / 28
        #expect(abs(measured - expected) < 0.08 * expected, "\(measured) vs \(expected)")
        #expect(measured > 0.7 && measured < 1.3)
    }

    /// Rotation, scaling and shear turn about the middle of the field and keep the ink: a centred
    /// digit's centre of mass stays within a pixel of the middle, and its mass within 35% (the
    /// scaling changes the area by up to ±32%).
    @Test func affineMapsKeepACentredDigitCentredAndItsInk() {
        let distorter = DigitDistorter(settings: Self.settings([.rotate: 15, .scale: 0.15, .shear: 0.15]))
        let mass = Self.mass(Self.ring.map { Float($0) / 255 })
        for index in 0 ..< 50 {
            var generator = DigitDistorter.generator(seed: 1, epoch: 1, index: index)
            let output = distorter.distorted(Self.ring, generator: &generator)
            let total = Self.mass(output)
            let centreX = output.indices.reduce(Float(0)) { $0 + Float($1 % 28) * output[$1] } / total
            let centreY = output.indices.reduce(Float(0)) { $0 + Float($1 / 28) * output[$1] } / total
            #expect(abs(centreX - 13.5) < 1 && abs(centreY - 13.5) < 1)
            #expect(abs(total - mass) < 0.35 * mass)
        }
    }

    @Test func aShiftMovesTheCentreOfMassByUpToTheShift() {
        let distorter = DigitDistorter(settings: Self.settings([.shift: 2]))
        var largest: Float = 0
        for index in 0 ..< 100 {
            var generator = DigitDistorter.generator(seed: 2, epoch: 1, index: index)
            let output = distorter.distorted(Self.ring, generator: &generator)
            let total = Self.mass(output)
            let centreX = output.indices.reduce(Float(0)) { $0 + Float($1 % 28) * output[$1] } / total
            #expect(abs(centreX - 13.5) <= 2.05)
            largest = max(largest, abs(centreX - 13.5))
        }
        #expect(largest > 1.5)
    }

    /// A full dilation turns one pixel into its 3×3 neighbourhood; a full erosion turns a 3×3
    /// square back into its middle pixel; half of either goes halfway.
    @Test func strokesThickenAndThinByTheirFraction() {
        var image = [Float](repeating: 0, count: 784)
        var spare = [Float](repeating: 0, count: 784)
        image[10 * 28 + 10] = 1
        DigitDistorter.changeStrokes(&image, by: 1, spare: &spare)
        let square = (9 ... 11).flatMap { y in (9 ... 11).map { y * 28 + $0 } }
        #expect(image.indices.allSatisfy { image[$0] == (square.contains($0) ? 1 : 0) })
        DigitDistorter.changeStrokes(&image, by: -1, spare: &spare)
        #expect(image.indices.allSatisfy { image[$0] == ($0 == 10 * 28 + 10 ? 1 : 0) })
        DigitDistorter.changeStrokes(&image, by: 0.5, spare: &spare)
        #expect(image[10 * 28 + 11] == 0.5 && image[10 * 28 + 10] == 1 && image[10 * 28 + 12] == 0)
    }

    /// The blur keeps the ink of a digit away from the border and spreads a point with the
    /// requested variance along each axis.
    @Test func blurKeepsInkAndSpreadsAPointBySigmaSquared() {
        var image = [Float](repeating: 0, count: 784)
        var spare = [Float](repeating: 0, count: 784)
        image[14 * 28 + 14] = 1
        DigitDistorter.blur(&image, sigma: 0.6, spare: &spare)
        #expect(abs(Self.mass(image) - 1) < 1e-6)
        let variance = image.indices.reduce(Float(0)) { $0 + image[$1] * Float(($1 % 28 - 14) * ($1 % 28 - 14)) }
        #expect(abs(variance - 0.36) < 1e-5)
    }

    @Test func noiseHasTheRequestedDeviationAndStaysInRange() {
        var image = [Float](repeating: 0.5, count: 784)
        var generator = SplitMix64(seed: 8)
        let scale: (Float) -> Float = { $0 * (6 as Float).squareRoot() / 65536 }
        var sumOfSquares: Float = 0
        for _ in 0 ..< 20 {
            var noisy = image
            DigitDistorter.addNoise(&noisy, scale: scale(0.1), generator: &generator)
            sumOfSquares += noisy.reduce(0) { $0 + ($1 - 0.5) * ($1 - 0.5) }
        }
        let deviation = (sumOfSquares / Float(20 * 784)).squareRoot()
        #expect(abs(deviation - 0.1) < 0.005, "\(deviation)")
        image = [Float](repeating: 0, count: 784)
        DigitDistorter.addNoise(&image, scale: scale(0.5), generator: &generator)
        #expect(image.allSatisfy { (0 ... 1).contains($0) })
    }

    @Test func strengthsOutOfBoundsAreNamed() {
        var settings = Augmentation()
        #expect(settings.strengthOutOfBounds == nil)
        settings.rotationDegrees = 200
        #expect(settings.strengthOutOfBounds == .rotate)
        settings.rotationDegrees = 10
        settings.elasticSigma = .nan
        #expect(settings.strengthOutOfBounds == .sigma)
        var configuration = TrainingConfiguration()
        configuration.augmentation = settings
        #expect(
            throws: ConfigurationProblem(setting: .augmentation, requirement: "sigma must be pixels between 1 and 14")
        ) {
            try configuration.validate()
        }
    }
}
