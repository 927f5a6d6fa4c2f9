import Foundation
import Testing
import DigitsKit
@testable import DigitsImaging

@Suite struct PNGEncoderTests {
    /// The IHDR colour type byte of an encoded stream.
    static func colorType(_ png: [UInt8]) -> UInt8 { png[25] }

    @Test(arguments: PNGEncoder.ChannelLayout.allCases)
    func encodedImageDecodesToTheSamePixels(layout: PNGEncoder.ChannelLayout) throws {
        let width = 9, height = 7
        // Equal red, green and blue so the decoder's reduction to gray is exact.
        let levels = (0 ..< width * height).map { UInt8(ImagingTestSupport.scrambled($0, bound: 256)) }
        let alphas = (0 ..< width * height).map { UInt8(1 + ImagingTestSupport.scrambled($0 + 500, bound: 255)) }
        var pixels: [UInt8] = []
        for index in levels.indices {
            switch layout {
            case .gray: pixels += [levels[index]]
            case .grayAlpha: pixels += [levels[index], alphas[index]]
            case .rgb: pixels += [levels[index], levels[index], levels[index]]
            case .rgba: pixels += [levels[index], levels[index], levels[index], alphas[index]]
            }
        }
        let png = try PNGEncoder.encode(pixels: pixels, width: width, height: height, layout: layout)
        let image = try PNGDecoder.decode(png)

        let expectedColorType: [PNGEncoder.ChannelLayout: UInt8] = [.gray: 0, .rgb: 2, .grayAlpha: 4, .rgba: 6]
        #expect(Self.colorType(png) == expectedColorType[layout])
        #expect(image.width == width && image.height == height)
        #expect(image.gray == levels)
        let hasAlpha = layout == .grayAlpha || layout == .rgba
        #expect(image.alpha == (hasAlpha ? alphas : [UInt8](repeating: 255, count: levels.count)))
    }

    @Test func colourSurvivesEncoding() throws {
        // Pure red encodes as red: its luminance, not its mean or one channel, comes back.
        let png = try PNGEncoder.encode(pixels: [255, 0, 0, 0, 0, 255], width: 2, height: 1, layout: .rgb)
        let image = try PNGDecoder.decode(png)
        #expect((120 ... 132).contains(image.gray[0]))
        #expect((70 ... 82).contains(image.gray[1]))
    }

    @Test func opaqueGrayAlphaImageIsWrittenAsPlainGray() throws {
        let opaque = GrayAlphaImage(width: 3, height: 2, gray: [0, 50, 100, 150, 200, 250])
        var translucent = opaque
        translucent.alpha[4] = 128

        let opaquePNG = try PNGEncoder.encode(opaque)
        let translucentPNG = try PNGEncoder.encode(translucent)
        #expect(Self.colorType(opaquePNG) == 0)
        #expect(Self.colorType(translucentPNG) == 4)
        #expect(try PNGDecoder.decode(opaquePNG) == opaque)
        #expect(try PNGDecoder.decode(translucentPNG) == translucent)
    }

    @Test func incompressibleImageStillEncodes() throws {
        // Noise compresses to more than the encoder's first guess at the output size.
        let pixels = (0 ..< 64 * 64 * 4).map { UInt8(ImagingTestSupport.scrambled($0, bound: 256)) }
        let png = try PNGEncoder.encode(pixels: pixels, width: 64, height: 64, layout: .rgba)
        #expect(png.count > pixels.count / 2)
        let image = try PNGDecoder.decode(png)
        #expect(image.width == 64 && image.alpha == stride(from: 3, to: pixels.count, by: 4).map { pixels[$0] })
    }

    @Test func bufferOfTheWrongSizeIsRefused() {
        #expect(throws: PNGError.self) { try PNGEncoder.encode(pixels: [1, 2, 3], width: 2, height: 2, layout: .gray) }
        #expect(throws: PNGError.self) { try PNGEncoder.encode(pixels: [], width: 0, height: 0, layout: .gray) }
        #expect(throws: PNGError.self) { try PNGEncoder.encode(pixels: [0, 0, 0], width: 1, height: 1, layout: .rgba) }
    }

    @Test func writtenFileReadsBack() throws {
        let directory = try ImagingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.png").path
        let image = GrayAlphaImage(width: 4, height: 1, gray: [10, 20, 30, 40], alpha: [255, 0, 128, 255])

        try PNGEncoder.write(image, toFile: path)
        #expect(try PNGDecoder.decode(contentsOfFile: path) == image)

        try PNGEncoder.write(pixels: [1, 2, 3, 4, 5, 6], width: 2, height: 1, layout: .rgb, toFile: path)
        #expect(try PNGDecoder.decode(contentsOfFile: path).width == 2)
    }

    @Test func writingIntoAMissingDirectoryNamesThePathAndTheDirectory() throws {
        let directory = "/nonexistent-\(UUID().uuidString)"
        let path = directory + "/out.png"
        let error = try #require(throws: PNGError.self) {
            try PNGEncoder.write(GrayAlphaImage(width: 1, height: 1, gray: 0), toFile: path)
        }
        #expect(error.description == "\(path): cannot write PNG (the directory '\(directory)' does not exist)")
    }
}

/// Palette PNGs: what the report's weight tiles are written as.
@Suite struct PalettePNGEncoderTests {
    @Test func paletteImagesDecodeToTheirColours() throws {
        // Gray palette entries, so the decoder's reduction to gray is exact.
        let palette: [(red: UInt8, green: UInt8, blue: UInt8)] = [(0, 0, 0), (90, 90, 90), (255, 255, 255)]
        let indices: [UInt8] = [0, 1, 2, 2, 1, 0]
        let png = try PNGEncoder.encode(indices: indices, palette: palette, width: 3, height: 2)
        #expect(PNGEncoderTests.colorType(png) == 3)  // indexed colour
        let image = try PNGDecoder.decode(png)
        #expect(image.width == 3 && image.height == 2)
        #expect(image.gray == [0, 90, 255, 255, 90, 0])
    }

    @Test func badPalettesAndIndicesAreRefused() {
        let two: [(red: UInt8, green: UInt8, blue: UInt8)] = [(0, 0, 0), (1, 1, 1)]
        #expect(throws: PNGError.self) { try PNGEncoder.encode(indices: [0, 2], palette: two, width: 2, height: 1) }
        #expect(throws: PNGError.self) { try PNGEncoder.encode(indices: [0], palette: two, width: 2, height: 1) }
        #expect(throws: PNGError.self) { try PNGEncoder.encode(indices: [0], palette: [], width: 1, height: 1) }
        #expect(throws: PNGError.self) { try PNGEncoder.encode(indices: [], palette: two, width: 0, height: 1) }
    }
}
