import Testing
import DigitsKit

@Suite struct LearningRateScheduleTests {
    @Test func warmupRisesLinearlyToThePeak() {
        let schedule = LearningRateSchedule(
            peak: 0.1, warmupSteps: 4, decay: .constant, totalSteps: 10, stepsPerEpoch: 5)
        let rates = (0 ..< 5).map { schedule.rate(atStep: $0) }
        for (rate, expected) in zip(rates, [0.025, 0.05, 0.075, 0.1, 0.1]) {
            #expect(abs(rate - expected) < 1e-12)
        }
    }

    @Test func cosineDecaysFromPeakToZero() {
        let schedule = LearningRateSchedule(
            peak: 0.2, warmupSteps: 0, decay: .cosine, totalSteps: 100, stepsPerEpoch: 10)
        #expect(schedule.rate(atStep: 0) == 0.2)
        #expect(abs(schedule.rate(atStep: 50) - 0.1) < 1e-12)
        // The last step still learns a little; the rate would reach 0 one step after the run.
        #expect(schedule.rate(atStep: 99) > 0 && schedule.rate(atStep: 99) < 1e-3)
        #expect(schedule.rate(atStep: 100) < 1e-12)
    }

    @Test func stepDecayMultipliesEveryFewEpochs() {
        let schedule = LearningRateSchedule(
            peak: 1, warmupSteps: 0, decay: .step(everyEpochs: 2, factor: 0.5),
            totalSteps: 60, stepsPerEpoch: 10)
        #expect(schedule.rate(atStep: 19) == 1)
        #expect(schedule.rate(atStep: 20) == 0.5)
        #expect(schedule.rate(atStep: 45) == 0.25)
    }
}

@Suite struct SGDTests {
    @Test func momentumAccumulatesVelocityInPyTorchForm() {
        var parameters: [Float] = [1, 1]
        var velocity: [Float] = [0, 0]
        let gradient: [Float] = [1, -2]
        for _ in 0 ..< 2 {
            SGD.update(
                parameters: &parameters, velocity: &velocity, gradient: gradient,
                learningRate: 0.1, momentum: 0.9, weightDecay: 0)
        }
        // v1 = g, v2 = 0.9·g + g = 1.9·g; w = 1 − 0.1·(1 + 1.9)·g.
        #expect(abs(velocity[0] - 1.9) < 1e-6 && abs(velocity[1] + 3.8) < 1e-6)
        #expect(abs(parameters[0] - 0.71) < 1e-6 && abs(parameters[1] - 1.58) < 1e-6)
    }

    @Test func weightDecayIsAddedToTheGradient() {
        var parameters: [Float] = [2]
        var velocity: [Float] = [0]
        SGD.update(
            parameters: &parameters, velocity: &velocity, gradient: [0.75], learningRate: 1, momentum: 0,
            weightDecay: 0.1)
        #expect(abs(parameters[0] - (2 - (0.75 + 0.2))) < 1e-6)
    }
}

