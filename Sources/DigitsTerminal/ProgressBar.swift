/// Renders one progress line, e.g.
/// `epoch 2/5 [██████████░░░░░░░░]  512/938  loss 0.1234  acc 96.12%  41,230 img/s  ETA 3s`.
///
/// Pure formatting: it returns a string and never writes; `StatusLine` puts it on a terminal.
/// The line never exceeds `width` characters, so redrawing it with `\r` cannot wrap: the bar
/// shrinks first (down to `minimumBarWidth`), then trailing fields are dropped, then the bar
/// shrinks further, and only then is the line cut.
public struct ProgressBar: Sendable {
    /// The most characters the rendered line may take (the terminal's width).
    public var width: Int
    /// The bar's length in cells when there is room for it.
    public var maximumBarWidth: Int
    /// The shortest bar drawn before fields are dropped to make room.
    public var minimumBarWidth: Int

    /// A progress bar for lines of at most `width` characters.
    public init(width: Int = 80, maximumBarWidth: Int = 30, minimumBarWidth: Int = 10) {
        self.width = width
        self.maximumBarWidth = maximumBarWidth
        self.minimumBarWidth = minimumBarWidth
    }

    /// The line for `done` of `total` items: `label`, the bar, `done/total` (with `done` padded
    /// to the width of `total` so the line does not shift as it grows), then each of `fields`
    /// after two spaces.
    ///
    /// `done` is clamped to `0...total`; a `total` of zero or less shows a full bar.
    public func render(label: String, done: Int, total: Int, fields: [String] = []) -> String {
        let totalText = String(total)
        let doneText = String(min(max(done, 0), max(total, 0)))
        let padding = String(repeating: " ", count: max(totalText.count - doneText.count, 0))
        let counter = padding + doneText + "/" + totalText
        let fraction = total > 0 ? Double(min(max(done, 0), total)) / Double(total) : 1

        var fields = fields
        while true {
            let head = label.isEmpty ? "" : label + " "
            let tail = " " + counter + fields.map { "  " + $0 }.joined()
            let room = width - head.count - tail.count - 2  // 2 for the brackets
            if room >= minimumBarWidth || fields.isEmpty {
                let cells = max(min(room, maximumBarWidth), 0)
                let line = head + "[" + Self.bar(fraction: fraction, cells: cells) + "]" + tail
                return line.count <= width ? line : String(line.prefix(max(width, 0)))
            }
            fields.removeLast()
        }
    }

    /// A bar `cells` long, filled with `█` for the completed part and `░` for the rest.
    ///
    /// A cell is only filled once fully earned, so the bar is full only at `fraction == 1`.
    public static func bar(fraction: Double, cells: Int) -> String {
        let cells = max(cells, 0)
        let clamped = fraction.isNaN ? 0 : min(max(fraction, 0), 1)
        let filled = min(Int((clamped * Double(cells)).rounded(.down)), cells)
        return String(repeating: "█", count: filled) + String(repeating: "░", count: cells - filled)
    }
}
