import ArgumentParser
import DigitsKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#endif

/// `digits classify`: which digit each PNG shows, with the ten class probabilities.
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Say which digit each PNG picture shows.",
        discussion: """
            Reads any PNG (gray, colour, palette, 16-bit, interlaced, transparent), normalises it \
            the way MNIST's digits were made — ink found and made light on black, cropped, scaled \
            to fit 20×20 and centred by its centre of mass in 28×28 — and prints the model's \
            probability for each digit. A folder stands for the .png files in it, in name order; \
            `-` reads one PNG from standard input.

            Every file is attempted. Exit status: 0 when all were classified, 1 when any failed.
            """
    )

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Print one JSON object per file (JSON Lines) instead of text.")
    var json = false

    @Option(help: ArgumentHelp("Show only the k most likely digits, most likely first.", valueName: "k"))
    var top: Int?

    @Flag(help: "Also draw the normalised 28×28 input the network saw.")
    var show = false

    @Argument(help: ArgumentHelp("PNG files or folders of them to classify (- for standard input).",
                                 valueName: "file"))
    var files: [String]

    mutating func validate() throws {
        guard !files.isEmpty else { throw ValidationError("Name at least one PNG file (or - for standard input).") }
        if let top, !(1 ... 10).contains(top) { throw ValidationError("--top must be between 1 and 10.") }
        guard files.filter({ $0 == "-" }).count <= 1 else {
            throw ValidationError("Standard input (-) can be read only once.")
        }
    }

    func run() throws {
        let (_, modelFile) = try modelOptions.load()
        let classifier = DigitClassifier(model: modelFile.model)
        var failures = 0
        for (index, file) in files.flatMap(Self.expandingFolders).enumerated() {
            do {
                let result = file == "-"
                    ? try classifier.classify(pngBytes: try StandardInput.readAll(limit: PNGDecoder.maximumFileSize),
                                              name: "standard input")
                    : try classifier.classify(contentsOfFile: file)
                if json {
                    print(try jsonLine(ClassificationRecord(file: file, result: result, top: top)))
                } else {
                    if index > 0 { print("") }
                    print(ClassificationText(file: file, result: result, top: top, show: show).render())
                }
            } catch {
                failures += 1
                if json {
                    print(try jsonLine(FailureRecord(file: file, error: "\(error)")))
                } else {
                    if index > 0 { print("") }
                    printError("Error: \(error)")
                }
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }

    /// A folder's .png files in name order; anything else as it is.
    static func expandingFolders(_ argument: String) -> [String] {
        guard argument != "-", let entries = try? FileManager.default.contentsOfDirectory(atPath: argument) else {
            return [argument]
        }
        let pngs = entries.filter { $0.lowercased().hasSuffix(".png") }.sorted()
        // An empty folder stays in the list, so that it is reported rather than silently skipped.
        return pngs.isEmpty ? [argument] : pngs.map { argument.hasSuffix("/") ? argument + $0 : argument + "/" + $0 }
    }
}

/// The JSON Lines record for a classified file.
private struct ClassificationRecord: Encodable {
    var file: String
    var prediction: Int
    var confidence: Float
    var probabilities: [Float]
    var top: [Entry]?
    var warning: String?

    struct Entry: Encodable {
        var digit: Int
        var probability: Float
    }

    init(file: String, result: Classification, top: Int?) {
        self.file = file
        prediction = result.prediction
        confidence = result.confidence
        probabilities = result.probabilities
        self.top = top.map { result.top($0).map { Entry(digit: $0.digit, probability: $0.probability) } }
        warning = result.warning
    }
}

/// The JSON Lines record for a file that could not be classified.
private struct FailureRecord: Encodable {
    var file: String
    var error: String
}

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
            lines.append("  \(digit)  \(padded)  \(Format.bar(Double(probability), width: 20))"
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

/// Reads standard input whole, refusing more than `limit` bytes.
enum StandardInput {
    struct TooLarge: Error, CustomStringConvertible {
        let limit: Int
        var description: String { "standard input holds more than \(Format.bytes(limit)), more than any PNG digits reads" }
    }

    static func readAll(limit: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                break
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0 ..< count])
            if bytes.count > limit { throw TooLarge(limit: limit) }
        }
        return bytes
    }
}
