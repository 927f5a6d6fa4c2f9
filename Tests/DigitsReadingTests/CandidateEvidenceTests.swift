import Testing

@testable import DigitsReading

/// A candidate's score is its evidence weighed by the settings' costs, term by term.
@Suite struct CandidateEvidenceTests {
    static let evidence = CandidateEvidence(
        classifierLogChance: -0.5, verifierLogChance: -2, inWidePiece: false, joins: 1, costlyCutCrossings: 2,
        aspectSurprise: 0.8, shortfall: 0.1)

    @Test("each cost is charged by its setting, and the verifier's log weighs verifierShare")
    func scoreWeighsEveryTerm() {
        var settings = SegmentationSettings()
        settings.verifierShare = 0.25
        settings.digitCost = 0.3
        settings.separateJoinCost = 0.7
        settings.cutBaseCost = 0.4
        settings.cutCost = 1.5
        settings.aspectWeight = 0.5
        settings.heightPenalty = 10
        let expected = 0.75 * -0.5 + 0.25 * -2 - 0.3 - 0.7 - (0.4 + 1.5 * 2) - 0.5 * 0.8 - 10 * 0.1
        #expect(abs(Self.evidence.score(with: settings) - expected) < 1e-12)
    }

    @Test("without a verifier the classifier's log counts whole; in a wide piece the digit costs widePieceDigitCost")
    func withoutAVerifierAndInsideAWidePiece() {
        var evidence = Self.evidence
        evidence.verifierLogChance = nil
        evidence.inWidePiece = true
        evidence.costlyCutCrossings = nil
        var settings = SegmentationSettings()
        settings.widePieceDigitCost = -1
        let expected =
            -0.5 + 1 - settings.separateJoinCost - settings.aspectWeight * 0.8 - settings.heightPenalty * 0.1
        #expect(abs(evidence.score(with: settings) - expected) < 1e-12)
    }

    @Test("a probability of zero has a finite log")
    func logChanceStaysFinite() {
        #expect(CandidateEvidence.logChance(0).isFinite)
        #expect(CandidateEvidence.logChance(1) == 0)
    }
}
