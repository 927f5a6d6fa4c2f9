import Testing
import Foundation
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

/// Each update rule written out in Double, element by element, as its documentation states it:
/// the reference the kernels and `Optimizer.step` are held to.
func referenceUpdate(
    weight w: Double, moment m: Double, square s: Double, gradient g: Double, rule: UpdateRule
) -> (weight: Double, moment: Double, square: Double) {
    switch rule {
    case let .momentum(rate, momentum, decay):
        let v = Double(momentum) * m + (g + Double(decay) * w)
        return (w - Double(rate) * v, v, s)
    case let .nesterov(rate, momentum, decay):
        let d = g + Double(decay) * w
        let v = Double(momentum) * m + d
        return (w - Double(rate) * (d + Double(momentum) * v), v, s)
    case let .adam(rate, beta1, beta2, epsilon, decay, decoupled, step):
        let (b1, b2, eta, lambda) = (Double(beta1), Double(beta2), Double(rate), Double(decay))
        let d = decoupled ? g : g + lambda * w
        let first = b1 * m + (1 - b1) * d
        let second = b2 * s + (1 - b2) * d * d
        let corrected = first / (1 - pow(b1, Double(step)))
        let root = (second / (1 - pow(b2, Double(step)))).squareRoot()
        let shrunk = decoupled ? w * (1 - eta * lambda) : w
        return (shrunk - eta * corrected / (root + Double(epsilon)), first, second)
    }
}

/// Every rule `Optimizer.Settings` makes, at a step where Adam's bias corrections still matter.
let everyRule: [UpdateRule] = Optimizer.Method.allCases.map {
    Optimizer.Settings(method: $0, momentum: 0.9, weightDecay: 0.01).rule(learningRate: 0.05, step: 3, decayed: true)
}

@Suite struct OptimizerTests {
    @Test func momentumAccumulatesVelocityInPyTorchForm() {
        var parameters: [Float] = [1, 1]
        var velocity: [Float] = [0, 0]
        var unused: [Float] = [0, 0]
        let gradient: [Float] = [1, -2]
        for _ in 0 ..< 2 {
            Optimizer.update(
                parameters: &parameters, moments: &velocity, squares: &unused, gradient: gradient,
                rule: .momentum(learningRate: 0.1, momentum: 0.9, weightDecay: 0))
        }
        // v1 = g, v2 = 0.9·g + g = 1.9·g; w = 1 − 0.1·(1 + 1.9)·g.
        #expect(abs(velocity[0] - 1.9) < 1e-6 && abs(velocity[1] + 3.8) < 1e-6)
        #expect(abs(parameters[0] - 0.71) < 1e-6 && abs(parameters[1] - 1.58) < 1e-6)
        #expect(unused == [0, 0])
    }

    @Test func weightDecayIsAddedToTheGradient() {
        var parameters: [Float] = [2]
        var velocity: [Float] = [0]
        var unused: [Float] = [0]
        Optimizer.update(
            parameters: &parameters, moments: &velocity, squares: &unused, gradient: [0.75],
            rule: .momentum(learningRate: 1, momentum: 0, weightDecay: 0.1))
        #expect(abs(parameters[0] - (2 - (0.75 + 0.2))) < 1e-6)
    }

    @Test func nesterovStepsAlongTheGradientPlusTheNewVelocity() {
        // v = 0.9·1 + 2 = 2.9; w = 1 − 0.1·(2 + 0.9·2.9) = 0.539.
        var parameters: [Float] = [1]
        var velocity: [Float] = [1]
        var unused: [Float] = [0]
        Optimizer.update(
            parameters: &parameters, moments: &velocity, squares: &unused, gradient: [2],
            rule: .nesterov(learningRate: 0.1, momentum: 0.9, weightDecay: 0))
        #expect(abs(velocity[0] - 2.9) < 1e-6 && abs(parameters[0] - 0.539) < 1e-6)
    }

    @Test func adamsFirstStepIsTheLearningRateAgainstTheGradientsSign() {
        // At step 1 the bias corrections undo the moments' decay: m̂ = g and √ŝ = |g|, so every
        // parameter moves by η (less ε's share) against its gradient, whatever its size.
        var parameters: [Float] = [1, 1, 1]
        var moments: [Float] = [0, 0, 0]
        var squares: [Float] = [0, 0, 0]
        Optimizer.update(
            parameters: &parameters, moments: &moments, squares: &squares, gradient: [0.001, -3, 50],
            rule: .adam(
                learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, decoupled: false, step: 1))
        #expect(parameters.map { abs($0 - 1) }.allSatisfy { abs($0 - 0.01) < 1e-5 })
        #expect(parameters[0] < 1 && parameters[1] > 1 && parameters[2] < 1)
        #expect(abs(moments[1] - -0.3) < 1e-6 && abs(squares[1] - 0.009) < 1e-6)
    }

