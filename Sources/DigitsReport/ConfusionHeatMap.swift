/// The confusion matrix as an SVG heat map with the count in every cell.
///
/// Rows are the true digits and columns the predictions. Cells on the diagonal (right answers)
/// are blue, as deep as the share of the row they hold; cells off it (mistakes) are red, as deep
/// as their count against the largest mistake, so that the common confusions stand out even when
/// they are a sliver of the whole.
public struct ConfusionHeatMap: Sendable {
    /// `confusion[truth][prediction]`, square.
    public var confusion: [[Int]]

    /// A heat map of `confusion` (`confusion[truth][prediction]`, square).
    public init(confusion: [[Int]]) {
        self.confusion = confusion
    }

    /// The fill and text colours of the cell at `truth`, `predicted`, as CSS colours.
    public func colors(truth: Int, predicted: Int) -> (fill: String, text: String) {
        let count = confusion[truth][predicted]
        let strength: Double
        if truth == predicted {
            let total = confusion[truth].reduce(0, +)
            strength = total == 0 ? 0 : Double(count) / Double(total)
        } else {
            var largest = 0
            for t in confusion.indices {
                for p in confusion[t].indices where p != t { largest = max(largest, confusion[t][p]) }
            }
            strength = largest == 0 ? 0 : Double(count) / Double(largest)
        }
        let fill = DivergingColor.color(of: truth == predicted ? -strength : strength, limit: 1)
        return (Self.css(fill), strength > 0.55 ? "#fff" : "#222")
    }

    /// The map as an `<svg>` element.
    public func svg() -> String {
        let classes = confusion.count
        let cell = 36.0, left = 56.0, top = 44.0
        let c = HTMLText.coordinate
        let size = (width: left + cell * Double(classes) + 8, height: top + cell * Double(classes) + 8)
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" class="heatmap" viewBox="0 0 \(c(size.width)) \(c(size.height))" \
            role="img" aria-label="Confusion matrix: rows are true digits, columns predicted digits" \
            font-family="sans-serif" font-size="12">
            """
        svg +=
            "<text x=\"\(c(left + cell * Double(classes) / 2))\" y=\"12\" text-anchor=\"middle\">predicted digit</text>"
        svg += "<text transform=\"translate(12 \(c(top + cell * Double(classes) / 2))) rotate(-90)\" "
        svg += "text-anchor=\"middle\">true digit</text>"
        for digit in 0 ..< classes {
            let centre = Double(digit) * cell + cell / 2
            svg +=
                "<text x=\"\(c(left + centre))\" y=\"\(c(top - 8))\" text-anchor=\"middle\" font-weight=\"bold\">\(digit)</text>"
            svg +=
                "<text x=\"\(c(left - 8))\" y=\"\(c(top + centre))\" text-anchor=\"end\" dominant-baseline=\"middle\" "
                + "font-weight=\"bold\">\(digit)</text>"
        }
        for truth in 0 ..< classes {
            for predicted in 0 ..< classes {
                let (fill, text) = colors(truth: truth, predicted: predicted)
                let x = left + Double(predicted) * cell, y = top + Double(truth) * cell
                svg +=
                    "<rect x=\"\(c(x))\" y=\"\(c(y))\" width=\"\(c(cell))\" height=\"\(c(cell))\" fill=\"\(fill)\" "
                    + "stroke=\"#fff\"/>"
                svg +=
                    "<text class=\"count\" data-true=\"\(truth)\" data-predicted=\"\(predicted)\" "
                    + "x=\"\(c(x + cell / 2))\" y=\"\(c(y + cell / 2))\" text-anchor=\"middle\" "
                    + "dominant-baseline=\"middle\" fill=\"\(text)\">\(confusion[truth][predicted])</text>"
            }
        }
        return svg + "</svg>"
    }

    /// `#rrggbb` for a colour.
    static func css(_ color: (red: UInt8, green: UInt8, blue: UInt8)) -> String {
        func hex(_ byte: UInt8) -> String {
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
        }
        return "#" + hex(color.red) + hex(color.green) + hex(color.blue)
    }
}
