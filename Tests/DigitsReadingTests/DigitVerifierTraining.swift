import DigitsKit
import DigitsTestSupport
import Foundation
import Testing

@testable import DigitsReading

/// Trains the reader's digit verifier, `Models/digit-verifier.safetensors`, when
/// `scripts/train-verifier` sets `DIGITS_VERIFIER_OUTPUT` to where it goes (and full MNIST is
/// here); otherwise only the labelling rule is tested. It learns in two stages:
/// `trainOnCandidates` teaches it to label single candidates, then `fineTuneOnReadings` teaches it
/// to make the reader read whole rows right.
///
/// Both stages see cuts placed by ink alone (the reader without its cut scorer): the shipped
/// verifier learned so, before the scorer, and judges the scorer's cuts as well. Retrained on the
/// scorer's cuts, it read unseen touching rows better but tight rows worse.
///
/// In the first stage the verifier learns from what the reader itself proposes. Rows of numbers are drawn as the
/// reading sets draw them, but from MNIST's training digits and with a seed of their own; the
/// reader splits each into its candidate digits (without a verifier: the candidates do not
/// depend on one); and each candidate is labelled with the digit whose ink it is, or "not one
/// digit" (see `label(ofInk:digitBoxes:digitInk:inkCounts:digits:)`). Rows drawn from MNIST's test digits
/// are held out to say how often the finished verifier is right.
@Suite struct DigitVerifierTraining {
    static let environment = ProcessInfo.processInfo.environment

    /// The label meaning "not one whole digit".
    static let notOneDigit = 10

    /// The label of a candidate made of the ink `pixels` (picture positions), in a picture where
    /// `digits` were drawn in `digitBoxes`, their ink in `digitInk` (`inkCounts` pixels of each,
    /// counted once per picture: a row has thousands of candidates): the digit whose ink it is,
    /// holding at least 88% of that digit's ink with at least 88% of its own ink that digit's;
    /// `notOneDigit` when no digit comes within 80% both ways; nil, to be left out, in between.
    ///
    /// Ink, not boxes, decides: where digits overlap, a good cut leaves a digit's box short by the
    /// overlap, and a box can fit where a sliver of the neighbour rides along.
    static func label(
        ofInk pixels: [(x: Int, y: Int)], digitBoxes: [PixelBox], digitInk: [[Bool]], inkCounts: [Int],
        digits: [Int]
    ) -> Int? {
        var shared = [Int](repeating: 0, count: digitBoxes.count)
        var anyDigits = 0
        for pixel in pixels {
            let owners = Self.owners(of: pixel, digitBoxes: digitBoxes, digitInk: digitInk)
            for index in owners { shared[index] += 1 }
            if !owners.isEmpty { anyDigits += 1 }
        }
        let fits = digitInk.indices.map { index in
            min(
                Double(shared[index]) / Double(max(1, inkCounts[index])),
                Double(shared[index]) / Double(max(1, anyDigits)))
        }
        guard let best = fits.indices.max(by: { fits[$0] < fits[$1] }) else { return notOneDigit }
        if fits[best] >= 0.88 { return digits[best] }
        return fits[best] < 0.8 ? notOneDigit : nil
    }

    /// The digits whose ink covers `pixel` (a picture position), by their index among
    /// `digitBoxes` and `digitInk`: none for paper or faint edges, two where strokes cross.
    static func owners(of pixel: (x: Int, y: Int), digitBoxes: [PixelBox], digitInk: [[Bool]]) -> [Int] {
        digitBoxes.indices.filter { index in
            let box = digitBoxes[index]
            return pixel.x >= box.x && pixel.x < box.x + box.width && pixel.y >= box.y && pixel.y < box.y + box.height
                && digitInk[index][(pixel.y - box.y) * box.width + pixel.x - box.x]
        }
    }