    @Test func adamWDecaysTheWeightApartFromTheGradient() {
        // With a zero gradient Adam's step is 0, so only the decoupled decay moves the weight:
        // w ← (1 − η·λ)·w. Adam's coupled decay instead becomes a gradient, and a step of η.
        var decoupled: [Float] = [2]
        var coupled: [Float] = [2]
        var moments: [Float] = [0], squares: [Float] = [0]
        Optimizer.update(
            parameters: &decoupled, moments: &moments, squares: &squares, gradient: [0],
            rule: .adam(
                learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.5, decoupled: true, step: 1))
        #expect(abs(decoupled[0] - 2 * (1 - 0.05)) < 1e-6 && moments == [0])
        moments = [0]
        squares = [0]
        Optimizer.update(
            parameters: &coupled, moments: &moments, squares: &squares, gradient: [0],
            rule: .adam(
                learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.5, decoupled: false, step: 1)
        )
        #expect(abs(coupled[0] - 1.9) < 1e-6)
    }

    /// One step of each method on a tiny network, by hand: every weight and bias against the
    /// rule written out in Double (weights decayed, biases not), twice, so the second step
    /// starts from the moments and step count the first left.
    @Test(arguments: Optimizer.Method.allCases)
    func stepUpdatesATinyNetworkAsTheRuleSays(method: Optimizer.Method) {
        var generator = SplitMix64(seed: 12)
        var model = MLP(inputCount: 3, hidden: [2], outputCount: 2, activation: .relu, generator: &generator)
        var optimizer = Optimizer(for: model, method: method, momentum: 0.8, weightDecay: 0.1)
        for step in 1 ... 2 {
            let gradients = model.layers.map { layer in
                var g = Dense.Gradients(for: layer)
                for i in g.weight.storage.indices { g.weight.storage[i] = Float(i + step) * 0.25 - 0.5 }
                for i in g.bias.storage.indices { g.bias.storage[i] = 0.3 - Float(i) * Float(step) * 0.2 }
                return g
            }
            let before = (model, optimizer)
            optimizer.step(&model, gradients: gradients, learningRate: 0.05)
            #expect(optimizer.steps == step)
            for l in model.layers.indices {
                for (decayed, path) in [(true, \Dense.Gradients.weight), (false, \Dense.Gradients.bias)] {
                    let rule = optimizer.settings.rule(learningRate: 0.05, step: step, decayed: decayed)
                    let parameters = decayed ? \Dense.weight : \Dense.bias
                    for i in gradients[l][keyPath: path].storage.indices {
                        let expected = referenceUpdate(
                            weight: Double(before.0.layers[l][keyPath: parameters].storage[i]),
                            moment: Double(before.1.velocities[l][keyPath: path].storage[i]),
                            square: Double(before.1.squares[l][keyPath: path].storage[i]),
                            gradient: Double(gradients[l][keyPath: path].storage[i]), rule: rule)
                        #expect(abs(Double(model.layers[l][keyPath: parameters].storage[i]) - expected.weight) < 1e-6)
                        #expect(abs(Double(optimizer.velocities[l][keyPath: path].storage[i]) - expected.moment) < 1e-6)
                        #expect(abs(Double(optimizer.squares[l][keyPath: path].storage[i]) - expected.square) < 1e-6)
                    }
                }
            }
        }
    }
}

