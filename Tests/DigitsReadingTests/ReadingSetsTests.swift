import DigitsImaging
import DigitsTestSupport
import Foundation
import Testing

/// The generator of labelled number pictures: that it is repeatable, and that its pictures are
/// what each kind promises, checked on the pictures themselves rather than on how they were made.
@Suite struct ReadingSetsTests {
    /// Samples per kind in these checks: enough to meet every kind's variations.
    static let count = 12

    @Test("a seed and an index always give the same picture and text; another seed another picture")
    func deterministic() throws {
        let sets = try ReadingSets.fixtures()
        for kind in ReadingSetKind.allCases {
            let first = sets.sample(kind, index: 3)
            let again = sets.sample(kind, index: 3)
            #expect(first.image == again.image && first.text == again.text, "\(kind)")
            #expect(sets.sample(kind, index: 3, seed: 99).image != first.image, "\(kind)")
            #expect(sets.samples(kind, count: 4)[3].image == first.image, "\(kind)")
        }
    }

    @Test(
        "every picture is a sensible size and holds a number of the promised length", arguments: ReadingSetKind.allCases
    )
    func sizesAndLengths(kind: ReadingSetKind) throws {
        for sample in try ReadingSets.fixtures().samples(kind, count: Self.count) {
            #expect((20 ... 2500).contains(sample.image.width), "\(sample.name): \(sample.image.width) wide")
            #expect((20 ... 800).contains(sample.image.height), "\(sample.name): \(sample.image.height) high")
            #expect(sample.text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "\n") }, "\(sample.name)")
            let rows = sample.text.split(separator: "\n", omittingEmptySubsequences: false)
            if kind == .multiRow {
                #expect((2 ... 3).contains(rows.count), "\(sample.name): \(rows.count) rows")
                #expect(rows.allSatisfy { (3 ... 6).contains($0.count) }, "\(sample.name): \(sample.text)")
            } else {
                #expect(rows.count == 1 && (3 ... 10).contains(sample.digitCount), "\(sample.name): \(sample.text)")
            }
        }
    }

    @Test(
        "no ink is cut off: the picture's edges are bare paper",
        arguments: [
            ReadingSetKind.spaced, .tight, .touching, .sizesAndPens, .multiRow,
        ])
    func margins(kind: ReadingSetKind) throws {
        for sample in try ReadingSets.fixtures().samples(kind, count: Self.count) {
            let ink = InkMask(sample.image)
            let width = ink.width
            let height = ink.height
            let edges =
                (0 ..< width).flatMap { [(x: $0, y: 0), (x: $0, y: height - 1)] }
                + (0 ..< height).flatMap { [(x: 0, y: $0), (x: width - 1, y: $0)] }
            #expect(!edges.contains { ink[$0.x, $0.y] }, "\(sample.name)")
        }
    }

    @Test("spaced digits stand apart: a run of inked columns per digit")
    func spacedColumns() throws {
        var oneRunEach = 0
        for sample in try ReadingSets.fixtures().samples(.spaced, count: Self.count) {
            let runs = InkMask(sample.image).columnRuns()
            #expect(runs >= sample.digitCount, "\(sample.name): \(runs) runs for \(sample.text)")
            if runs == sample.digitCount { oneRunEach += 1 }
        }
        // Some fixture digits have a stroke of their own off to one side (a 7's lead-in tick).
        #expect(oneRunEach >= Self.count - 2)
    }

    @Test("touching digits merge into fewer pieces of ink than digits; tight ones do not")
    func touchingMerges() throws {
        let sets = try ReadingSets.fixtures()
        var merged = 0
        for sample in sets.samples(.touching, count: Self.count) {
            let pieces = InkMask(sample.image).pieceCount()
            // A digit may itself be broken (a 5's detached bar), so not every row is one piece.
            if pieces < sample.digitCount { merged += 1 }
            #expect(pieces <= sample.digitCount, "\(sample.name): \(pieces) pieces for \(sample.text)")
        }
        #expect(merged == Self.count)
        for sample in sets.samples(.tight, count: Self.count) {
            let pieces = InkMask(sample.image).pieceCount()
            #expect(pieces >= sample.digitCount, "\(sample.name): \(pieces) pieces for \(sample.text)")
        }
    }