/// The SGD kernel at every instruction-set level, on blocks with row strides and odd widths
/// (vector bodies and scalar tails), against the update rule written out in Swift.
@Suite struct SGDKernelTests {
    @Test(arguments: KernelLevel.supported)
    func everyLevelAppliesTheRuleToTheBlockOnly(level: String) throws {
        try #require(KernelLevel.force(level))
        defer { KernelLevel.force(nil) }
        var generator = SplitMix64(seed: 31)
        for (rows, cols, ldw, ldg) in [
            (1, 1, 1, 1), (3, 37, 40, 37), (5, 16, 16, 20), (2, 131, 150, 131), (1, 1000, 1000, 1000),
        ] {
            let count = rows * ldw
            let w0 = (0 ..< count).map { _ in Float.random(in: -1 ..< 1, using: &generator) }
            let v0 = (0 ..< count).map { _ in Float.random(in: -1 ..< 1, using: &generator) }
            let g = (0 ..< rows * ldg).map { _ in Float.random(in: -1 ..< 1, using: &generator) }
            var (w, v) = (w0, v0)
            w.withUnsafeMutableBufferPointer { w in
                v.withUnsafeMutableBufferPointer { v in
                    g.withUnsafeBufferPointer { g in
                        SGD.update(
                            parameters: w.baseAddress!, velocity: v.baseAddress!, stride: ldw,
                            gradient: g.baseAddress!, gradientStride: ldg, rows: rows, columns: cols,
                            learningRate: 0.05, momentum: 0.9, weightDecay: 0.01)
                    }
                }
            }
            for r in 0 ..< rows {
                for j in 0 ..< ldw {
                    let i = r * ldw + j
                    guard j < cols else {
                        // Outside the block: untouched.
                        #expect(w[i] == w0[i] && v[i] == v0[i])
                        continue
                    }
                    let velocity = 0.9 * Double(v0[i]) + Double(g[r * ldg + j]) + 0.01 * Double(w0[i])
                    let weight = Double(w0[i]) - 0.05 * velocity
                    #expect(
                        abs(Double(v[i]) - velocity) < 1e-6 && abs(Double(w[i]) - weight) < 1e-6,
                        "\(level) \(rows)×\(cols) at (\(r), \(j))")
                }
            }
        }
    }
}

@Suite struct RandomTests {
    @Test func sameSeedGivesSameSequence() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42), c = SplitMix64(seed: 43)
        let first = (0 ..< 5).map { _ in a.next() }
        #expect(first == (0 ..< 5).map { _ in b.next() })
        #expect(first != (0 ..< 5).map { _ in c.next() })
    }

    @Test func shuffleIsAPermutationAndDeterministic() {
        var g1 = SplitMix64(seed: 1), g2 = SplitMix64(seed: 1)
        var x = Array(0 ..< 100), y = Array(0 ..< 100)
        x.deterministicShuffle(using: &g1)
        y.deterministicShuffle(using: &g2)
        #expect(x == y)
        #expect(x != Array(0 ..< 100))
        #expect(x.sorted() == Array(0 ..< 100))
    }

    @Test func normalSamplesHaveTheRequestedMoments() {
        var g = SplitMix64(seed: 9)
        let samples = (0 ..< 20000).map { _ in g.nextNormal(mean: 1, standardDeviation: 2) }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(samples.count)
        #expect(abs(mean - 1) < 0.05)
        #expect(abs(variance.squareRoot() - 2) < 0.05)
    }
}

@Suite struct ConfigurationValidationTests {
    @Test func theDefaultsAreValid() throws {
        try TrainingConfiguration().validate()
    }

    @Test func eachSettingOutOfBoundsIsNamed() {
        let cases: [(ConfigurationProblem.Setting, (inout TrainingConfiguration) -> Void)] = [
            (.epochs, { $0.epochs = 0 }), (.batchSize, { $0.batchSize = 60_001 }),
            (.learningRate, { $0.learningRate = .nan }), (.momentum, { $0.momentum = 1 }),
            (.weightDecay, { $0.weightDecay = -1 }), (.warmup, { $0.warmupEpochs = 1e308 }),
            (.stepEvery, { $0.decay = .step(everyEpochs: 0, factor: 0.5) }),
            (.stepFactor, { $0.decay = .step(everyEpochs: 1, factor: 2) }), (.threads, { $0.threads = 100_000 }),
            (.hidden, { $0.hidden = [0] }), (.labelSmoothing, { $0.labelSmoothing = 1 }),
            (.labelSmoothing, { $0.labelSmoothing = -0.1 }),
            (.labelSmoothing, { ($0.labelSmoothing, $0.loss) = (0.1, .meanSquaredError) }),
        ]
        for (setting, edit) in cases {
            var configuration = TrainingConfiguration()
            edit(&configuration)
            #expect(throws: ConfigurationProblem.self) { try configuration.validate() }
            do {
                try configuration.validate()
            } catch {
                #expect(error.setting == setting, "\(error)")
                #expect(error.description.hasPrefix(setting.name), "\(error)")
            }
        }
    }
}
