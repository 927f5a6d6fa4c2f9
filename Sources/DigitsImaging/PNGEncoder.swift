import DigitsFileSystem
import CPNG

/// Encodes 8-bit pixels as PNG through libpng's simplified write API.
///
/// Pixels are given row after row, channels interleaved per pixel as `layout` says, sRGB-encoded
/// (the usual meaning of 8-bit image values). The output is a non-interlaced 8-bit PNG of the
/// matching colour type.
public enum PNGEncoder {
    /// How the channels of one pixel are laid out in the input buffer.
    public enum ChannelLayout: Sendable, CaseIterable {
        /// One byte per pixel: brightness.
        case gray
        /// Two bytes per pixel: brightness, opacity.
        case grayAlpha
        /// Three bytes per pixel: red, green, blue.
        case rgb
        /// Four bytes per pixel: red, green, blue, opacity.
        case rgba

        /// Bytes per pixel.
        public var channelCount: Int {
            switch self {
            case .gray: 1
            case .grayAlpha: 2
            case .rgb: 3
            case .rgba: 4
            }
        }

        /// libpng's `PNG_FORMAT_*` value for the layout.
        var libpngFormat: png_uint_32 {
            switch self {
            case .gray: png_uint_32(PNG_FORMAT_GRAY)
            case .grayAlpha: png_uint_32(PNG_FORMAT_GA)
            case .rgb: png_uint_32(PNG_FORMAT_RGB)
            case .rgba: png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
            }
        }
    }

    /// Encodes `width × height` pixels (`width × height × layout.channelCount` bytes) as a PNG stream.
    ///
    /// Throws `PNGError.invalidPixelBuffer` when the buffer size does not match the dimensions or a
    /// dimension is zero or beyond what PNG can hold.
    public static func encode(
        pixels: [UInt8], width: Int, height: Int, layout: ChannelLayout
    ) throws(PNGError) -> [UInt8] {
        guard width > 0, height > 0, width <= Int(Int32.max) / 4, height <= Int(Int32.max) else {
            throw .invalidPixelBuffer(detail: "\(width)×\(height) is not a valid PNG size")
        }
        let (expected, overflow) = width.multipliedReportingOverflow(by: height * layout.channelCount)
        guard !overflow else {
            throw .invalidPixelBuffer(detail: "\(width)×\(height) is too large to hold in memory")
        }
        guard pixels.count == expected else {
            throw .invalidPixelBuffer(
                detail: "\(width)×\(height) \(layout) pixels need \(expected) bytes, got \(pixels.count)")
        }

        return try write(
            pixels: pixels, width: width, height: height, format: layout.libpngFormat,
            rowStride: width * layout.channelCount, colormap: nil, colormapEntries: 0)
    }

    /// Encodes `width × height` pixels given as indices into `palette` (one byte per pixel, each
    /// below `palette.count`, which is 1…256) as a palette PNG: for pictures of few colours, several
    /// times smaller than the same picture as RGB.
    ///
    /// Throws `PNGError.invalidPixelBuffer` when the sizes do not match, the palette is empty or
    /// too long, or an index is outside it.
    public static func encode(
        indices: [UInt8], palette: [(red: UInt8, green: UInt8, blue: UInt8)], width: Int, height: Int
    ) throws(PNGError) -> [UInt8] {
        guard (1 ... 256).contains(palette.count) else {
            throw .invalidPixelBuffer(detail: "a palette holds 1 to 256 colours, not \(palette.count)")
        }
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw .invalidPixelBuffer(detail: "\(width)×\(height) is not a valid PNG size")
        }
        let (expected, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, indices.count == expected else {
            throw .invalidPixelBuffer(
                detail: "\(width)×\(height) indexed pixels need one byte each, got \(indices.count)")
        }
        if let outside = indices.first(where: { Int($0) >= palette.count }) {
            throw .invalidPixelBuffer(detail: "index \(outside) is outside the palette of \(palette.count) colours")
        }
        let colormap = palette.flatMap { [$0.red, $0.green, $0.blue] }
        let result = colormap.withUnsafeBytes { colours in
            Result { () throws(PNGError) in
                try write(
                    pixels: indices, width: width, height: height,
                    format: png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_COLORMAP), rowStride: width,
                    colormap: colours.baseAddress, colormapEntries: palette.count)
            }
        }
        return try result.get()
    }

    /// Runs libpng's writer on checked pixels, growing the output buffer once if the first guess
    /// was short.
    private static func write(
        pixels: [UInt8], width: Int, height: Int, format: png_uint_32, rowStride: Int,
        colormap: UnsafeRawPointer?, colormapEntries: Int
    ) throws(PNGError) -> [UInt8] {
        let expected = pixels.count
        var image = png_image()
        // A first guess that fits most images; libpng reports the size it needs when the guess is short.
        var capacity = expected / 2 + 1024
        for _ in 0 ..< 2 {
            image = png_image()
            image.version = png_uint_32(PNG_IMAGE_VERSION)
            image.width = png_uint_32(width)
            image.height = png_uint_32(height)
            image.format = format
            image.colormap_entries = png_uint_32(colormapEntries)
            var output = [UInt8](repeating: 0, count: capacity)
            var written = png_alloc_size_t(capacity)
            let succeeded = output.withUnsafeMutableBytes { destination in
                pixels.withUnsafeBytes { source in
                    png_image_write_to_memory(
                        &image, destination.baseAddress, &written, 0, source.baseAddress, png_int_32(rowStride),
                        colormap)
                }
            }
            png_image_free(&image)
            if succeeded != 0 {
                output.removeLast(capacity - Int(written))
                return output
            }
            guard Int(written) > capacity else {
                break
            }
            capacity = Int(written)
        }
        let message = withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        throw .encodingFailed(name: "image", detail: message.isEmpty ? "libpng gave no reason" : message)
    }

    /// Encodes a gray + alpha image: as an 8-bit gray PNG when it is fully opaque, else as gray + alpha.
    public static func encode(_ image: GrayAlphaImage) throws(PNGError) -> [UInt8] {
        if image.isOpaque {
            return try encode(pixels: image.gray, width: image.width, height: image.height, layout: .gray)
        }
        var interleaved = [UInt8](repeating: 0, count: image.pixelCount * 2)
        for index in 0 ..< image.pixelCount {
            interleaved[2 * index] = image.gray[index]
            interleaved[2 * index + 1] = image.alpha[index]
        }
        return try encode(pixels: interleaved, width: image.width, height: image.height, layout: .grayAlpha)
    }

    /// Encodes pixels as in `encode(pixels:width:height:layout:)` and writes the PNG to `path`,
    /// replacing any file there atomically (a reader never sees half a file).
    public static func write(
        pixels: [UInt8], width: Int, height: Int, layout: ChannelLayout, toFile path: String
    ) throws(PNGError) {
        try writeBytes(encode(pixels: pixels, width: width, height: height, layout: layout), toFile: path)
    }

    /// Encodes `image` as in `encode(_:)` and writes the PNG to `path`, replacing any file there atomically.
    public static func write(_ image: GrayAlphaImage, toFile path: String) throws(PNGError) {
        try writeBytes(encode(image), toFile: path)
    }

    /// Writes finished PNG bytes to `path`, replacing it atomically (see `AtomicFile.write`).
    private static func writeBytes(_ bytes: [UInt8], toFile path: String) throws(PNGError) {
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw .encodingFailed(name: path, detail: error.reason)
        }
    }
}
