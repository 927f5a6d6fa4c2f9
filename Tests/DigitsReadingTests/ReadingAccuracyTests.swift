import DigitsKit
import DigitsTestSupport
import Foundation
import Testing

/// How well the shipped reader reads each kind of the reading sets, against the goals set for it.
///
/// It runs only in optimised builds (`TestBuild.isOptimized`). `DIGITS_READING_SAMPLES` sets the
/// samples per kind (default 200, the README's table, on which the goals are judged: fewer leave
/// several points of chance either way); `scripts/reading-accuracy` runs them in release mode
/// and prints the table as Markdown. With `DIGITS_READING_FAILURES` set to a folder, every misread
/// picture is written there, named by its sample, the expected text and the text read, and
/// listed with how each was drawn in `misread.txt`. `DIGITS_READING_DIGITS=mnist-test` draws the handwriting from MNIST's
/// test digits instead of the bundled subset's (which come from MNIST's training set).
/// `DIGITS_READING_KINDS` (names separated by commas, such as `touching,tight`) measures only
/// those kinds, and checks only their goals.
/// `DIGITS_READING_MODEL` reads with another model file than the shipped one, and
/// `DIGITS_READING_VERIFIER` with another digit verifier (a file, or `none` for none), and
/// `DIGITS_READING_ROW_READERS` with other row readers (files separated by commas, or `none`:
/// rows of touching digits are then cut apart, as `digits read --no-touching` reads), and
/// `DIGITS_READING_CUT_SCORER` with a cut scorer placing those cuts (`built-in` or a file; by
/// default, none: cuts by ink alone). For tuning, `DIGITS_READING_SEED` draws other pictures than the reported
/// ones, and `DIGITS_READING_SETTINGS` changes the reader's numeric settings, as in
/// `verifierShare=0.3,widePieceDigitCost=-0.5` (see `SegmentationSettings`).
@Suite struct ReadingAccuracyTests {
    static let environment = ProcessInfo.processInfo.environment
    static let sampleCount = Int(environment["DIGITS_READING_SAMPLES"] ?? "") ?? 200

