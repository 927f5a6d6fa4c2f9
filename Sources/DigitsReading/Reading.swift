import DigitsImaging

/// What `NumberReader` read in one picture: rows of digits, top to bottom.
public struct Reading: Equatable, Sendable {
    /// The rows of digits, top row first; empty when the picture has no ink.
    public var rows: [ReadRow]
    /// The picture's width, in pixels.
    public var width: Int
    /// The picture's height, in pixels.
    public var height: Int

    /// A reading from its rows and the size of the picture it came from.
    public init(rows: [ReadRow], width: Int, height: Int) {
        self.rows = rows
        self.width = width
        self.height = height
    }

    /// The number read: each row's digits, rows joined by a line feed (`"40917"`, `"12\n345"`).
    public var text: String {
        rows.map(\.text).joined(separator: "\n")
    }

    /// Every digit, row by row, left to right.
    public var digits: [ReadDigit] {
        rows.flatMap(\.digits)
    }

    /// The probability that every digit is right, taking the classifier's answers as independent:
    /// the product of the digits' confidences. 0 when nothing was read.
    public var confidence: Float {
        let digits = self.digits
        return digits.isEmpty ? 0 : digits.reduce(1) { $0 * $1.confidence }
    }

    /// A warning for the user, or nil: a picture with no ink reads as empty text.
    public var warning: String? {
        rows.isEmpty ? "no ink found" : nil
    }
}
