import DigitsKit

/// The human-readable report for one classified file.
struct ClassificationText {
    let file: String
    let result: Classification
    let top: Int?
    let show: Bool

    func render() -> String {
        var lines = ["\(file): \(result.prediction) (\(Format.percent(Double(result.confidence), decimals: 1)))"]
        if let warning = result.warning {
            lines.append("  note: \(warning) — the picture looks blank, so this guess means nothing")
        }
        let rows = top.map { result.top($0) } ?? result.probabilities.enumerated().map { ($0.offset, $0.element) }
        for (digit, probability) in rows {
            let percent = Format.percent(Double(probability), decimals: 1)
            let padded = String(repeating: " ", count: max(0, 6 - percent.count)) + percent
            lines.append(
                "  \(digit)  \(padded)  \(Format.bar(Double(probability), width: 20))"
                    + (digit == result.prediction ? "  ←" : ""))
        }
        if show {
            lines.append("  what the network saw (28×28):")
            lines.append(contentsOf: Self.picture(result.input).map { "  " + $0 })
        }
        return lines.joined(separator: "\n")
    }

    /// The 28×28 input drawn with shade characters, two per pixel so it keeps its shape.
    static func picture(_ digit: NormalizedDigit) -> [String] {
        let shades: [Character] = [" ", "░", "▒", "▓", "█"]
        let border = "+" + String(repeating: "-", count: 2 * NormalizedDigit.side) + "+"
        var lines = [border]
        for y in 0 ..< NormalizedDigit.side {
            var line = "|"
            for x in 0 ..< NormalizedDigit.side {
                let value = min(max(digit[x, y], 0), 1)
                let shade = shades[min(shades.count - 1, Int((value * Float(shades.count - 1)).rounded()))]
                line.append(shade)
                line.append(shade)
            }
            lines.append(line + "|")
        }
        lines.append(border)
        return lines
    }
}