    @Test("light-on-dark pictures occur among the pens and in print, dark-on-light elsewhere")
    func polarity() throws {
        let sets = try ReadingSets.fixtures()
        let lightOnDark = sets.samples(.sizesAndPens, count: 20).filter { InkMask($0.image).lightOnDark }
        #expect(!lightOnDark.isEmpty && lightOnDark.count < 20)
        #expect(sets.samples(.spaced, count: Self.count).allSatisfy { !InkMask($0.image).lightOnDark })
    }

    /// Writes a few samples of each kind as PNGs to `$DIGITS_READING_SAMPLES_DIR`, for a person to
    /// look at (`scripts/reading-samples`); does nothing unless that is set.
    @Test(
        "samples are written for viewing when asked",
        .enabled(if: ProcessInfo.processInfo.environment["DIGITS_READING_SAMPLES_DIR"] != nil))
    func writeSamples() throws {
        let environment = ProcessInfo.processInfo.environment
        let directory = environment["DIGITS_READING_SAMPLES_DIR"]!
        let count = Int(environment["DIGITS_READING_SAMPLES"] ?? "") ?? 6
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for kind in ReadingSetKind.allCases {
            for sample in try ReadingSets.fixtures().samples(kind, count: count) {
                let text = sample.text.replacingOccurrences(of: "\n", with: "_")
                try PNGEncoder.write(sample.image, toFile: "\(directory)/\(sample.name)-\(text).png")
            }
        }
    }
}

/// Which pixels of a picture are ink: those further from the paper's level (the commonest gray)
/// than half the way to the level furthest from it.
struct InkMask {
    let width: Int
    let height: Int
    /// Whether the ink is lighter than the paper.
    let lightOnDark: Bool
    private let inked: [Bool]

    init(_ image: GrayAlphaImage) {
        var counts = [Int](repeating: 0, count: 256)
        for level in image.gray { counts[Int(level)] += 1 }
        let paper = counts.indices.max { counts[$0] < counts[$1] }!
        let darkest = Int(image.gray.min()!)
        let lightest = Int(image.gray.max()!)
        lightOnDark = lightest - paper > paper - darkest
        let reach = max(lightest - paper, paper - darkest) / 2
        width = image.width
        height = image.height
        inked = image.gray.map { abs(Int($0) - paper) > reach }
    }

    subscript(x: Int, y: Int) -> Bool { inked[y * width + x] }

    /// The number of runs of columns holding ink, split by at least `gap` bare columns.
    func columnRuns(gap: Int = 2) -> Int {
        let columns = (0 ..< width).map { x in (0 ..< height).contains { self[x, $0] } }
        var runs = 0
        var bare = gap
        for hasInk in columns {
            if hasInk {
                if bare >= gap { runs += 1 }
                bare = 0
            } else {
                bare += 1
            }
        }
        return runs
    }

    /// The number of 8-connected pieces of ink of more than `speck` pixels.
    func pieceCount(speck: Int = 4) -> Int {
        var seen = [Bool](repeating: false, count: inked.count)
        var pieces = 0
        for start in inked.indices where inked[start] && !seen[start] {
            var stack = [start]
            var area = 0
            seen[start] = true
            while let index = stack.popLast() {
                area += 1
                let x = index % width
                let y = index / width
                for ny in max(0, y - 1) ... min(height - 1, y + 1) {
                    for nx in max(0, x - 1) ... min(width - 1, x + 1)
                    where inked[ny * width + nx] && !seen[ny * width + nx] {
                        seen[ny * width + nx] = true
                        stack.append(ny * width + nx)
                    }
                }
            }
            if area > speck { pieces += 1 }
        }
        return pieces
    }
}
