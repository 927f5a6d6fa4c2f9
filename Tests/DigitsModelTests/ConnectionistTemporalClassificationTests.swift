import DigitsKit
import Foundation
import Testing

/// The CTC loss sums the probability of every path that reads a string; these pin it to that sum
/// written out path by path, its gradient to the loss's slope, and best-path decoding to its rule.
@Suite struct ConnectionistTemporalClassificationTests {
    typealias CTC = ConnectionistTemporalClassification

    static func logits(frames: Int, classes: Int, seed: UInt64) -> [Float] {
        var generator = SplitMix64(seed: seed)
        return (0 ..< frames * classes).map { _ in Float(generator.nextNormal()) * 1.5 }
    }

    /// What a path reads: runs merged, blanks dropped.
    static func reading(of path: [Int], blank: Int) -> [Int] {
        var read: [Int] = []
        var previous = blank
        for label in path {
            if label != blank && label != previous { read.append(label) }
            previous = label
        }
        return read
    }

    /// −log of the summed probability of every path that reads `labels`, by enumerating them all.
    static func bruteForceLoss(logits: [Float], frames: Int, classes: Int, blank: Int, labels: [Int]) -> Double {
        let probabilities = (0 ..< frames).map { t -> [Double] in
            let row = (0 ..< classes).map { Double(logits[t * classes + $0]) }
            let total = row.reduce(0) { $0 + exp($1) }
            return row.map { exp($0) / total }
        }
        var total = 0.0
        var path = [Int](repeating: 0, count: frames)
        for code in 0 ..< Int(pow(Double(classes), Double(frames))) {
            var rest = code
            for t in 0 ..< frames {
                path[t] = rest % classes
                rest /= classes
            }
            guard reading(of: path, blank: blank) == labels else { continue }
            total += (0 ..< frames).reduce(1.0) { $0 * probabilities[$1][path[$1]] }
        }
        return -log(total)
    }

    @Test("the loss is −log of the summed probability of every path that reads the labels")
    func lossIsTheSumOverPaths() throws {
        for (seed, labels) in [(1, [0, 1]), (2, [1, 1]), (3, [0]), (4, [1, 0, 1]), (5, [Int]())] as [(UInt64, [Int])] {
            let logits = Self.logits(frames: 5, classes: 3, seed: seed)
            let loss = try #require(CTC.loss(logits: logits, frames: 5, classes: 3, blank: 2, labels: labels))
            let expected = Self.bruteForceLoss(logits: logits, frames: 5, classes: 3, blank: 2, labels: labels)
            #expect(abs(loss.loss - expected) < 1e-9, "labels \(labels): \(loss.loss) against \(expected)")
        }
    }

    @Test("a string's log-probability from scores is minus its loss, and −∞ where no path reads it")
    func scoresWithoutTheGradient() throws {
        for (seed, labels) in [(1, [0, 1]), (2, [1, 1]), (3, [0]), (4, [1, 0, 1]), (5, [Int]())] as [(UInt64, [Int])] {
            let logits = Self.logits(frames: 5, classes: 3, seed: seed)
            let scores = CTC.Scores(logits: logits, frames: 5, classes: 3, blank: 2)
            let expected = Self.bruteForceLoss(logits: logits, frames: 5, classes: 3, blank: 2, labels: labels)
            #expect(abs(scores.logProbability(of: labels) + expected) < 1e-9, "labels \(labels)")
        }
        let scores = CTC.Scores(logits: Self.logits(frames: 2, classes: 3, seed: 1), frames: 2, classes: 3, blank: 2)
        #expect(scores.logProbability(of: [0, 0]) == -.infinity)
        #expect(scores.logProbability(of: [0, 1, 0]) == -.infinity)
    }

