import DigitsTensor
import Foundation
import Testing

@testable import DigitsReading

/// The lattice's best reading, loss and gradient, each against every path listed one by one.
@Suite struct ReadingLatticeTests {
    /// A path through a lattice, listed by brute force: its steps and its score.
    struct Path {
        var steps: [ReadingLattice.Step]
        var score: Double
        var digits: [Int] { steps.map(\.digit) }
    }

    /// Every reading of `lattice`, by trying every edge from every node.
    static func paths(of lattice: ReadingLattice, from node: Int = 0) -> [Path] {
        guard node < lattice.partCount else { return [Path(steps: [], score: 0)] }
        var found: [Path] = []
        if let cost = lattice.markCosts[node] {
            found += paths(of: lattice, from: node + 1).map { Path(steps: $0.steps, score: $0.score - cost) }
        }
        for (index, candidate) in lattice.candidates.enumerated() where candidate.parts.lowerBound == node {
            for rest in paths(of: lattice, from: candidate.parts.upperBound) {
                for digit in 0 ..< 10 {
                    found.append(
                        Path(
                            steps: [ReadingLattice.Step(candidate: index, digit: digit)] + rest.steps,
                            score: candidate.scores[digit] + rest.score))
                }
            }
        }
        return found
    }

    /// A lattice of five parts with candidates of one to three parts (some left out) scored at
    /// random, and some parts small enough to be left unread.
    static func randomLattice(seed: UInt64) -> ReadingLattice {
        var generator = SplitMix64(seed: seed)
        var candidates: [ReadingLattice.Candidate] = []
        for end in 1 ... 5 {
            for start in stride(from: end - 1, through: max(0, end - 3), by: -1)
            where start == end - 1 || generator.nextUnit() < 0.6 {
                candidates.append(
                    ReadingLattice.Candidate(
                        parts: start ..< end, scores: (0 ..< 10).map { _ in 4 * generator.nextUnit() - 3 }))
            }
        }
        let markCosts: [Double?] = (0 ..< 5).map { _ in generator.nextUnit() < 0.4 ? 0.5 : nil }
        return ReadingLattice(partCount: 5, candidates: candidates, markCosts: markCosts)
    }

    static func logSumExp(_ values: [Double]) -> Double {
        let largest = values.max()!
        return largest + log(values.reduce(0) { $0 + exp($1 - largest) })
    }

    @Test("the best reading is the path of highest score, each candidate read as its best digit")
    func bestIsTheHighestPath() throws {
        for seed: UInt64 in 1 ... 20 {
            let lattice = Self.randomLattice(seed: seed)
            let best = try #require(Self.paths(of: lattice).max { $0.score < $1.score })
            let found = lattice.best()
            #expect(abs(found.score - best.score) < 1e-12)
            #expect(found.steps == best.steps)
        }
    }

    @Test("a small mark is left unread only when that costs less than reading it; ties go to the mark")
    func marksLeftUnread() {
        // Two parts: a digit, then a dot that may be left unread for 0.5 nats.
        var lattice = ReadingLattice(
            partCount: 2,
            candidates: [
                ReadingLattice.Candidate(parts: 0 ..< 1, scores: [-0.1] + [Double](repeating: -5, count: 9)),
                ReadingLattice.Candidate(parts: 1 ..< 2, scores: [Double](repeating: -2, count: 10)),
            ],
            markCosts: [nil, 0.5])
        #expect(lattice.best().steps == [ReadingLattice.Step(candidate: 0, digit: 0)])
        lattice.candidates[1].scores[7] = -0.4
        #expect(lattice.best().steps.map(\.digit) == [0, 7])
        lattice.candidates[1].scores[7] = -0.5
        #expect(lattice.best().steps.map(\.digit) == [0])
    }

    @Test("the loss is log Σ exp over all readings less over the right ones, and its gradient the steps' probabilities")
    func lossAndGradientMatchEveryPath() throws {
        for seed: UInt64 in 1 ... 20 {
            let lattice = Self.randomLattice(seed: seed)
            let paths = Self.paths(of: lattice)
            // The digits of some path: a reading the lattice can give.
            let truth = paths[Int(seed) * 7919 % paths.count].digits
            let right = paths.filter { $0.digits == truth }
            let logAll = Self.logSumExp(paths.map(\.score))
            let logRight = Self.logSumExp(right.map(\.score))
            let (loss, gradient) = try #require(lattice.readingLoss(of: truth))
            #expect(abs(loss - (logAll - logRight)) < 1e-9)
            // Each step's probability: the share of the readings (of all, or of the right ones)
            // that pass through it.
            func stepProbabilities(_ among: [Path], _ logTotal: Double) -> [[Double]] {
                var table = [[Double]](repeating: [Double](repeating: 0, count: 10), count: lattice.candidates.count)
                for path in among {
                    for step in path.steps { table[step.candidate][step.digit] += exp(path.score - logTotal) }
                }
                return table
            }
            let throughAll = stepProbabilities(paths, logAll)
            let throughRight = stepProbabilities(right, logRight)
            for index in lattice.candidates.indices {
                for digit in 0 ..< 10 {
                    #expect(
                        abs(gradient[index][digit] - (throughAll[index][digit] - throughRight[index][digit])) < 1e-9)
                }
            }
        }
    }

    @Test("the gradient is the loss's slope: a finite difference of one score agrees")
    func gradientIsTheSlope() throws {
        let lattice = Self.randomLattice(seed: 3)
        // Any digits as many as a path reads are some path's reading: here the best's, reversed.
        let truth = Array(lattice.best().steps.map(\.digit).reversed())
        let (_, gradient) = try #require(lattice.readingLoss(of: truth))
        for (index, digit) in [(0, 0), (1, 4), (lattice.candidates.count - 1, 9)] {
            var up = lattice
            var down = lattice
            up.candidates[index].scores[digit] += 1e-5
            down.candidates[index].scores[digit] -= 1e-5
            let slope =
                try (#require(up.readingLoss(of: truth)).loss - #require(down.readingLoss(of: truth)).loss) / 2e-5
            #expect(abs(slope - gradient[index][digit]) < 1e-6)
        }
    }

    @Test("digits no reading can give have no loss")
    func unreachableDigits() {
        let lattice = Self.randomLattice(seed: 4)
        // Five parts cannot hold six digits.
        #expect(lattice.readingLoss(of: [1, 2, 3, 4, 5, 6]) == nil)
    }
}
