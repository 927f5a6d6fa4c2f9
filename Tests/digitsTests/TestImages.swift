import DigitsKit
import DigitsTestSupport

/// Small images the end-to-end tests write to disk.
enum TestImages {
    /// A valid 1×1 opaque white PNG.
    static var whitePNG: [UInt8] {
        (try? PNGEncoder.encode(GrayAlphaImage(width: 1, height: 1, gray: 255))) ?? []
    }

    /// For each digit 0…9, a test digit of the bundled subset written clearly in one stroke,
    /// which the shipped model reads right with a probability near 1: `handwritten[7]` is the
    /// index of a 7 in the subset's test split.
    static let handwritten = [9, 3, 2, 5, 4, 11, 1, 25, 12, 13]

    /// How a composed number is drawn.
    enum Style {
        /// Black ink on white paper.
        case darkOnLight
        /// White ink on black, as MNIST itself.
        case lightOnDark
        /// Blue ink on a transparent canvas.
        case transparent
    }

    /// A picture of a handwritten number, one string of digits per row (`["12", "345"]`): each
    /// digit is its `handwritten` test digit enlarged `scale` times in its own 28-pixel cell, so
    /// neighbours stay apart by MNIST's margins, with `margin` pixels of background all round.
    static func number(
        _ rows: [String], scale: Int = 3, margin: Int = 20, style: Style = .darkOnLight
    ) throws -> GrayAlphaImage {
        let digits = try MNISTDirectory(path: DataTestSupport.subsetDirectory).load(.test)
        let cell = 28 * scale
        let width = 2 * margin + cell * (rows.map(\.count).max() ?? 0)
        let height = 2 * margin + cell * rows.count
        var ink = [UInt8](repeating: 0, count: width * height)
        for (row, text) in rows.enumerated() {
            for (column, character) in text.enumerated() {
                let pixels = Array(digits.pixels(ofImage: handwritten[character.wholeNumberValue!]))
                for y in 0 ..< cell {
                    for x in 0 ..< cell {
                        ink[(margin + row * cell + y) * width + margin + column * cell + x] =
                            pixels[(y / scale) * 28 + x / scale]
                    }
                }
            }
        }
        switch style {
        case .darkOnLight:
            return GrayAlphaImage(width: width, height: height, gray: ink.map { 255 - $0 })
        case .lightOnDark:
            return GrayAlphaImage(width: width, height: height, gray: ink)
        case .transparent:
            return GrayAlphaImage(
                width: width, height: height, gray: [UInt8](repeating: 90, count: ink.count), alpha: ink)
        }
    }

    /// `number(_:scale:margin:style:)` as a PNG.
    static func numberPNG(_ rows: [String], scale: Int = 3, style: Style = .darkOnLight) throws -> [UInt8] {
        try PNGEncoder.encode(number(rows, scale: scale, style: style))
    }

    /// A well-formed PNG whose header declares 100000×100000 pixels, past the decoder's limit.
    static var hugePNG: [UInt8] {
        func bigEndian(_ value: UInt32) -> [UInt8] {
            (0 ..< 4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
        }
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
        }
        let header = bigEndian(100_000) + bigEndian(100_000) + [8, 0, 0, 0, 0]
        let emptyZlibStream: [UInt8] = [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header)
            + chunk("IDAT", emptyZlibStream) + chunk("IEND", [])
    }

    /// The CRC-32 PNG chunks carry (the zlib polynomial), bit by bit: slow, but only for a few bytes.
    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0 ..< 8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
