import Foundation

/// How well a set of numbers was read: the share read exactly, the share of digits right, and
/// the time reading took.
///
/// Digits are scored by edit distance, so that a digit missed or read twice costs one digit, not
/// every digit after it. Row breaks are left out of the digit score (a row split wrongly still
/// shows in the whole-number score).
public struct ReadingScore: Equatable, Sendable {
    /// Numbers scored.
    public private(set) var samples = 0
    /// Numbers whose text was read exactly, row breaks included.
    public private(set) var exact = 0
    /// Digits in the expected texts.
    public private(set) var expectedDigits = 0
    /// Digits inserted, deleted or replaced to turn the texts read into the expected ones.
    public private(set) var digitErrors = 0
    /// Time spent reading, all samples together.
    public private(set) var readingTime: Duration = .zero

    /// An empty score.
    public init() {}

    /// Scores one number: `read` is what the reader made of a picture of `expected`, in `time`.
    public mutating func add(expected: String, read: String, time: Duration = .zero) {
        samples += 1
        if read == expected { exact += 1 }
        let expectedDigits = Array(expected.filter { $0 != "\n" })
        self.expectedDigits += expectedDigits.count
        digitErrors += Self.editDistance(Array(read.filter { $0 != "\n" }), expectedDigits)
        readingTime += time
    }

    /// The share of numbers read exactly, 0 when none were scored.
    public var wholeAccuracy: Double {
        samples == 0 ? 0 : Double(exact) / Double(samples)
    }

    /// One less the digit errors per expected digit, over all samples; 0 at worst (a reader that
    /// invents many digits cannot score below nothing).
    public var digitAccuracy: Double {
        expectedDigits == 0 ? 0 : max(0, 1 - Double(digitErrors) / Double(expectedDigits))
    }

    /// The mean time to read one number.
    public var meanReadingTime: Duration {
        samples == 0 ? .zero : readingTime / samples
    }

    /// The Levenshtein distance: the fewest insertions, deletions and replacements of one element
    /// that turn `a` into `b`.
    public static func editDistance<Element: Equatable>(_ a: [Element], _ b: [Element]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        // One row of the dynamic-programming table at a time: distances from a prefix of `a` to
        // every prefix of `b`.
        var previous = Array(0 ... b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1 ... a.count {
            current[0] = i
            for j in 1 ... b.count {
                let replace = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(replace, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// A Markdown table of `rows` (a name and its score each, under the heading `names`), one line
    /// per row, columns padded so it also reads as plain text.
    public static func markdownTable(_ rows: [(name: String, score: ReadingScore)], names: String = "kind") -> String {
        let header = [names, "samples", "whole numbers", "digits", "mean read time"]
        let body = rows.map { name, score in
            [
                name, "\(score.samples)", percent(score.wholeAccuracy), percent(score.digitAccuracy),
                milliseconds(score.meanReadingTime),
            ]
        }
        let widths = header.indices.map { column in ([header] + body).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            // Names left-aligned, numbers right-aligned, as a reader compares them.
            let padded = cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }
            return "| " + padded.joined(separator: " | ") + " |"
        }
        let rule = widths.enumerated().map { column, width in
            column == 0 ? String(repeating: "-", count: width) : String(repeating: "-", count: width - 1) + ":"
        }
        return ([line(header), "| " + rule.joined(separator: " | ") + " |"] + body.map(line)).joined(separator: "\n")
    }

    private static func percent(_ share: Double) -> String {
        String(format: "%.1f%%", share * 100)
    }

    private static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.1f ms", (Double(seconds) + Double(attoseconds) * 1e-18) * 1000)
    }
}