    @Test("a candidate is labelled with the digit whose ink it is, not one digit when far from all, else left out")
    func labels() {
        // A 0 in a 4×4 box (its ring, 12 pixels) and a 1 touching its right side (11 pixels), whose
        // top left pixel is drawn over the 0's top right corner.
        let boxes = [PixelBox(x: 0, y: 0, width: 4, height: 4), PixelBox(x: 3, y: 0, width: 2, height: 10)]
        let ring = (0 ..< 16).map { $0 / 4 == 0 || $0 / 4 == 3 || $0 % 4 == 0 || $0 % 4 == 3 }
        let stroke = (0 ..< 20).map { $0 == 0 || $0 % 2 == 1 }
        func label(_ pixels: [(x: Int, y: Int)]) -> Int? {
            Self.label(
                ofInk: pixels, digitBoxes: boxes, digitInk: [ring, stroke], inkCounts: [12, 11], digits: [0, 1])
        }
        let zero = (0 ..< 16).filter { ring[$0] }.map { (x: $0 % 4, y: $0 / 4) }
        let one = (0 ..< 10).map { (x: 4, y: $0) }
        // Cut apart where they overlap, each is still itself: the corner pixel is both digits' ink.
        #expect(label(zero) == 0)
        #expect(label(one) == 1)
        #expect(label(one + [(x: 3, y: 0)]) == 1)
        // Both as one: each is about half of the 22 pixels of ink.
        #expect(label(zero + one) == 10)
        // Part of the 0: 10 of its 12 pixels (83%) is left out; 9 of 12 is not one digit.
        #expect(label(zero.filter { $0.x < 3 || $0.y == 0 || $0.y == 3 }) == nil)
        #expect(label(zero.filter { $0.x < 3 || $0.y == 0 }) == 10)
        // Faint edge pixels, nobody's ink, do not count.
        #expect(label(one + [(x: 5, y: 1), (x: 5, y: 2)]) == 1)
    }

    /// Whether the ink `pixels` (picture positions) is two neighbouring digits together, cleanly:
    /// the index of the first of two neighbours when it holds at least 88% of each one's ink
    /// (`inkCounts` pixels, drawn in `digitBoxes` as `digitInk`), with at least 88% of its own ink
    /// theirs; nil otherwise. A reader able to read such a candidate as two digits at once would
    /// not need to cut between them.
    static func cleanPair(
        ofInk pixels: [(x: Int, y: Int)], digitBoxes: [PixelBox], digitInk: [[Bool]], inkCounts: [Int]
    ) -> Int? {
        guard digitBoxes.count >= 2 else { return nil }
        var shared = [Int](repeating: 0, count: digitBoxes.count)
        // For each first digit of two neighbours, how many pixels are either one's ink.
        var eitherOwns = [Int](repeating: 0, count: digitBoxes.count - 1)
        var anyDigits = 0
        for pixel in pixels {
            let owners = Self.owners(of: pixel, digitBoxes: digitBoxes, digitInk: digitInk)
            for index in owners { shared[index] += 1 }
            guard !owners.isEmpty else { continue }
            anyDigits += 1
            for first in eitherOwns.indices where owners.contains(first) || owners.contains(first + 1) {
                eitherOwns[first] += 1
            }
        }
        return eitherOwns.indices.first { first in
            Double(shared[first]) >= 0.88 * Double(inkCounts[first])
                && Double(shared[first + 1]) >= 0.88 * Double(inkCounts[first + 1])
                && Double(eitherOwns[first]) >= 0.88 * Double(anyDigits)
        }
    }

    @Test("ink is a clean pair when it holds two neighbours' ink and little else")
    func cleanPairs() {
        // Three 3×4 solid digits side by side, the middle one sharing a column with each.
        let boxes = [
            PixelBox(x: 0, y: 0, width: 3, height: 4), PixelBox(x: 2, y: 0, width: 3, height: 4),
            PixelBox(x: 4, y: 0, width: 3, height: 4),
        ]
        let solid = [Bool](repeating: true, count: 12)
        func pair(_ columns: Range<Int>) -> Int? {
            let pixels = columns.flatMap { x in (0 ..< 4).map { (x: x, y: $0) } }
            return Self.cleanPair(
                ofInk: pixels, digitBoxes: boxes, digitInk: [solid, solid, solid], inkCounts: [12, 12, 12])
        }
        #expect(pair(0 ..< 5) == 0)
        #expect(pair(2 ..< 7) == 1)
        // One digit, all three, or one and two thirds of the next are no clean pair.
        #expect(pair(0 ..< 3) == nil)
        #expect(pair(0 ..< 7) == nil)
        #expect(pair(0 ..< 4) == nil)
    }