    @Test("every gradient is the slope of the loss")
    func gradientIsTheSlope() throws {
        let (frames, classes, labels) = (7, 11, [3, 3, 5])
        let logits = Self.logits(frames: frames, classes: classes, seed: 9)
        let gradient = try #require(
            CTC.loss(logits: logits, frames: frames, classes: classes, blank: 10, labels: labels)
        )
        .gradient
        for index in logits.indices {
            func loss(_ change: Float) -> Double {
                var changed = logits
                changed[index] += change
                return CTC.loss(logits: changed, frames: frames, classes: classes, blank: 10, labels: labels)!.loss
            }
            let slope = (loss(1e-2) - loss(-1e-2)) / 2e-2
            #expect(
                abs(slope - Double(gradient[index])) < 1e-3,
                "logit \(index): slope \(slope), gradient \(gradient[index])")
        }
    }

    @Test("labels that no path of the frames can read have no loss")
    func tooFewFrames() {
        let logits = Self.logits(frames: 2, classes: 3, seed: 1)
        // Two equal labels need a blank between them: three frames.
        #expect(CTC.loss(logits: logits, frames: 2, classes: 3, blank: 2, labels: [0, 0]) == nil)
        #expect(CTC.loss(logits: logits, frames: 2, classes: 3, blank: 2, labels: [0, 1]) != nil)
    }

    @Test("the best path merges runs and drops blanks, and says which frames each label holds")
    func bestPath() {
        // Frames' likeliest classes: 0 0 blank 0 1 blank blank 1.
        let winners = [0, 0, 2, 0, 1, 2, 2, 1]
        let logits = winners.flatMap { winner in (0 ..< 3).map { $0 == winner ? Float(2) : 0 } }
        let read = CTC.bestPath(logits: logits, frames: 8, classes: 3, blank: 2)
        #expect(read.map(\.label) == [0, 0, 1, 1])
        #expect(read.map(\.frames) == [0 ..< 2, 3 ..< 4, 4 ..< 5, 7 ..< 8])
    }

    /// Every path of `frames` frames over `classes` classes, with its probability.
    static func paths(logits: [Float], frames: Int, classes: Int) -> [(path: [Int], probability: Double)] {
        let probabilities = (0 ..< frames).map { t -> [Double] in
            let row = (0 ..< classes).map { Double(logits[t * classes + $0]) }
            let total = row.reduce(0) { $0 + exp($1) }
            return row.map { exp($0) / total }
        }
        return (0 ..< Int(pow(Double(classes), Double(frames)))).map { code in
            var rest = code
            let path = (0 ..< frames).map { _ in
                defer { rest /= classes }
                return rest % classes
            }
            return (path, (0 ..< frames).reduce(1.0) { $0 * probabilities[$1][path[$1]] })
        }
    }

    /// Sharp logits (ten times as far apart) make labels so unlikely at some frames that the
    /// search skips them; it must still find the same string.
    @Test(
        "beam search with a beam wide enough finds the string whose paths are likeliest together",
        arguments: [Float(1), 10])
    func beamSearchFindsTheLikeliestString(sharpness: Float) {
        for seed in UInt64(1) ... 6 {
            let logits = Self.logits(frames: 6, classes: 3, seed: seed).map { $0 * sharpness }
            var byString: [[Int]: Double] = [:]
            for (path, probability) in Self.paths(logits: logits, frames: 6, classes: 3) {
                byString[Self.reading(of: path, blank: 2), default: 0] += probability
            }
            let likeliest = byString.max { $0.value < $1.value }!.key
            #expect(CTC.beamSearch(logits: logits, frames: 6, classes: 3, blank: 2, beamWidth: 1000) == likeliest)
        }
    }

    @Test("the alignment is the frames of each label on the likeliest path that reads the labels")
    func alignmentIsTheLikeliestPath() throws {
        for (seed, labels) in [(1, [0, 1]), (2, [1, 1]), (3, [0]), (4, [1, 0, 1])] as [(UInt64, [Int])] {
            let logits = Self.logits(frames: 6, classes: 3, seed: seed)
            let best = Self.paths(logits: logits, frames: 6, classes: 3)
                .filter { Self.reading(of: $0.path, blank: 2) == labels }
                .max { $0.probability < $1.probability }!.path
            // The runs of labels on the best path, in order.
            var runs: [Range<Int>] = []
            var previous = 2
            for (t, label) in best.enumerated() {
                if label != 2 && label == previous {
                    runs[runs.count - 1] = runs[runs.count - 1].lowerBound ..< t + 1
                } else if label != 2 {
                    runs.append(t ..< t + 1)
                }
                previous = label
            }
            let alignment = try #require(CTC.alignment(logits: logits, frames: 6, classes: 3, blank: 2, labels: labels))
            #expect(alignment == runs, "labels \(labels)")
        }
        #expect(
            CTC.alignment(
                logits: Self.logits(frames: 2, classes: 3, seed: 1), frames: 2, classes: 3, blank: 2, labels: [0, 0])
                == nil)
    }
}
