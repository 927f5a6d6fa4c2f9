import DigitsKit

/// The human-readable report for one read file.
struct ReadingText {
    let file: String
    let reading: Reading
    let show: Bool
    /// Where the annotated picture was written, with `--annotate`.
    let annotation: String?

    func render() -> String {
        let digits = reading.digits
        var lines: [String] = []
        if digits.isEmpty {
            lines.append("\(file): no digits read")
        } else {
            // One line of text per row, the later rows under the first, so the number keeps its shape.
            let head = "\(file): "
            let confidence = Format.percent(Double(reading.confidence), decimals: 1)
            lines.append("\(head)\(reading.rows[0].text) (confidence \(confidence))")
            let indent = String(repeating: " ", count: head.count)
            lines.append(contentsOf: reading.rows.dropFirst().map { indent + $0.text })
        }
        let boxes = digits.map { "box \($0.box)" }
        let boxWidth = boxes.map(\.count).max() ?? 0
        for (digit, box) in zip(digits, boxes) {
            let percent = Format.percent(Double(digit.confidence), decimals: 1)
            var line = "  \(digit.digit)  " + String(repeating: " ", count: max(0, 6 - percent.count)) + percent
            line += "  \(box)"
            if reading.rows.count > 1 {
                line += String(repeating: " ", count: boxWidth - box.count) + "  row \(digit.row + 1)"
            }
            lines.append(line)
        }
        if let annotation { lines.append("  annotated: \(annotation)") }
        if show {
            for (index, digit) in digits.enumerated() {
                lines.append("  digit \(index + 1) of \(digits.count), read as \(digit.digit), as the network saw it:")
                lines.append(contentsOf: ClassificationText.picture(digit.classification.input).map { "  " + $0 })
            }
        }
        return lines.joined(separator: "\n")
    }
}
