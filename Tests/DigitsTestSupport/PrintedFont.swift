import DigitsImaging
import Foundation

/// The digits of one printed face from `Fixtures/fonts`: each glyph's ink and how the face sets it.
struct PrintedFont: Sendable {
    /// One digit's glyph.
    struct Glyph: Sendable {
        /// The glyph's ink, cropped to it (about 64 pixels tall).
        var plane: InkPlane
        /// How far right of the pen its ink begins, in pixels.
        var bearing: Int
        /// How far above the baseline its ink reaches, in pixels.
        var rise: Int
        /// How far the pen moves on to the next digit, in pixels.
        var advance: Int
    }

    /// The strip's name, which says the face (`dejavu-sans-bold`).
    var name: String
    /// The glyphs of 0 to 9, in that order.
    var glyphs: [Glyph]

    /// Every face described by `glyphs.txt` in `directory`, in the order listed there.
    static func load(directory: String) throws -> [PrintedFont] {
        let table = try String(contentsOfFile: directory + "/glyphs.txt", encoding: .utf8)
        var order: [String] = []
        var glyphs: [String: [Int: Glyph]] = [:]
        var strips: [String: InkPlane] = [:]
        for line in table.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ").map(String.init)
            let numbers = fields.dropFirst(1).compactMap { Int($0) }
            guard fields.count == 9, numbers.count == 8, (0 ... 9).contains(numbers[0]) else {
                throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: directory + "/glyphs.txt"])
            }
            let name = fields[0]
            if strips[name] == nil {
                let strip = try PNGDecoder.decode(contentsOfFile: directory + "/" + name + ".png")
                // The strips are dark ink on white; ink is the darkness.
                strips[name] = InkPlane(
                    width: strip.width, height: strip.height, ink: strip.gray.map { Float(255 - $0) / 255 })
                order.append(name)
            }
            let box = PixelBox(x: numbers[1], y: numbers[2], width: numbers[3], height: numbers[4])
            glyphs[name, default: [:]][numbers[0]] = Glyph(
                plane: strips[name]!.cropped(to: box), bearing: numbers[5], rise: numbers[6], advance: numbers[7])
        }
        return try order.map { name in
            let digits = glyphs[name] ?? [:]
            guard digits.count == 10 else {
                throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: directory + "/glyphs.txt"])
            }
            return PrintedFont(name: name, glyphs: (0 ... 9).map { digits[$0]! })
        }
    }
}
