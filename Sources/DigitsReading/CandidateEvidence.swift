#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the reader weighs when it considers reading some consecutive parts of a row as one
/// particular digit: how likely the networks find that digit, and what about the candidate's
/// shape and its making speaks against it. `score(with:)` weighs it by the settings' costs into
/// a score, in nats, and a reading's score is the sum of its steps' (less `markCost` for each
/// mark left unread; see `ReadingLattice`).
struct CandidateEvidence: Equatable {
    /// The log of the classifier's probability for the digit.
    var classifierLogChance: Double
    /// The log of the verifier's probability that the candidate is one whole digit and that
    /// digit; nil without a verifier. The score grows by `verifierShare` for each nat of it,
    /// which is how training on whole readings reaches the verifier.
    var verifierLogChance: Double?
    /// Whether all its parts come from pieces that hold touching digits
    /// (`PieceCutter.holdsTouchingDigits`): it then costs `widePieceDigitCost`, not `digitCost`.
    var inWidePiece: Bool
    /// How many times it joins separate pieces side by side.
    var joins: Int
    /// When it ends at a cut through a piece narrower than `severalDigitsWidth` (which costs
    /// `cutBaseCost`), how many strokes beyond the first that cut crosses (each `cutCost`); nil
    /// when it does not.
    var costlyCutCrossings: Int?
    /// How unusual its width ÷ height is for the digit (`RowSegmenter.aspectSurprise`).
    var aspectSurprise: Double
    /// How far short of `shortestDigit` its height falls, in row heights (0 when it does not).
    var shortfall: Double

    /// The score of reading the candidate as the digit under `settings`, in nats: the log of its
    /// chance of being that digit (the classifier's and verifier's logs weighed by
    /// `verifierShare`), less its costs.
    func score(with settings: SegmentationSettings) -> Double {
        var score = classifierLogChance
        if let verifierLogChance {
            score = (1 - settings.verifierShare) * classifierLogChance + settings.verifierShare * verifierLogChance
        }
        score -= inWidePiece ? settings.widePieceDigitCost : settings.digitCost
        score -= settings.separateJoinCost * Double(joins)
        if let costlyCutCrossings { score -= settings.cutBaseCost + settings.cutCost * Double(costlyCutCrossings) }
        score -= settings.aspectWeight * aspectSurprise
        score -= settings.heightPenalty * shortfall
        return score
    }

    /// The log of a probability, kept finite.
    static func logChance(_ probability: Double) -> Double { log(max(probability, 1e-9)) }
}
