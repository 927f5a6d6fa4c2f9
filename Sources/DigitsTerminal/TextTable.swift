/// A table of text in aligned columns, for the confusion matrix, per-class precision and recall,
/// and benchmark results.
///
/// ```
/// digit  precision  recall
/// ─────  ─────────  ──────
///     0     99.18%  99.39%
/// ```
///
/// Columns whose cells all look like numbers (`98.12%`, `41,230`, `-0.5`, `1.2 MiB`) are
/// right-aligned, others left-aligned, unless `alignments` says otherwise. Widths are counted in
/// characters, which assumes every character takes one column (true of digits, Latin text and
/// the block characters used for bars).
public struct TextTable: Sendable {
    /// How a column's cells line up.
    public enum Alignment: Sendable {
        /// Padded on the right: for text.
        case left
        /// Padded on the left: for numbers, so that digits of the same place line up.
        case right
    }

    /// The column titles, drawn above a separator line; `nil` for a table without a header.
    public var header: [String]?
    /// The body, one array of cells per row; rows may have fewer cells than there are columns.
    public var rows: [[String]]
    /// An alignment per column; a missing or `nil` entry means "choose from the cells".
    public var alignments: [Alignment?]
    /// Spaces between columns.
    public var columnGap: Int

    /// A table with an optional header and initial rows.
    public init(header: [String]? = nil, rows: [[String]] = [], alignments: [Alignment?] = [], columnGap: Int = 2) {
        self.header = header
        self.rows = rows
        self.alignments = alignments
        self.columnGap = columnGap
    }

    /// Adds a row at the bottom.
    public mutating func append(_ row: [String]) {
        rows.append(row)
    }

    /// The table as lines joined by `\n`, without a trailing newline or trailing spaces.
    public func render() -> String {
        let columnCount = max(header?.count ?? 0, rows.map(\.count).max() ?? 0)
        guard columnCount > 0 else { return "" }
        let widths = (0 ..< columnCount).map { column in
            ((header.map { [$0] } ?? []) + rows).map { cell($0, column).count }.max() ?? 0
        }
        let aligned = (0 ..< columnCount).map { column in
            (column < alignments.count ? alignments[column] : nil) ?? automaticAlignment(of: column)
        }
        let gap = String(repeating: " ", count: max(columnGap, 0))

        func line(_ cells: [String]) -> String {
            let padded = (0 ..< columnCount).map { column -> String in
                let text = cell(cells, column)
                let padding = String(repeating: " ", count: widths[column] - text.count)
                return aligned[column] == .right ? padding + text : text + padding
            }
            return Self.trimmingTrailingSpaces(padded.joined(separator: gap))
        }

        var lines: [String] = []
        if let header {
            lines.append(line(header))
            let rules = widths.map { String(repeating: "─", count: $0) }
            lines.append(Self.trimmingTrailingSpaces(rules.joined(separator: gap)))
        }
        lines.append(contentsOf: rows.map(line))
        return lines.joined(separator: "\n")
    }

    private func cell(_ cells: [String], _ column: Int) -> String {
        column < cells.count ? cells[column] : ""
    }

    /// Right if every non-empty body cell of the column looks like a number, else left.
    private func automaticAlignment(of column: Int) -> Alignment {
        let cells = rows.map { cell($0, column) }.filter { !$0.isEmpty }
        return !cells.isEmpty && cells.allSatisfy(Self.looksNumeric) ? .right : .left
    }

    /// Whether `text` starts like a number: a digit, or a sign or point followed by a digit.
    static func looksNumeric(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars.prefix(2))
        func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0" ... "9").contains(scalar) }
        guard let first = scalars.first else { return false }
        if isDigit(first) { return true }
        return ["-", "+", "."].contains(first) && scalars.count == 2 && isDigit(scalars[1])
    }

    private static func trimmingTrailingSpaces(_ text: String) -> String {
        var text = Substring(text)
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}

extension TextTable: CustomStringConvertible {
    /// The rendered table.
    public var description: String { render() }
}