    /// The kinds to measure: those `DIGITS_READING_KINDS` names, or all.
    static func measuredKinds() throws -> [ReadingSetKind] {
        guard let names = environment["DIGITS_READING_KINDS"], !names.isEmpty else { return ReadingSetKind.allCases }
        return try names.split(separator: ",").map { name in
            try #require(
                ReadingSetKind(rawValue: String(name)),
                "DIGITS_READING_KINDS: no kind '\(name)'; the kinds are \(ReadingSetKind.allCases.map(\.rawValue))")
        }
    }

    /// A tuning request that names no setting, or gives one no number.
    struct SettingsChangeError: Error, CustomStringConvertible {
        var description: String
    }

    /// `settings` with each setting that `changes` names changed, as `DIGITS_READING_SETTINGS`
    /// asks for a tuning run: `verifierShare=0.3,widePieceDigitCost=-0.5` (the numeric settings
    /// of `SegmentationSettings`, by their names).
    static func settings(_ settings: SegmentationSettings, changedBy changes: String) throws -> SegmentationSettings {
        let numbers: [String: WritableKeyPath<SegmentationSettings, Double>] = [
            "cutWidth": \.cutWidth, "denseCutWidth": \.denseCutWidth, "denseCutSpacing": \.denseCutSpacing,
            "denseCutReach": \.denseCutReach, "scoredCutReach": \.scoredCutReach,
            "minimumPartWidth": \.minimumPartWidth, "widestDigit": \.widestDigit,
            "maximumJoinGap": \.maximumJoinGap, "verifierShare": \.verifierShare, "digitCost": \.digitCost,
            "widePieceDigitCost": \.widePieceDigitCost, "separateJoinCost": \.separateJoinCost,
            "cutCost": \.cutCost, "cutBaseCost": \.cutBaseCost, "severalDigitsWidth": \.severalDigitsWidth,
            "aspectWeight": \.aspectWeight, "shortestDigit": \.shortestDigit, "heightPenalty": \.heightPenalty,
            "largestMark": \.largestMark, "markCost": \.markCost, "rowReaderBeamWidth": \.rowReaderBeamWidth,
            "rowReaderWidth": \.rowReaderWidth, "rowReaderViews": \.rowReaderViews,
        ]
        var settings = settings
        for change in changes.split(separator: ",") {
            let parts = change.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let path = numbers[parts[0]] else {
                throw SettingsChangeError(
                    description:
                        "'\(change)' names no setting; they are \(numbers.keys.sorted().joined(separator: ", "))")
            }
            guard let value = Double(parts[1]), value.isFinite else {
                throw SettingsChangeError(description: "'\(change)': \(parts[1]) is not a number")
            }
            settings[keyPath: path] = value
        }
        return settings
    }

    /// The reader's settings as a tuning run asks for them in `DIGITS_READING_SETTINGS`.
    static func tuned(_ settings: SegmentationSettings) throws -> SegmentationSettings {
        try Self.settings(settings, changedBy: environment["DIGITS_READING_SETTINGS"] ?? "")
    }

    /// The seed of the pictures to read: `DIGITS_READING_SEED`, or the one the README reports on.
    static func seed() throws -> UInt64 {
        guard let text = environment["DIGITS_READING_SEED"] else { return ReadingSets.defaultSeed }
        return try #require(UInt64(text), "DIGITS_READING_SEED: '\(text)' is not a whole number")
    }

    @Test("a tuning run changes the settings it names, and refuses a name or a number it cannot use")
    func settingsChanges() throws {
        let changed = try Self.settings(SegmentationSettings(), changedBy: "verifierShare=0.35,widePieceDigitCost=-0.5")
        var expected = SegmentationSettings()
        expected.verifierShare = 0.35
        expected.widePieceDigitCost = -0.5
        #expect(changed == expected)
        #expect(try Self.settings(.forCutScorer, changedBy: "") == .forCutScorer)
        #expect(throws: SettingsChangeError.self) { try Self.settings(SegmentationSettings(), changedBy: "verifier=1") }
        #expect(throws: SettingsChangeError.self) { try Self.settings(SegmentationSettings(), changedBy: "cutCost") }
        #expect(throws: SettingsChangeError.self) {
            try Self.settings(SegmentationSettings(), changedBy: "cutCost=cheap")
        }
    }

    @Test(
        "the shipped reader reads each kind of picture, measured against its goals",
        .onlyOptimized)
    func accuracy() throws {
        let sets: ReadingSets
        if Self.environment["DIGITS_READING_DIGITS"] == "mnist-test" {
            let directory = try #require(FullMNIST.directory, "DIGITS_READING_DIGITS=mnist-test needs full MNIST")
            sets = try ReadingSets(digits: directory.load(.test))
            print("Handwriting drawn from MNIST's test digits")
        } else {
            sets = try ReadingSets.fixtures()
        }
        let kinds = try Self.measuredKinds()
        let model = try Self.environment["DIGITS_READING_MODEL"].map { try ModelFile(contentsOf: $0).model }
        let verifier: MLP?
        switch Self.environment["DIGITS_READING_VERIFIER"] {
        case "none": verifier = nil
        case let path?: verifier = try ModelFile(contentsOf: path, outputs: ModelFile.verifierOutputCount).model
        case nil: verifier = try ShippedModel.loadVerifier().model
        }
        let cutScorer: MLP?
        switch Self.environment["DIGITS_READING_CUT_SCORER"] {
        case nil, "none": cutScorer = nil
        case "built-in": cutScorer = try ShippedModel.loadCutScorer().model
        case let path?: cutScorer = try ModelFile(contentsOf: path, outputs: ModelFile.cutScorerOutputCount).model
        }
        let rowReaders: [ConvolutionalNetwork]
        switch Self.environment["DIGITS_READING_ROW_READERS"] {
        case "none": rowReaders = []
        case nil, "built-in": rowReaders = try ShippedModel.loadRowReaders().map(\.network)
        case let paths?:
            rowReaders = try paths.split(separator: ",").map { path in
                try ConvolutionalModelFile(contentsOf: String(path), outputs: ModelFile.rowReaderOutputCount).network
            }
        }
        var reader = NumberReader(
            model: try model ?? ShippedModel.load().model, verifier: verifier, cutScorer: cutScorer,
            rowReaders: rowReaders)
        reader.settings = try Self.tuned(reader.settings)
        let seed = try Self.seed()
        let failures = Self.environment["DIGITS_READING_FAILURES"]
        if let failures {
            try FileManager.default.createDirectory(atPath: failures, withIntermediateDirectories: true)
        }
        var misread: [String] = []
        let clock = ContinuousClock()
        var scores: [ReadingSetKind: ReadingScore] = [:]
        // Touching numbers by their count of digits: each digit is one more chance to misread, so
        // a user reading a 4-digit meter sees what to expect.
        var touchingByCount: [Int: ReadingScore] = [:]
        for kind in kinds {
            var score = ReadingScore()
            for index in 0 ..< Self.sampleCount {
                // One sample at a time, so a long run does not hold every picture in memory.
                let sample = sets.sample(kind, index: index, seed: seed)
                let start = clock.now
                let read: String
                do {
                    read = try reader.read(sample.image, name: sample.name).text
                } catch {
                    // A refusal is a reading of nothing: it scores as wrong, and says why.
                    print("\(sample.name): \(error)")
                    read = ""
                }
                let time = clock.now - start
                score.add(expected: sample.text, read: read, time: time)
                if kind == .touching {
                    touchingByCount[sample.text.count, default: ReadingScore()].add(
                        expected: sample.text, read: read, time: time)
                }
                if let failures, read != sample.text {
                    let expected = sample.text.replacingOccurrences(of: "\n", with: "_")
                    let got = read.isEmpty ? "nothing" : read.replacingOccurrences(of: "\n", with: "_")
                    try PNGEncoder.write(sample.image, toFile: "\(failures)/\(sample.name)-\(expected)-read-\(got).png")
                    misread.append("\(sample.name)\t\(expected)\t\(got)\t\(sample.details)")
                }
            }
            scores[kind] = score
        }
        if let failures {
            try (misread.map { $0 + "\n" }.joined()).write(
                toFile: failures + "/misread.txt", atomically: true, encoding: .utf8)
        }
        print(ReadingScore.markdownTable(kinds.map { ($0.rawValue, scores[$0]!) }))
        if !touchingByCount.isEmpty {
            print("\nTouching numbers by their count of digits:\n")
            print(
                ReadingScore.markdownTable(
                    touchingByCount.keys.sorted().map { ("\($0)", touchingByCount[$0]!) }, names: "digits"))
        }

        // The goals the reader is built to meet. They are targets, not descriptions of today's
        // reader: a miss is a finding to act on in the reader, never a reason to lower them.
        if let spaced = scores[.spaced] {
            #expect(
                spaced.wholeAccuracy >= 0.95,
                "GOAL: spaced numbers read exactly at least 95% of the time; \(spaced.exact) of \(spaced.samples) were")
        }
        if let touching = scores[.touching] {
            #expect(
                touching.wholeAccuracy >= 0.80,
                "GOAL: touching numbers read exactly at least 80% of the time; \(touching.exact) of \(touching.samples) were"
            )
        }

        // The other kinds have no goal of their own; these floors keep what the reader achieves
        // on them today (at most one in eight numbers misread, though two are allowed in a run of
        // a handful, and nine in ten printed digits read right), so a
        // change that reads them worse is caught.
        for kind in [ReadingSetKind.tight, .sizesAndPens, .degraded, .multiRow] {
            guard let score = scores[kind] else { continue }
            #expect(
                score.samples - score.exact <= max(2, score.samples / 8),
                "\(kind.rawValue): \(score.samples - score.exact) of \(score.samples) numbers misread")
        }
        if let printed = scores[.printed] {
            #expect(printed.digitAccuracy >= 0.9, "printed digits read right: \(printed.digitAccuracy)")
        }
    }
}