    /// Whether some reading of a row's parts 0 ..< `partCount` gives `digits` from `singles`
    /// (candidates read as the digit they hold cleanly) and `pairs` (candidates holding digits
    /// k and k + 1 cleanly, for their k), leaving parts unread only where `markCosts` allows.
    static func reads(
        _ digits: [Int], partCount: Int, singles: [ReadingLattice.Candidate], pairs: [(parts: Range<Int>, first: Int)],
        markCosts: [Double?]
    ) -> Bool {
        // How many of `digits` a reading of the parts before each node can have read.
        var reached = [Set<Int>](repeating: [], count: partCount + 1)
        reached[0] = [0]
        for end in stride(from: 1, through: partCount, by: 1) {
            if markCosts[end - 1] != nil { reached[end].formUnion(reached[end - 1]) }
            for single in singles where single.parts.upperBound == end {
                for read in reached[single.parts.lowerBound] where read < digits.count && digits[read] == single.digit {
                    reached[end].insert(read + 1)
                }
            }
            for pair in pairs where pair.parts.upperBound == end {
                if reached[pair.parts.lowerBound].contains(pair.first) { reached[end].insert(pair.first + 2) }
            }
        }
        return reached[partCount].contains(digits.count)
    }

    @Test("a row reads its digits from clean singles and pairs only when they tile it in order")
    func readingsOfSinglesAndPairs() {
        // Three parts: a 4 alone, then the row's second and third digits together across the rest.
        let singles = [ReadingLattice.Candidate(parts: 0 ..< 1, digit: 4, score: 0)]
        let pairs = [(parts: 1 ..< 3, first: 1)]
        func reads(_ digits: [Int], markCosts: [Double?] = [nil, nil, nil]) -> Bool {
            Self.reads(digits, partCount: 3, singles: singles, pairs: pairs, markCosts: markCosts)
        }
        #expect(reads([4, 1, 7]))
        // A fourth digit has no ink to be read from, and a row of one digit leaves the pair over.
        #expect(!reads([4, 1, 7, 0]))
        #expect(!reads([4]))
        // A part that may be left unread.
        #expect(reads([4], markCosts: [nil, 0.5, 0.5]))
    }

    /// The picture positions of a candidate's ink.
    static func inkPixels(
        of candidate: RowSegmenter.Candidate, parts: [RowSegmenter.Part], row: RowSegmenter
    ) -> [(x: Int, y: Int)] {
        var pixels: [(x: Int, y: Int)] = []
        for slice in parts[candidate.parts].flatMap(\.slices) {
            for run in row.pieces[slice.piece].runs {
                pixels += slice.columns(of: run).map { (x: $0, y: Int(run.y)) }
            }
        }
        return pixels
    }

    /// A picture of one row of digits split into the reader's candidates, each with its label by
    /// `label(ofInk:…)` (nil: left out); nil for a picture of several rows, or without digit boxes.
    static func labelledCandidates(of sample: ReadingSample, reader: NumberReader) throws -> (
        row: RowSegmenter, parts: [RowSegmenter.Part], height: Double, candidates: [RowSegmenter.Candidate],
        labels: [Int?]
    )? {
        guard !sample.digitBoxes.isEmpty else { return nil }
        let rows = try reader.rowSegmenters(of: sample.image, name: sample.name)
        guard rows.count == 1 else { return nil }
        let digits = sample.text.compactMap(\.wholeNumberValue)
        let inkCounts = sample.digitInk.map { $0.filter { $0 }.count }
        let (parts, height, candidates) = rows[0].candidates()
        let labels = candidates.map { candidate in
            label(
                ofInk: inkPixels(of: candidate, parts: parts, row: rows[0]), digitBoxes: sample.digitBoxes,
                digitInk: sample.digitInk, inkCounts: inkCounts, digits: digits)
        }
        return (rows[0], parts, height, candidates, labels)
    }

