import DigitsTensor
import Foundation
import Testing

@testable import DigitsReading

/// The lattice's best reading, loss and gradient, each against every path listed one by one.
@Suite struct ReadingLatticeTests {
    /// A path through a lattice, listed by brute force: the candidates it reads, their digits and
    /// its score.
    struct Path {
        var candidates: [Int]
        var digits: [Int]
        var score: Double
    }

    /// Every reading of `lattice`, by trying every edge from every node.
    static func paths(of lattice: ReadingLattice, from node: Int = 0) -> [Path] {
        guard node < lattice.partCount else { return [Path(candidates: [], digits: [], score: 0)] }
        var found: [Path] = []
        if let cost = lattice.markCosts[node] {
            found += paths(of: lattice, from: node + 1).map {
                Path(candidates: $0.candidates, digits: $0.digits, score: $0.score - cost)
            }
        }
        for (index, candidate) in lattice.candidates.enumerated() where candidate.parts.lowerBound == node {
            for rest in paths(of: lattice, from: candidate.parts.upperBound) {
                found.append(
                    Path(
                        candidates: [index] + rest.candidates, digits: [candidate.digit] + rest.digits,
                        score: candidate.score + rest.score))
            }
        }
        return found
    }

    /// A lattice of five parts with candidates of one to three parts (some left out, some twice
    /// with different digits), each read as a random digit of 0…2 (so that different paths read
    /// the same digits) at a random score, and some parts small enough to be left unread.
    static func randomLattice(seed: UInt64) -> ReadingLattice {
        var generator = SplitMix64(seed: seed)
        var candidates: [ReadingLattice.Candidate] = []
        for end in 1 ... 5 {
            for start in stride(from: end - 1, through: max(0, end - 3), by: -1)
            where start == end - 1 || generator.nextUnit() < 0.6 {
                for _ in 0 ..< (generator.nextUnit() < 0.3 ? 2 : 1) {
                    candidates.append(
                        ReadingLattice.Candidate(
                            parts: start ..< end, digit: generator.nextIndex(below: 3),
                            score: 4 * generator.nextUnit() - 3))
                }
            }
        }
        let markCosts: [Double?] = (0 ..< 5).map { _ in generator.nextUnit() < 0.4 ? 0.5 : nil }
        return ReadingLattice(partCount: 5, candidates: candidates, markCosts: markCosts)
    }

    static func logSumExp(_ values: [Double]) -> Double {
        let largest = values.max()!
        return largest + log(values.reduce(0) { $0 + exp($1 - largest) })
    }

    @Test("the best reading is the path of highest score")
    func bestIsTheHighestPath() throws {
        for seed: UInt64 in 1 ... 20 {
            let lattice = Self.randomLattice(seed: seed)
            let best = try #require(Self.paths(of: lattice).max { $0.score < $1.score })
            let found = lattice.best()
            #expect(abs(found.score - best.score) < 1e-12)
            #expect(found.candidates == best.candidates)
        }
    }

    @Test("a small mark is left unread only when that costs less than reading it; ties go to the mark")
    func marksLeftUnread() {
        // Two parts: a 0, then a dot read as a 7 or left unread for 0.5 nats.
        var lattice = ReadingLattice(
            partCount: 2,
            candidates: [
                ReadingLattice.Candidate(parts: 0 ..< 1, digit: 0, score: -0.1),
                ReadingLattice.Candidate(parts: 1 ..< 2, digit: 7, score: -2),
            ],
            markCosts: [nil, 0.5])
        #expect(lattice.best().candidates == [0])
        lattice.candidates[1].score = -0.4
        #expect(lattice.best().candidates == [0, 1])
        lattice.candidates[1].score = -0.5
        #expect(lattice.best().candidates == [0])
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
            // Each candidate's probability: the share of the readings (of all, or of the right
            // ones) that read it.
            func probabilities(_ among: [Path], _ logTotal: Double) -> [Double] {
                var shares = [Double](repeating: 0, count: lattice.candidates.count)
                for path in among {
                    for index in path.candidates { shares[index] += exp(path.score - logTotal) }
                }
                return shares
            }
            let expected = zip(probabilities(paths, logAll), probabilities(right, logRight)).map { $0 - $1 }
            for index in lattice.candidates.indices {
                #expect(abs(gradient[index] - expected[index]) < 1e-9)
            }
        }
    }

    @Test("the gradient is the loss's slope: a finite difference of one score agrees")
    func gradientIsTheSlope() throws {
        let lattice = Self.randomLattice(seed: 3)
        let truth = Self.paths(of: lattice).last!.digits
        let (_, gradient) = try #require(lattice.readingLoss(of: truth))
        for index in [0, 1, lattice.candidates.count - 1] {
            var up = lattice
            var down = lattice
            up.candidates[index].score += 1e-5
            down.candidates[index].score -= 1e-5
            let slope =
                try (#require(up.readingLoss(of: truth)).loss - #require(down.readingLoss(of: truth)).loss) / 2e-5
            #expect(abs(slope - gradient[index]) < 1e-6)
        }
    }

    @Test("digits no reading can give have no loss")
    func unreachableDigits() {
        let lattice = Self.randomLattice(seed: 4)
        // Five parts cannot hold six digits.
        #expect(lattice.readingLoss(of: [1, 2, 3, 4, 5, 6]) == nil)
    }
}
