import Foundation
import Testing
import DigitsKit
@testable import DigitsImaging

/// One PNG storage format: colour type, bit depth, interlace method.
struct PNGFormat: Sendable, CustomTestStringConvertible {
    var colorType: ClassicPNGWriter.ColorType
    var bitDepth: Int
    var interlaced: Bool

    var testDescription: String {
        "\(bitDepth)-bit \(colorType)\(interlaced ? ", Adam7" : "")"
    }

    /// Every colour type at every bit depth the PNG specification allows, plain and interlaced.
    static let all: [PNGFormat] = ClassicPNGWriter.ColorType.allCases.flatMap { colorType in
        colorType.allowedBitDepths.flatMap { depth in
            [false, true].map { PNGFormat(colorType: colorType, bitDepth: depth, interlaced: $0) }
        }
    }

    /// Largest sample value.
    var maximumSample: Int { (1 << bitDepth) - 1 }

    /// A sample scaled to 8 bits the way PNG defines it (v · 255 / max, rounded).
    func eightBit(_ sample: Int) -> UInt8 {
        UInt8((Double(sample) * 255 / Double(maximumSample)).rounded())
    }
}

@Suite struct PNGDecoderTests {
    // Odd sizes, so Adam7 has partly filled passes and sub-byte rows end in padding bits.
    static let width = 13
    static let height = 11

    /// A sample for pixel `index`, channel `channel`, covering the whole range; the first two pixels
    /// are pinned to 0 and the maximum so both extremes are always exercised.
    static func sample(_ index: Int, channel: Int, format: PNGFormat) -> Int {
        if index == 0 { return 0 }
        if index == 1 { return format.maximumSample }
        return ImagingTestSupport.scrambled(index * 4 + channel, bound: format.maximumSample + 1)
    }

    /// The gray level of palette entry `index` used by the palette tests.
    static func paletteLevel(_ index: Int) -> UInt8 {
        UInt8(ImagingTestSupport.scrambled(1000 + index, bound: 256))
    }

    /// Palette entry `index` of the palette tests: a gray of level `paletteLevel(index)`.
    static func grayEntry(_ index: Int) -> (UInt8, UInt8, UInt8) {
        (paletteLevel(index), paletteLevel(index), paletteLevel(index))
    }