    /// The 28×28 inputs (bytes, 0…255) of the candidates the reader proposes in `samples`, and
    /// their labels; pictures of several rows, or without digit boxes, are skipped.
    static func candidates(of samples: [ReadingSample], reader: NumberReader) throws -> LabelledExamples {
        var examples = LabelledExamples()
        for sample in samples {
            guard let found = try labelledCandidates(of: sample, reader: reader) else { continue }
            for (candidate, label) in zip(found.candidates, found.labels) {
                guard let label else { continue }
                examples.pixels += candidate.input.pixels.map { UInt8(($0 * 255).rounded()) }
                examples.labels.append(label)
            }
        }
        return examples
    }

    /// Whether parting each picture row between every two neighbouring digits at the column that
    /// best separates their own inks (`digitInk`, known from how the row was drawn; each pixel row
    /// parted on its own) leaves every digit clean by `label(ofInk:…)`'s 88% rule: about the most
    /// that cuts parting a row at one column per pixel row could do.
    static func partsCleanlyByRows(digitBoxes boxes: [PixelBox], digitInk: [[Bool]]) -> Bool {
        // Each digit's ink, as the picture columns it covers in each picture row.
        let inkRows: [[Int: [Int]]] = boxes.indices.map { index in
            let box = boxes[index]
            var rows: [Int: [Int]] = [:]
            for y in 0 ..< box.height {
                let columns = (0 ..< box.width).filter { digitInk[index][y * box.width + $0] }.map { box.x + $0 }
                if !columns.isEmpty { rows[box.y + y] = columns }
            }
            return rows
        }
        // For each digit, how many of its own pixels go to a neighbour, and how many of a
        // neighbour's it takes (pixels both drew are each digit's own, and are lost by one side).
        var lost = [Int](repeating: 0, count: boxes.count)
        var taken = [Int](repeating: 0, count: boxes.count)
        for left in boxes.indices.dropLast() {
            let right = left + 1
            for (y, leftColumns) in inkRows[left] {
                guard let rightColumns = inkRows[right][y] else { continue }
                let candidates = Set(leftColumns + rightColumns + [rightColumns.max()! + 1])
                // The boundary: columns at or right of it go right.
                let boundary = candidates.min { a, b in
                    let lossA = leftColumns.filter { $0 >= a }.count + rightColumns.filter { $0 < a }.count
                    let lossB = leftColumns.filter { $0 >= b }.count + rightColumns.filter { $0 < b }.count
                    return (lossA, a) < (lossB, b)
                }!
                let shared = Set(leftColumns).intersection(rightColumns)
                lost[left] += leftColumns.filter { $0 >= boundary }.count
                lost[right] += rightColumns.filter { $0 < boundary }.count
                taken[left] += rightColumns.filter { $0 < boundary && !shared.contains($0) }.count
                taken[right] += leftColumns.filter { $0 >= boundary && !shared.contains($0) }.count
            }
        }
        return boxes.indices.allSatisfy { index in
            let ink = inkRows[index].values.reduce(0) { $0 + $1.count }
            let kept = ink - lost[index]
            return Double(kept) >= 0.88 * Double(ink) && Double(kept) >= 0.88 * Double(kept + taken[index])
        }
    }

