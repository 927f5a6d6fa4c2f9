#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every way of reading one row, as paths through a lattice.
///
/// The nodes are the points between the row's parts, 0 … `partCount`. An edge from node i to
/// node j reads parts i ..< j as one digit, the candidate's, at its score; an edge from i to
/// i + 1 may also leave a small mark unread, at a cost. A reading
/// is a path from node 0 to node `partCount`, and its score, in nats, the sum of its edges'.
///
/// `best()` is the reading the reader gives (the path of highest score). `readingLoss(of:)` is
/// what training on whole readings lowers: how much more likely the lattice makes all its other
/// readings than those that give the right digits, with its gradient with respect to every
/// candidate's score (by the forward-backward algorithm, as in graph transformer networks).
struct ReadingLattice {
    /// One candidate digit: the parts it spans, the digit it is read as, and its score, in nats.
    struct Candidate {
        var parts: Range<Int>
        var digit: Int
        var score: Double
    }

    /// How many parts the row has.
    var partCount: Int
    /// The candidates, in the order `best()` prefers on a tie (the first wins).
    var candidates: [Candidate]
    /// For each part, what leaving it unread costs in nats, or nil when it must be read.
    var markCosts: [Double?]

    /// The reading of highest score: the indices of its candidates, left to right, and its score.
    /// Leaving a mark unread wins a tie.
    func best() -> (candidates: [Int], score: Double) {
        let endingAt = candidatesByEnd()
        var best = [Double](repeating: -.infinity, count: partCount + 1)
        // How the best path to each node arrives: the start of its last edge, and the candidate
        // it reads (nil for a mark left unread).
        var arrival = [(start: Int, candidate: Int?)](repeating: (0, nil), count: partCount + 1)
        best[0] = 0
        for end in stride(from: 1, through: partCount, by: 1) {
            if let cost = markCosts[end - 1], best[end - 1] > -.infinity {
                best[end] = best[end - 1] - cost
                arrival[end] = (end - 1, nil)
            }
            for index in endingAt[end] {
                let candidate = candidates[index]
                let score = best[candidate.parts.lowerBound] + candidate.score
                if score > best[end] {
                    best[end] = score
                    arrival[end] = (candidate.parts.lowerBound, index)
                }
            }
        }
        var read: [Int] = []
        var end = partCount
        while end > 0 {
            if let candidate = arrival[end].candidate { read.append(candidate) }
            end = arrival[end].start
        }
        return (read.reversed(), best[partCount])
    }

    /// The whole-reading loss of the lattice for a row showing `digits`, in nats, and its gradient
    /// with respect to each candidate's score; nil when no reading gives those digits.
    ///
    /// The loss is log Σ exp(score) over all readings less the same over the readings that give
    /// `digits`: the negative log-likelihood of the right digits when a reading's probability is
    /// proportional to exp(score). Its gradient for a candidate is the probability that a reading
    /// reads it, less the same probability among the readings of `digits` alone.
    func readingLoss(of digits: [Int]) -> (loss: Double, gradient: [Double])? {
        guard let all = marginals(truth: nil), let right = marginals(truth: digits) else { return nil }
        return (all.logTotal - right.logTotal, zip(all.probabilities, right.probabilities).map { $0 - $1 })
    }

    /// log Σ exp(score) over the readings (of `truth` only, when given), and for each candidate
    /// the probability that a reading reads it; nil when no reading qualifies.
    ///
    /// A node of the forward-backward pass is a point between parts together with how many of
    /// `truth`'s digits have been read by then (always 0 without `truth`).
    func marginals(truth: [Int]?) -> (logTotal: Double, probabilities: [Double])? {
        let states = (truth?.count ?? 0) + 1
        let advance = truth == nil ? 0 : 1
        // Whether a reading that has read k of truth's digits may read `candidate` next.
        func mayRead(_ candidate: Candidate, after k: Int) -> Bool {
            guard let truth else { return true }
            return k < truth.count && truth[k] == candidate.digit
        }
        // forward[j][k]: log Σ exp(score) of the paths from node 0 to (j, k).
        var forward = [[Double]](repeating: [Double](repeating: -.infinity, count: states), count: partCount + 1)
        forward[0][0] = 0
        let endingAt = candidatesByEnd()
        for end in stride(from: 1, through: partCount, by: 1) {
            var terms = [[Double]](repeating: [], count: states)
            if let cost = markCosts[end - 1] {
                for k in 0 ..< states { terms[k].append(forward[end - 1][k] - cost) }
            }
            for index in endingAt[end] {
                let candidate = candidates[index]
                for k in 0 ..< states where mayRead(candidate, after: k) {
                    terms[k + advance].append(forward[candidate.parts.lowerBound][k] + candidate.score)
                }
            }
            for k in 0 ..< states { forward[end][k] = Self.logSumExp(terms[k]) }
        }
        let logTotal = forward[partCount][states - 1]
        guard logTotal > -.infinity else { return nil }

        // backward[j][k]: log Σ exp(score) of the paths from (j, k) to the end.
        var backward = [[Double]](repeating: [Double](repeating: -.infinity, count: states), count: partCount + 1)
        backward[partCount][states - 1] = 0
        let startingAt = candidatesByStart()
        for start in stride(from: partCount - 1, through: 0, by: -1) {
            var terms = [[Double]](repeating: [], count: states)
            if let cost = markCosts[start] {
                for k in 0 ..< states { terms[k].append(backward[start + 1][k] - cost) }
            }
            for index in startingAt[start] {
                let candidate = candidates[index]
                for k in 0 ..< states where mayRead(candidate, after: k) {
                    terms[k].append(candidate.score + backward[candidate.parts.upperBound][k + advance])
                }
            }
            for k in 0 ..< states { backward[start][k] = Self.logSumExp(terms[k]) }
        }

        var probabilities = [Double](repeating: 0, count: candidates.count)
        for (index, candidate) in candidates.enumerated() {
            for k in 0 ..< states where mayRead(candidate, after: k) {
                let through =
                    forward[candidate.parts.lowerBound][k] + candidate.score
                    + backward[candidate.parts.upperBound][k + advance]
                if through > -.infinity { probabilities[index] += exp(through - logTotal) }
            }
        }
        return (logTotal, probabilities)
    }

    /// candidatesByEnd()[j]: the indices of the candidates whose last part is j − 1, in order.
    func candidatesByEnd() -> [[Int]] {
        var lists = [[Int]](repeating: [], count: partCount + 1)
        for (index, candidate) in candidates.enumerated() { lists[candidate.parts.upperBound].append(index) }
        return lists
    }

    /// candidatesByStart()[j]: the indices of the candidates whose first part is j, in order.
    func candidatesByStart() -> [[Int]] {
        var lists = [[Int]](repeating: [], count: partCount + 1)
        for (index, candidate) in candidates.enumerated() { lists[candidate.parts.lowerBound].append(index) }
        return lists
    }

    /// log Σ exp(term), computed without overflow; −∞ for no terms.
    static func logSumExp(_ terms: [Double]) -> Double {
        guard let largest = terms.max(), largest > -.infinity else { return -.infinity }
        return largest + log(terms.reduce(0) { $0 + exp($1 - largest) })
    }
}