    @Test(arguments: PNGFormat.all)
    func decodesEveryColorTypeBitDepthAndInterlaceToExactGrayAndAlpha(format: PNGFormat) throws {
        let count = Self.width * Self.height
        var samples: [UInt16] = []
        var expectedGray: [UInt8] = []
        var expectedAlpha: [UInt8] = []
        var palette: [(UInt8, UInt8, UInt8)] = []
        if format.colorType == .palette {
            palette = (0 ... format.maximumSample).map { Self.grayEntry($0) }
        }
        for index in 0 ..< count {
            let level = Self.sample(index, channel: 0, format: format)
            let alpha = Self.sample(index, channel: 1, format: format)
            switch format.colorType {
            case .gray:
                samples += [UInt16(level)]
            case .grayAlpha:
                samples += [UInt16(level), UInt16(alpha)]
            case .rgb:
                // Equal channels are a gray that colour conversion must keep exactly.
                samples += [UInt16(level), UInt16(level), UInt16(level)]
            case .rgba:
                samples += [UInt16(level), UInt16(level), UInt16(level), UInt16(alpha)]
            case .palette:
                samples += [UInt16(level)]
            }
            expectedGray.append(format.colorType == .palette ? Self.paletteLevel(level) : format.eightBit(level))
            let hasAlpha = format.colorType == .grayAlpha || format.colorType == .rgba
            expectedAlpha.append(hasAlpha ? format.eightBit(alpha) : 255)
        }
        let writer = ClassicPNGWriter(
            width: Self.width, height: Self.height, colorType: format.colorType,
            bitDepth: format.bitDepth, interlaced: format.interlaced,
            samples: samples, palette: palette)
        let image = try PNGDecoder.decode(writer.encode(), name: "\(format.testDescription).png")

        #expect(image.width == Self.width)
        #expect(image.height == Self.height)
        #expect(image.alpha == expectedAlpha)
        if format.bitDepth < 16 {
            #expect(image.gray == expectedGray)
        } else {
            // Reducing 16 bits to 8 goes through linear light, which may round either way. In
            // interlaced files with alpha it goes through alpha-premultiplied linear values, which
            // keep few bits for the darkest grays and hardly any for nearly transparent pixels.
            let tolerance = format.interlaced && expectedAlpha.contains { $0 != 255 } ? 2 : 1
            for index in expectedGray.indices where expectedAlpha[index] >= 32 {
                #expect(
                    abs(Int(image.gray[index]) - Int(expectedGray[index])) <= tolerance,
                    "pixel \(index): gray \(image.gray[index]), expected \(expectedGray[index])")
            }
        }
    }

    @Test(arguments: [1, 2, 4, 8], [false, true])
    func decodesPaletteTransparencyFromTRNS(bitDepth: Int, interlaced: Bool) throws {
        let entries = 1 << bitDepth
        let palette = (0 ..< entries).map { Self.grayEntry($0) }
        // tRNS may list fewer entries than the palette has; the rest are opaque.
        let listed = max(1, entries - 1)
        let paletteAlpha = (0 ..< listed).map { UInt8(ImagingTestSupport.scrambled(2000 + $0, bound: 256)) }
        let indices = (0 ..< Self.width * Self.height).map {
            $0 < entries ? $0 : ImagingTestSupport.scrambled($0, bound: entries)  // every entry at least once
        }
        let writer = ClassicPNGWriter(
            width: Self.width, height: Self.height, colorType: .palette, bitDepth: bitDepth,
            interlaced: interlaced, samples: indices.map(UInt16.init),
            palette: palette, paletteAlpha: paletteAlpha)
        let image = try PNGDecoder.decode(writer.encode())

        #expect(image.alpha == indices.map { $0 < listed ? paletteAlpha[$0] : 255 })
        #expect(image.gray == indices.map { Self.paletteLevel($0) })
    }

    @Test(arguments: [1, 2, 4, 8, 16], [false, true])
    func grayTransparentKeyMakesMatchingPixelsTransparent(bitDepth: Int, interlaced: Bool) throws {
        let format = PNGFormat(colorType: .gray, bitDepth: bitDepth, interlaced: interlaced)
        let levels = (0 ..< Self.width * Self.height).map { Self.sample($0, channel: 0, format: format) }
        let key = format.maximumSample  // present: pixel 1 is pinned to the maximum
        let writer = ClassicPNGWriter(
            width: Self.width, height: Self.height, colorType: .gray, bitDepth: bitDepth,
            interlaced: interlaced, samples: levels.map(UInt16.init),
            transparentKey: [UInt16(key)])
        let image = try PNGDecoder.decode(writer.encode())

        #expect(image.alpha == levels.map { $0 == key ? 0 : 255 })
        for index in levels.indices where levels[index] != key {
            let tolerance = bitDepth == 16 ? 1 : 0  // 16 → 8 bits goes through linear light
            #expect(abs(Int(image.gray[index]) - Int(format.eightBit(levels[index]))) <= tolerance)
        }
    }

    @Test(arguments: [8, 16], [false, true])
    func rgbTransparentKeyMakesOnlyTheExactColourTransparent(bitDepth: Int, interlaced: Bool) throws {
        let maximum = UInt16((1 << bitDepth) - 1)
        // The key colour, and colours that share two of its three channels (which must stay opaque).
        let colours: [[UInt16]] = [
            [maximum, 0, maximum], [maximum, 0, 0], [0, 0, maximum], [maximum, maximum, maximum],
        ]
        let pattern = (0 ..< 20).map { $0 % colours.count }
        let writer = ClassicPNGWriter(
            width: 5, height: 4, colorType: .rgb, bitDepth: bitDepth, interlaced: interlaced,
            samples: pattern.flatMap { colours[$0] }, transparentKey: colours[0])
        let image = try PNGDecoder.decode(writer.encode())

        #expect(image.alpha == pattern.map { $0 == 0 ? 0 : 255 })
    }

    @Test func colourIsReducedToItsLuminance() throws {
        let colours: [[UInt16]] = [
            [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [30, 144, 255], [0, 0, 0],
        ]
        let writer = ClassicPNGWriter(
            width: colours.count, height: 1, colorType: .rgb, bitDepth: 8,
            samples: colours.flatMap { $0 })
        let image = try PNGDecoder.decode(writer.encode())

        for (index, colour) in colours.enumerated() {
            // sRGB → linear, Rec. 709 luminance weights, → sRGB.
            func linear(_ value: UInt16) -> Double {
                let v = Double(value) / 255
                return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
            }
            let luminance = 0.2126 * linear(colour[0]) + 0.7152 * linear(colour[1]) + 0.0722 * linear(colour[2])
            let encoded = luminance <= 0.0031308 ? 12.92 * luminance : 1.055 * pow(luminance, 1 / 2.4) - 0.055
            let expected = encoded * 255
            let gray = Double(image.gray[index])
            #expect(abs(gray - expected) <= 2, "\(colour) gave \(gray), expected \(expected)")
        }
    }

    @Test func bytesAndDataAndFileEntryPointsAgree() throws {
        let directory = try ImagingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let format = PNGFormat(colorType: .rgba, bitDepth: 16, interlaced: true)
        let samples = (0 ..< 7 * 5 * 4).map { UInt16(ImagingTestSupport.scrambled($0, bound: 65536)) }
        let bytes = ClassicPNGWriter(
            width: 7, height: 5, colorType: format.colorType, bitDepth: 16,
            interlaced: true, samples: samples
        ).encode()
        let path = directory.appendingPathComponent("picture.png").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let fromBytes = try PNGDecoder.decode(bytes)
        #expect(try PNGDecoder.decode(Data(bytes)) == fromBytes)
        #expect(try PNGDecoder.decode(contentsOfFile: path) == fromBytes)
        #expect(fromBytes.width == 7 && fromBytes.height == 5)
    }
}