    @Test("a row parts cleanly by rows unless two digits share more ink than the rule forgives")
    func partingByRows() {
        // Two 4×4 digits drawn as solid squares, side by side and then sharing a column.
        let solid = [Bool](repeating: true, count: 16)
        func parts(overlap: Int) -> Bool {
            Self.partsCleanlyByRows(
                digitBoxes: [
                    PixelBox(x: 0, y: 0, width: 4, height: 4), PixelBox(x: 4 - overlap, y: 0, width: 4, height: 4),
                ],
                digitInk: [solid, solid])
        }
        #expect(parts(overlap: 0))
        // One shared column is a quarter of a digit's ink: whichever side takes it, the other
        // keeps only 75%.
        #expect(!parts(overlap: 1))
        // Digits 10 wide sharing one column: each may lose 10%.
        let wide = [Bool](repeating: true, count: 40)
        #expect(
            Self.partsCleanlyByRows(
                digitBoxes: [PixelBox(x: 0, y: 0, width: 10, height: 4), PixelBox(x: 9, y: 0, width: 10, height: 4)],
                digitInk: [wide, wide]))
    }

    /// How many rows the cuts alone allow to be read right: in how many of
    /// `DIGITS_CLEAN_READINGS` unseen rows of each of touching, tight and spaced (from MNIST's
    /// test digits) some reading made only of clean candidates — each labelled a digit by
    /// `label(ofInk:…)`, read as that digit — gives the row's digits. No verifier trained on these
    /// labels, however good, can make the reader read more rows than that from clean candidates.
    /// Beside it, in how many rows the best parting of each pixel row would leave every digit
    /// clean (`partsCleanlyByRows`), and in how many a reading exists when a candidate holding two
    /// neighbours cleanly (`cleanPair`) may also be read as both: what a reader that reads a
    /// touching pair whole, rather than cutting it, could reach. The cuts are placed as the
    /// shipped reader places them, with its cut scorer; `DIGITS_CLEAN_READINGS_BY_INK` set places
    /// them by ink alone, and `DIGITS_READING_SEED` and `DIGITS_READING_SETTINGS` draw other rows
    /// and change the reader's settings as for `ReadingAccuracyTests`.
    ///
    ///     DIGITS_CLEAN_READINGS=500 swift test -c release --filter DigitVerifierTraining/cleanReadings
    @Test func cleanReadings() throws {
        guard let count = Self.environment["DIGITS_CLEAN_READINGS"].flatMap({ Int($0) }) else { return }
        let directory = try #require(FullMNIST.directory, "measuring clean readings needs full MNIST")
        let byInk = Self.environment["DIGITS_CLEAN_READINGS_BY_INK"] != nil
        var reader = NumberReader(
            model: try ShippedModel.load().model, verifier: nil,
            cutScorer: byInk ? nil : try ShippedModel.loadCutScorer().model)
        reader.settings = try ReadingAccuracyTests.tuned(reader.settings)
        let unseen = try ReadingSets(digits: directory.load(.test))
        // `DIGITS_READING_KINDS` may name fewer.
        let kinds = try ReadingAccuracyTests.measuredKinds()
        let seed = try ReadingAccuracyTests.seed()
        for kind in [ReadingSetKind.touching, .tight, .spaced] where kinds.contains(kind) {
            var (rows, clean, parted, withPairs) = (0, 0, 0, 0)
            for sample in unseen.samples(kind, count: count, seed: seed) {
                guard let found = try Self.labelledCandidates(of: sample, reader: reader) else { continue }
                let digits = sample.text.compactMap(\.wholeNumberValue)
                var lattice = found.row.lattice(of: found.parts, height: found.height, candidates: found.candidates)
                lattice.candidates = zip(found.labels, lattice.candidates).compactMap { label, read in
                    guard let label, label != Self.notOneDigit else { return nil }
                    return ReadingLattice.Candidate(parts: read.parts, digit: label, score: 0)
                }
                rows += 1
                if Self.partsCleanlyByRows(digitBoxes: sample.digitBoxes, digitInk: sample.digitInk) { parted += 1 }
                if lattice.best().candidates.map({ lattice.candidates[$0].digit }) == digits { clean += 1 }
                let inkCounts = sample.digitInk.map { $0.filter { $0 }.count }
                let pairs = found.candidates.compactMap { candidate -> (parts: Range<Int>, first: Int)? in
                    Self.cleanPair(
                        ofInk: Self.inkPixels(of: candidate, parts: found.parts, row: found.row),
                        digitBoxes: sample.digitBoxes, digitInk: sample.digitInk, inkCounts: inkCounts
                    ).map { (candidate.parts, $0) }
                }
                if Self.reads(
                    digits, partCount: found.parts.count, singles: lattice.candidates, pairs: pairs,
                    markCosts: lattice.markCosts)
                {
                    withPairs += 1
                }
            }
            print(
                "\(kind): \(clean) of \(rows) unseen rows have a reading of clean candidates, "
                    + String(format: "%.1f%%", 100 * Double(clean) / Double(max(1, rows)))
                    + "; parting each pixel row at its best column would leave \(parted) clean; "
                    + "\(withPairs) have one if a candidate holding two neighbours cleanly may be read as both")
        }
    }

    @Test func trainOnCandidates() throws {
        guard let output = Self.environment["DIGITS_VERIFIER_OUTPUT"] else { return }
        let directory = try #require(FullMNIST.directory, "training the verifier needs full MNIST")
        let seed: UInt64 = 0x7E41_F1E5
        let rowsPerKind = 1500
        // Touching rows twice: they hold most of what the verifier must learn.
        let kinds: [ReadingSetKind] = [.spaced, .tight, .touching, .touching, .sizesAndPens, .printed]
        let reader = NumberReader(model: try ShippedModel.load().model, verifier: nil, cutScorer: nil)
        let training = try ReadingSets(digits: directory.load(.train))
        let heldOut = try ReadingSets(digits: directory.load(.test))

        var examples = LabelledExamples()
        for (number, kind) in kinds.enumerated() {
            let samples = (0 ..< rowsPerKind).map {
                training.sample(kind, index: number * rowsPerKind + $0, seed: seed)
            }
            examples.append(try Self.candidates(of: samples, reader: reader))
        }
        var held = LabelledExamples()
        for kind in [ReadingSetKind.spaced, .touching, .printed] {
            held.append(try Self.candidates(of: heldOut.samples(kind, count: 150, seed: seed), reader: reader))
        }
        let wholeDigits = examples.labels.filter { $0 != Self.notOneDigit }.count
        print("\(examples.labels.count) candidates, \(wholeDigits) of them whole digits; \(held.labels.count) held out")

        let hidden = [256, 128]
        let epochs = 10
        let batchSize = 128
        let peakRate: Float = 0.05
        var generator = SplitMix64(seed: 11)
        var model = MLP(
            inputCount: LabelledExamples.side, hidden: hidden, outputCount: ModelFile.verifierOutputCount,
            activation: .relu, generator: &generator)
        var optimizer = Optimizer(for: model, method: .sgd, momentum: 0.9)
        var order = Array(examples.labels.indices)
        var heldOutRight = 0.0
        for epoch in 0 ..< epochs {
            for i in order.indices.reversed() {
                order.swapAt(i, generator.nextIndex(below: i + 1))
            }
            examples.trainEpoch(
                epoch, of: epochs, model: &model, optimizer: &optimizer, order: order, batchSize: batchSize,
                peakRate: peakRate)
            heldOutRight = held.accuracy(of: model)
            print(
                "epoch \(epoch + 1) of \(epochs): \(String(format: "%.2f", 100 * heldOutRight))% of held-out candidates right"
            )
        }

        let summary: [String: Any] = [
            "made by": "scripts/train-verifier",
            "network": "784-" + hidden.map(String.init).joined(separator: "-") + "-11 relu, output 10 = not one digit",
            "candidates": examples.labels.count, "whole digits": wholeDigits,
            "rows":
                "\(rowsPerKind) each of spaced, tight, touching (twice), sizes and pens, printed, from MNIST's training digits",
            "training":
                "\(epochs) epochs of SGD, momentum 0.9, batches of \(batchSize), learning rate \(peakRate) on a cosine",
            "held-out candidates right": heldOutRight,
        ]
        try LabelledExamples.write(model, summary: summary, to: output)
    }

    /// A row of digits made ready for training on whole readings: its candidates' 28×28 inputs
    /// (bytes), what each scores apart from the verifier's term, its lattice, and the digits it
    /// shows.
    struct TrainingRow {
        var kind: ReadingSetKind
        var inputs: [UInt8]
        var scoresWithoutVerifier: [Double]
        var lattice: ReadingLattice
        var digits: [Int]

        /// The candidates' inputs as a batch, one row each.
        var batch: Matrix {
            let side = NormalizedDigit.side * NormalizedDigit.side
            return Matrix(rows: inputs.count / side, columns: side, values: inputs.map { Float($0) / 255 })
        }
    }

    /// The one-row pictures of `samples`, made ready for training (`reader` has no verifier: the
    /// candidates do not depend on one).
    static func trainingRows(of samples: [ReadingSample], reader: NumberReader) throws -> [TrainingRow] {
        var rows: [TrainingRow] = []
        for sample in samples {
            let segmenters = try reader.rowSegmenters(of: sample.image, name: sample.name)
            guard segmenters.count == 1 else { continue }
            let (parts, height, candidates) = segmenters[0].candidates()
            guard !parts.isEmpty else { continue }
            let lattice = segmenters[0].lattice(of: parts, height: height, candidates: candidates)
            // Each score with the verifier's log-probability at 0, and so its term left out.
            let scores = candidates.map { candidate in
                var evidence = candidate.evidence
                evidence.verifierLogChance = 0
                return evidence.score(with: reader.settings)
            }
            rows.append(
                TrainingRow(
                    kind: sample.kind,
                    inputs: candidates.flatMap { $0.input.pixels.map { UInt8(($0 * 255).rounded()) } },
                    scoresWithoutVerifier: scores,
                    lattice: lattice,
                    digits: sample.text.compactMap(\.wholeNumberValue)))
        }
        return rows
    }

    /// `row`'s lattice scored with the verifier's `outputs` (its logits for the candidates), and,
    /// for training, each candidate's probabilities from the verifier and whether the
    /// log-probability of its digit was cut at the reader's floor (`CandidateEvidence.logChance`),
    /// where it stops counting.
    static func lattice(
        of row: TrainingRow, verifier outputs: Matrix, share: Double
    ) -> (lattice: ReadingLattice, probabilities: [[Double]], floored: [Bool]) {
        var lattice = row.lattice
        var probabilities: [[Double]] = []
        var floored: [Bool] = []
        let floor = CandidateEvidence.logChance(0)
        for index in lattice.candidates.indices {
            let logits = (0 ..< outputs.columns).map { Double(outputs[index, $0]) }
            let largest = logits.max()!
            let logTotal = largest + log(logits.reduce(0) { $0 + exp($1 - largest) })
            let logChance = logits[lattice.candidates[index].digit] - logTotal
            lattice.candidates[index].score = row.scoresWithoutVerifier[index] + share * max(logChance, floor)
            probabilities.append(logits.map { exp($0 - logTotal) })
            floored.append(logChance < floor)
        }
        return (lattice, probabilities, floored)
    }

    /// How many of `rows` of each kind `verifier` makes the reader read whole.
    static func readWhole(_ rows: [TrainingRow], verifier: MLP, share: Double) -> [ReadingSetKind: Double] {
        var right: [ReadingSetKind: (read: Int, of: Int)] = [:]
        for row in rows {
            let (lattice, _, _) = Self.lattice(of: row, verifier: verifier.logits(row.batch), share: share)
            let digits = lattice.best().candidates.map { lattice.candidates[$0].digit }
            right[row.kind, default: (0, 0)].of += 1
            if digits == row.digits { right[row.kind, default: (0, 0)].read += 1 }
        }
        return right.mapValues { Double($0.read) / Double($0.of) }
    }

    /// The second stage: the verifier from the first, trained further on the loss of whole
    /// readings (`ReadingLattice.readingLoss(of:)`), one row a step.
    ///
    /// The first stage teaches it what each candidate is, one at a time. But a row is read right
    /// only when its right reading outscores every other, and a cut-out digit looks unlike MNIST's
    /// digits in ways that need no label to matter: what counts is how the verifier's answers
    /// compare across the readings of one row. So the loss is that of graph transformer networks
    /// (Bottou, Bengio and LeCun): the log of the total weight of all readings less that of the
    /// readings that give the row's digits, over the reader's own lattice. Its
    /// gradient reaches the verifier's logits through its log-softmax, weighed by
    /// `verifierShare`; every other term of the score stays as it is.
    @Test func fineTuneOnReadings() throws {
        guard let output = Self.environment["DIGITS_VERIFIER_OUTPUT"] else { return }
        let directory = try #require(FullMNIST.directory, "training the verifier needs full MNIST")
        let seed: UInt64 = 0x5C0_4E5
        let rowsPerKind: [(ReadingSetKind, Int)] = [
            (.touching, 1000), (.spaced, 400), (.tight, 300), (.sizesAndPens, 400), (.degraded, 300), (.printed, 150),
        ]
        let epochs = 2
        let learningRate: Float = 0.0001
        let start = try ModelFile(contentsOf: output, outputs: ModelFile.verifierOutputCount)
        let reader = NumberReader(model: try ShippedModel.load().model, verifier: nil, cutScorer: nil)
        let share = reader.settings.verifierShare
        let training = try ReadingSets(digits: directory.load(.train))
        var rows: [TrainingRow] = []
        var checks: [TrainingRow] = []
        for (kind, count) in rowsPerKind {
            rows += try Self.trainingRows(of: training.samples(kind, count: count, seed: seed), reader: reader)
            // Rows to watch the training by, drawn with another seed.
            checks += try Self.trainingRows(
                of: training.samples(kind, count: count / 3, seed: seed + 1), reader: reader)
        }
        let candidates = rows.reduce(0) { $0 + $1.lattice.candidates.count }
        print("\(rows.count) rows, \(candidates) candidates; \(checks.count) rows to check by")
        func report(_ label: String, _ verifier: MLP) -> [ReadingSetKind: Double] {
            let read = Self.readWhole(checks, verifier: verifier, share: share)
            let text = rowsPerKind.map { "\($0.0.rawValue) \(String(format: "%.1f", 100 * read[$0.0, default: 0]))%" }
            print("\(label): rows read whole: " + text.joined(separator: ", "))
            return read
        }
        _ = report("before", start.model)

        var model = start.model
        var optimizer = Optimizer(for: model, method: .adam, momentum: 0.9)
        var generator = SplitMix64(seed: 12)
        var order = Array(rows.indices)
        var read: [ReadingSetKind: Double] = [:]
        for epoch in 0 ..< epochs {
            order.deterministicShuffle(using: &generator)
            var totalLoss = 0.0
            for index in order {
                let row = rows[index]
                let batch = row.batch
                let outputs = model.forwardOutputs(batch)
                let (lattice, probabilities, floored) = Self.lattice(of: row, verifier: outputs.last!, share: share)
                guard let (loss, gradient) = lattice.readingLoss(of: row.digits) else { continue }
                totalLoss += loss
                // A candidate's score holds share · log p_d of its digit d, so
                // dL/dlogit j = share · dL/dscore · (δ_dj − p_j).
                var logitGradient = Matrix(rows: batch.rows, columns: ModelFile.verifierOutputCount)
                for candidate in 0 ..< batch.rows where !floored[candidate] {
                    let slope = share * gradient[candidate]
                    let digit = lattice.candidates[candidate].digit
                    for j in 0 ..< ModelFile.verifierOutputCount {
                        logitGradient[candidate, j] = Float(
                            (j == digit ? slope : 0) - probabilities[candidate][j] * slope)
                    }
                }
                let backward = model.backward(input: batch, outputs: outputs, outputGradient: logitGradient)
                optimizer.step(&model, gradients: backward.gradients, learningRate: learningRate)
            }
            read = report(
                "epoch \(epoch + 1) of \(epochs), mean loss \(String(format: "%.3f", totalLoss / Double(rows.count)))",
                model)
        }

        var summary =
            try JSONSerialization.jsonObject(with: Data((start.trainingRecord.summary ?? "{}").utf8))
            as? [String: Any] ?? [:]
        summary["then"] =
            "\(epochs) epochs of Adam at \(learningRate), one row a step, on the loss of whole readings of "
            + rowsPerKind.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ")
            + " rows from MNIST's training digits (seed \(seed))"
        summary["check rows"] = "a third as many of each kind, from MNIST's training digits with seed \(seed + 1)"
        summary["check rows read whole after"] = Dictionary(
            uniqueKeysWithValues: read.map { ($0.key.rawValue, $0.value) })
        let json = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys, .withoutEscapingSlashes])
        try ModelFile(model: model, trainingRecord: TrainingRecord(summary: String(decoding: json, as: UTF8.self)))
            .write(to: output, precision: .float16)
    }
}
