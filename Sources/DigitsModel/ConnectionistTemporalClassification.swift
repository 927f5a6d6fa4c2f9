#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Connectionist temporal classification (Graves, Fernández, Gomez & Schmidhuber, ICML 2006):
/// how a network that gives a distribution over labels and a *blank* at every frame of a
/// sequence learns to read a label string of its own length, without being told which frame
/// holds which label.
///
/// A *path* picks one class at every frame; it reads as the string left after merging runs of a
/// repeated class and dropping blanks (so "3 3 blank 3 5 5" reads 3, 3, 5). The probability of a
/// string is the sum of the probabilities of every path that reads it, each the product of its
/// frames' softmax probabilities, and the loss is that sum's negative log. The sum runs over a
/// lattice of the string with a blank before, between and after its labels, forward and backward
/// (the α and β of the paper), in log space so that long sequences do not underflow.
public enum ConnectionistTemporalClassification {
    /// The loss −log P(`labels` | `logits`), in nats, and its gradient with respect to the logits
    /// (the same shape): `logits` holds `frames` rows of `classes` values, row after row, one of
    /// which (`blank`) means "no label here"; `labels` are classes other than `blank`. Nil when no
    /// path of `frames` frames can read `labels` (too many labels, or too many repeats, for the
    /// frames).
    public static func loss(
        logits: [Float], frames: Int, classes: Int, blank: Int, labels: [Int]
    ) -> (loss: Double, gradient: [Float])? {
        precondition(logits.count == frames * classes && frames > 0, "one row of logits per frame")
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classes && $0 != blank }, "labels are classes, not blank")
        let logProbabilities = logSoftmax(logits, classes: classes)
        let states = Self.states(of: labels, blank: blank)
        let count = states.count
        func emission(_ frame: Int, _ state: Int) -> Double { logProbabilities[frame * classes + states[state]] }
        func mayEnterSkipping(_ state: Int) -> Bool { Self.mayEnterSkipping(state, of: states, blank: blank) }
        let forward = Self.forward(logProbabilities, frames: frames, classes: classes, states: states, blank: blank)
        // backward[t·count + s]: log of the probability of frames t…end, from state s at t (its
        // emission included).
        var backward = [Double](repeating: -.infinity, count: frames * count)
        let lastFrame = (frames - 1) * count
        backward[lastFrame + count - 1] = emission(frames - 1, count - 1)
        if count > 1 { backward[lastFrame + count - 2] = emission(frames - 1, count - 2) }
        for t in stride(from: frames - 2, through: 0, by: -1) {
            for s in 0 ..< count {
                let next = (t + 1) * count
                var sum = backward[next + s]
                if s + 1 < count { sum = logSumExp(sum, backward[next + s + 1]) }
                if s + 2 < count && mayEnterSkipping(s + 2) { sum = logSumExp(sum, backward[next + s + 2]) }
                backward[t * count + s] = sum + emission(t, s)
            }
        }
        let logTotal = logSumExp(
            forward[lastFrame + count - 1], count > 1 ? forward[lastFrame + count - 2] : -.infinity)
        guard logTotal > -.infinity else { return nil }

        // dL/dlogit(t, k) = softmax(t, k) − (share of the string's probability through class k at t).
        var gradient = [Float](repeating: 0, count: frames * classes)
        var occupancy = [Double](repeating: 0, count: classes)
        for t in 0 ..< frames {
            for k in 0 ..< classes { occupancy[k] = 0 }
            for s in 0 ..< count {
                // Both α and β count frame t's emission; it is counted once.
                let through = forward[t * count + s] + backward[t * count + s] - emission(t, s) - logTotal
                if through > -.infinity { occupancy[states[s]] += exp(through) }
            }
            for k in 0 ..< classes {
                gradient[t * classes + k] = Float(exp(logProbabilities[t * classes + k]) - occupancy[k])
            }
        }
        return (-logTotal, gradient)
    }

    /// One sequence's frames as log-probabilities, to weigh many strings against: reading a row
    /// tries a string with each of its digits changed, and needs only each string's probability,
    /// not the loss's gradient.
    public struct Scores: Sendable {
        /// softmax of each frame's logits, `frames` rows of `classes`.
        let probabilities: [Double]
        /// The sequence's frames.
        public let frames: Int
        /// Classes per frame, blank included.
        public let classes: Int
        /// The blank class.
        public let blank: Int

        /// The scores of `logits`, `frames` rows of `classes` values (as `loss` reads them).
        public init(logits: [Float], frames: Int, classes: Int, blank: Int) {
            precondition(logits.count == frames * classes && frames > 0, "one row of logits per frame")
            precondition(blank >= 0 && blank < classes, "the blank is a class")
            probabilities = ConnectionistTemporalClassification.logSoftmax(logits, classes: classes).map { exp($0) }
            (self.frames, self.classes, self.blank) = (frames, classes, blank)
        }

        /// log P(`labels` | the frames), in nats: minus `loss`, without its gradient; −∞ when no
        /// path of these frames reads `labels`.
        ///
        /// The forward pass runs on probabilities rather than their logs, each frame's variables
        /// scaled to sum to one and the logs of the scales summed (Rabiner's scaling for hidden
        /// Markov models): a multiply-add per state instead of a log and an exp, so that the
        /// hundreds of strings a row's reading weighs cost little.
        public func logProbability(of labels: [Int]) -> Double {
            precondition(labels.allSatisfy { $0 >= 0 && $0 < classes && $0 != blank }, "labels are classes, not blank")
            let states = ConnectionistTemporalClassification.states(of: labels, blank: blank)
            let count = states.count
            let mayEnterSkipping = states.indices.map {
                ConnectionistTemporalClassification.mayEnterSkipping($0, of: states, blank: blank)
            }
            var current = [Double](repeating: 0, count: count)
            var next = current
            current[0] = probabilities[states[0]]
            if count > 1 { current[1] = probabilities[states[1]] }
            var logScale = 0.0
            for t in 0 ..< frames {
                if t > 0 {
                    let row = t * classes
                    for s in 0 ..< count {
                        var sum = current[s]
                        if s >= 1 { sum += current[s - 1] }
                        if mayEnterSkipping[s] { sum += current[s - 2] }
                        next[s] = sum * probabilities[row + states[s]]
                    }
                    swap(&current, &next)
                }
                let total = current.reduce(0, +)
                guard total > 0 else { return -.infinity }
                for s in 0 ..< count { current[s] /= total }
                logScale += log(total)
            }
            let end = current[count - 1] + (count > 1 ? current[count - 2] : 0)
            return end > 0 ? logScale + log(end) : -.infinity
        }
    }

    /// The lattice's states for `labels`: blank, label 1, blank, label 2, …, blank.
    static func states(of labels: [Int], blank: Int) -> [Int] {
        var states = [blank]
        for label in labels { states += [label, blank] }
        return states
    }

    /// Whether a path may reach `state` straight from two states back, skipping the blank
    /// between two labels: only when they are different labels.
    static func mayEnterSkipping(_ state: Int, of states: [Int], blank: Int) -> Bool {
        state >= 2 && states[state] != blank && states[state] != states[state - 2]
    }

    /// The forward variables (the paper's α) over the lattice `states`: element t·count + s is
    /// the log of the probability of the paths of frames 0…t that end in state s.
    static func forward(
        _ logProbabilities: [Double], frames: Int, classes: Int, states: [Int], blank: Int
    ) -> [Double] {
        let count = states.count
        func emission(_ frame: Int, _ state: Int) -> Double { logProbabilities[frame * classes + states[state]] }
        var forward = [Double](repeating: -.infinity, count: frames * count)
        forward[0] = emission(0, 0)
        if count > 1 { forward[1] = emission(0, 1) }
        for t in 1 ..< max(1, frames) {
            for s in 0 ..< count {
                let previous = (t - 1) * count
                var sum = forward[previous + s]
                if s >= 1 { sum = logSumExp(sum, forward[previous + s - 1]) }
                if mayEnterSkipping(s, of: states, blank: blank) { sum = logSumExp(sum, forward[previous + s - 2]) }
                forward[t * count + s] = sum + emission(t, s)
            }
        }
        return forward
    }

    /// The string read by the most probable path: each frame's likeliest class, runs merged and
    /// blanks dropped. Each label comes with the frames of its run.
    public static func bestPath(
        logits: [Float], frames: Int, classes: Int, blank: Int
    ) -> [(label: Int, frames: Range<Int>)] {
        precondition(logits.count == frames * classes, "one row of logits per frame")
        var read: [(label: Int, frames: Range<Int>)] = []
        var previous = blank
        for t in 0 ..< frames {
            let row = logits[t * classes ..< (t + 1) * classes]
            let best = row.indices.max { row[$0] < row[$1] }! - t * classes
            if best != blank {
                if best == previous {
                    read[read.count - 1].frames = read[read.count - 1].frames.lowerBound ..< t + 1
                } else {
                    read.append((best, t ..< t + 1))
                }
            }
            previous = best
        }
        return read
    }

    /// The most probable string, by prefix beam search: frame by frame, every kept prefix is
    /// extended by each class (a blank or a repeat of its last label leaves it as it is), the
    /// probability of each prefix summed over the paths that read it (apart for paths ending in
    /// a blank and those ending in its last label, which a repeat treats differently), and the
    /// `beamWidth` likeliest prefixes kept. Unlike the best path, it sums the many paths that
    /// read one string; with a beam as wide as every prefix it is exact.
    public static func beamSearch(
        logits: [Float], frames: Int, classes: Int, blank: Int, beamWidth: Int
    ) -> [Int] {
        precondition(logits.count == frames * classes && beamWidth > 0, "one row of logits per frame")
        let logProbabilities = logSoftmax(logits, classes: classes)
        // Each prefix's log-probability through paths ending in a blank, and in its last label.
        var beams: [[Int]: (blank: Double, label: Double)] = [[]: (0, -.infinity)]
        for t in 0 ..< frames {
            var next: [[Int]: (blank: Double, label: Double)] = [:]
            func add(_ prefix: [Int], blank: Double = -.infinity, label: Double = -.infinity) {
                let old = next[prefix] ?? (-.infinity, -.infinity)
                next[prefix] = (logSumExp(old.blank, blank), logSumExp(old.label, label))
            }
            for (prefix, chance) in beams {
                let total = logSumExp(chance.blank, chance.label)
                for k in 0 ..< classes {
                    let p = logProbabilities[t * classes + k]
                    // A label this unlikely at a frame adds under a millionth of a prefix's
                    // probability to the strings it would make; most frames are all but surely
                    // blank, and skipping their unlikely labels spares most of the search's work.
                    if k != blank && p < Self.negligibleLogProbability { continue }
                    if k == blank {
                        add(prefix, blank: total + p)
                    } else if k == prefix.last {
                        // A repeat continues the last label's run; only after a blank is it new.
                        add(prefix, label: chance.label + p)
                        add(prefix + [k], label: chance.blank + p)
                    } else {
                        add(prefix + [k], label: total + p)
                    }
                }
            }
            let kept = next.map { (prefix: $0.key, chance: $0.value, total: logSumExp($0.value.blank, $0.value.label)) }
                .sorted { $0.total != $1.total ? $0.total > $1.total : $0.prefix.lexicographicallyPrecedes($1.prefix) }
                .prefix(beamWidth)
            beams = Dictionary(uniqueKeysWithValues: kept.map { ($0.prefix, $0.chance) })
        }
        return beams.max {
            let (a, b) = (logSumExp($0.value.blank, $0.value.label), logSumExp($1.value.blank, $1.value.label))
            return a != b ? a < b : $1.key.lexicographicallyPrecedes($0.key)
        }!.key
    }

    /// The log-probability under which a label at a frame extends no prefix in `beamSearch`:
    /// e^−16, about one in nine million.
    static let negligibleLogProbability = -16.0

    /// The frames of each of `labels` on the single most probable path that reads them (Viterbi
    /// over the lattice `loss` sums over); nil when no path of `frames` frames reads them.
    public static func alignment(
        logits: [Float], frames: Int, classes: Int, blank: Int, labels: [Int]
    ) -> [Range<Int>]? {
        precondition(logits.count == frames * classes && frames > 0, "one row of logits per frame")
        let logProbabilities = logSoftmax(logits, classes: classes)
        let states = Self.states(of: labels, blank: blank)
        let count = states.count
        func emission(_ t: Int, _ s: Int) -> Double { logProbabilities[t * classes + states[s]] }
        var best = [Double](repeating: -.infinity, count: frames * count)
        var from = [Int](repeating: -1, count: frames * count)
        best[0] = emission(0, 0)
        if count > 1 { best[1] = emission(0, 1) }
        for t in 1 ..< max(1, frames) {
            for s in 0 ..< count {
                var choices = [s]
                if s >= 1 { choices.append(s - 1) }
                if Self.mayEnterSkipping(s, of: states, blank: blank) { choices.append(s - 2) }
                let previous = choices.max { best[(t - 1) * count + $0] < best[(t - 1) * count + $1] }!
                best[t * count + s] = best[(t - 1) * count + previous] + emission(t, s)
                from[t * count + s] = previous
            }
        }
        let last = (frames - 1) * count
        var state = count > 1 && best[last + count - 2] > best[last + count - 1] ? count - 2 : count - 1
        guard best[last + state] > -.infinity else { return nil }
        var spans = [Range<Int>?](repeating: nil, count: labels.count)
        for t in stride(from: frames - 1, through: 0, by: -1) {
            if state % 2 == 1 {
                let label = state / 2
                spans[label] = t ..< (spans[label]?.upperBound ?? t + 1)
            }
            if t > 0 { state = from[t * count + state] }
        }
        return spans.map { $0! }
    }

    /// Each row of `logits` (rows of `classes`) as log-probabilities.
    static func logSoftmax(_ logits: [Float], classes: Int) -> [Double] {
        var result = [Double](repeating: 0, count: logits.count)
        for start in stride(from: 0, to: logits.count, by: classes) {
            var top = -Double.infinity
            for k in 0 ..< classes { top = max(top, Double(logits[start + k])) }
            var sum = 0.0
            for k in 0 ..< classes { sum += exp(Double(logits[start + k]) - top) }
            let logSum = top + log(sum)
            for k in 0 ..< classes { result[start + k] = Double(logits[start + k]) - logSum }
        }
        return result
    }

    /// log(exp(a) + exp(b)), without overflow, for a or b −∞.
    static func logSumExp(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        let top = max(a, b)
        return top + log(exp(a - top) + exp(b - top))
    }
}