/// Polyak averaging in the plain step: the average starts as the model and follows it.
@Suite struct WeightAveragingTests {
    @Test func theAverageFollowsTheWeightsByItsDecay() throws {
        var generator = SplitMix64(seed: 3)
        var model = MLP(inputCount: 2, hidden: [], outputCount: 2, activation: .relu, generator: &generator)
        let start = model
        var settings = Optimizer.Settings(method: .sgd, momentum: 0)
        settings.averaging = 0.75
        var optimizer = Optimizer(for: model, settings: settings)
        #expect(optimizer.averagedModel == start)
        var gradients = [Dense.Gradients(for: model.layers[0])]
        gradients[0].weight.fill(1)
        gradients[0].bias.fill(-2)
        var expected = start.layers[0].weight.storage.map(Double.init)
        var expectedBias = start.layers[0].bias.storage.map(Double.init)
        for _ in 0 ..< 2 {
            optimizer.step(&model, gradients: gradients, learningRate: 0.5)
            // Plain SGD moves every weight by −0.5 and every bias by +1 a step.
            for i in expected.indices {
                expected[i] = 0.75 * expected[i] + 0.25 * Double(model.layers[0].weight.storage[i])
            }
            for i in expectedBias.indices {
                expectedBias[i] = 0.75 * expectedBias[i] + 0.25 * Double(model.layers[0].bias.storage[i])
            }
        }
        let average = try #require(optimizer.averagedModel)
        // Two steps in, the weights are 1 below where they began and the average
        // 0.75·0.125 + 0.25·1 = 0.34375 below.
        for i in expected.indices {
            #expect(abs(Double(average.layers[0].weight.storage[i]) - expected[i]) < 1e-6)
            #expect(
                abs(Double(average.layers[0].weight.storage[i]) - (Double(start.layers[0].weight.storage[i]) - 0.34375))
                    < 1e-6)
        }
        for i in expectedBias.indices {
            #expect(abs(Double(average.layers[0].bias.storage[i]) - expectedBias[i]) < 1e-6)
        }
        #expect(Optimizer(for: model, momentum: 0.9).averagedModel == nil)
    }
}

/// The update kernel at every instruction-set level, for every rule, on blocks with row strides
/// and odd widths (vector bodies and scalar tails), against the rule written out in Double; the
/// moving average of the weights follows each step.
@Suite struct OptimizerKernelTests {
    @Test(arguments: KernelLevel.supported, everyRule)
    func everyLevelAppliesTheRuleToTheBlockOnly(level: String, rule: UpdateRule) throws {
        try #require(KernelLevel.force(level))
        defer { KernelLevel.force(nil) }
        var generator = SplitMix64(seed: 31)
        for (rows, cols, ldw, ldg) in [
            (1, 1, 1, 1), (3, 37, 40, 37), (5, 16, 16, 20), (2, 131, 150, 131), (1, 1000, 1000, 1000),
        ] {
            let count = rows * ldw
            let w0 = (0 ..< count).map { _ in Float.random(in: -1 ..< 1, using: &generator) }
            let m0 = (0 ..< count).map { _ in Float.random(in: -1 ..< 1, using: &generator) }
            let s0 = (0 ..< count).map { _ in Float.random(in: 0 ..< 1, using: &generator) }
            let a0 = (0 ..< count).map { _ in Float.random(in: -1 ..< 1, using: &generator) }
            let g = (0 ..< rows * ldg).map { _ in Float.random(in: -1 ..< 1, using: &generator) }
            var (w, m, s, a) = (w0, m0, s0, a0)
            w.withUnsafeMutableBufferPointer { w in
                m.withUnsafeMutableBufferPointer { m in
                    s.withUnsafeMutableBufferPointer { s in
                        a.withUnsafeMutableBufferPointer { a in
                            g.withUnsafeBufferPointer { g in
                                Kernels.optimizerUpdate(
                                    weights: w.baseAddress!, moments: m.baseAddress!,
                                    squares: rule.usesSecondMoments ? s.baseAddress! : nil, stride: ldw,
                                    gradient: g.baseAddress!, gradientStride: ldg, rows: rows, columns: cols,
                                    rule: rule, averaging: (a.baseAddress!, 0.9))
                            }
                        }
                    }
                }
            }
            for r in 0 ..< rows {
                for j in 0 ..< ldw {
                    let i = r * ldw + j
                    guard j < cols else {
                        // Outside the block: untouched.
                        #expect(w[i] == w0[i] && m[i] == m0[i] && s[i] == s0[i] && a[i] == a0[i])
                        continue
                    }
                    let expected = referenceUpdate(
                        weight: Double(w0[i]), moment: Double(m0[i]), square: Double(s0[i]),
                        gradient: Double(g[r * ldg + j]), rule: rule)
                    // The average follows the weights just written.
                    let average = 0.9 * Double(a0[i]) + 0.1 * Double(w[i])
                    #expect(
                        abs(Double(w[i]) - expected.weight) < 1e-6 && abs(Double(m[i]) - expected.moment) < 1e-6
                            && abs(Double(s[i]) - expected.square) < 1e-6 && abs(Double(a[i]) - average) < 1e-6,
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
            (.averaging, { $0.averaging = 1 }), (.averaging, { $0.averaging = .nan }),
            (.dropout, { $0.dropout = Dropout(hidden: 1) }), (.inputDropout, { $0.dropout = Dropout(input: .nan) }),
            (.dropout, { ($0.dropout, $0.activation) = (Dropout(hidden: 0.5), .sigmoid) }),
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
