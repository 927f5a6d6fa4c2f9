import DigitsFileSystem
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CPNG
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes PNG files and buffers into `GrayAlphaImage`s through libpng's simplified API.
///
/// libpng converts every kind of PNG — gray, RGB, palette, with or without alpha or a tRNS
/// transparent colour, 1 to 16 bits per sample, interlaced or not — to 8-bit gray + alpha.
/// Colour is reduced to luminance; 16-bit samples without gamma information are read as sRGB,
/// the way image editors write them.
///
/// Bad input never crashes or hangs: files are checked to be regular and of bounded size
/// before they are read, the chunk layout is checked against the bytes actually present, and
/// the image size declared in the header is checked against `maximumPixelCount` before any
/// pixel memory is allocated. Each failure is a `PNGError` naming the input.
public enum PNGDecoder {
    /// The largest image accepted, in pixels: 50 megapixels.
    ///
    /// This admits every photo from current phone and consumer cameras (up to about 48 MP) and
    /// scans of a letter page at 600 dpi (about 35 MP), while bounding the decoded gray + alpha
    /// planes to 100 MB. Larger headers are almost always damaged or hostile files.
    public static let maximumPixelCount = 50_000_000

    /// The largest file read, in bytes: 256 MiB.
    ///
    /// A 50-megapixel PNG of RGBA noise (the worst case for compression) is about 200 MB, so any
    /// image within `maximumPixelCount` fits; the bound keeps a mistaken path (a disk image, a
    /// video) from being read into memory.
    public static let maximumFileSize = 256 * 1024 * 1024

    /// The eight bytes every PNG stream starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Reads and decodes the PNG file at `path`.
    ///
    /// Throws `PNGError` when the path is missing, is a directory or other non-file, is empty or
    /// larger than `maximumFileSize`, or does not hold a complete, valid PNG within `maximumPixelCount`.
    public static func decode(contentsOfFile path: String) throws(PNGError) -> GrayAlphaImage {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.contents(ofFile: path, limit: maximumFileSize)
        } catch {
            throw PNGError(error)
        }
        return try decode(bytes, name: path)
    }

    /// Decodes a PNG held in memory; `name` labels the input in error messages (e.g. `standard input`).
    public static func decode(_ bytes: [UInt8], name: String = "input") throws(PNGError) -> GrayAlphaImage {
        try bytes.withUnsafeBytes { decode(buffer: $0, name: name) }.get()
    }

    /// Decodes a PNG held in memory; `name` labels the input in error messages (e.g. `standard input`).
    public static func decode(_ data: Data, name: String = "input") throws(PNGError) -> GrayAlphaImage {
        try data.withUnsafeBytes { decode(buffer: $0, name: name) }.get()
    }

    /// The whole decode over borrowed bytes; returns a `Result` so it can cross `withUnsafeBytes`.
    static func decode(buffer: UnsafeRawBufferPointer, name: String) -> Result<GrayAlphaImage, PNGError> {
        do {
            try checkSignature(buffer, name: name)
            try checkChunkLayout(buffer, name: name)
            return .success(try decodeWithLibpng(buffer, name: name))
        } catch {
            return .failure(error)
        }
    }

    /// Checks the eight-byte signature, and names the format when the bytes are something else.
    static func checkSignature(_ bytes: UnsafeRawBufferPointer, name: String) throws(PNGError) {
        if bytes.isEmpty {
            throw .empty(name: name)
        }
        if bytes.count >= signature.count && bytes.prefix(signature.count).elementsEqual(signature) {
            return
        }
        if bytes.count < signature.count && signature.starts(with: bytes) {
            throw .truncated(name: name, detail: "only \(bytes.count) bytes, the PNG signature alone is 8")
        }
        if bytes.starts(with: signature.prefix(4)) {
            // "\x89PNG" followed by the wrong bytes: the CR LF / LF / Ctrl-Z guard bytes were
            // altered, which is what a text-mode transfer does to a binary file.
            throw .corrupt(
                name: name, detail: "PNG signature altered, as by a text-mode transfer that converted line endings")
        }
        throw .notPNG(name: name, looksLike: guessFormat(bytes))
    }

    /// A short guess at what non-PNG bytes are ("a JPEG image", "text"), or nil.
    static func guessFormat(_ bytes: UnsafeRawBufferPointer) -> String? {
        func startsWith(_ text: String) -> Bool { bytes.starts(with: Array(text.utf8)) }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "a JPEG image" }
        if startsWith("GIF87a") || startsWith("GIF89a") { return "a GIF image" }
        if startsWith("RIFF") && bytes.count >= 12 && bytes[8 ..< 12].elementsEqual("WEBP".utf8) {
            return "a WebP image"
        }
        if bytes.starts(with: [0x49, 0x49, 0x2A, 0x00]) || bytes.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) {
            return "a TIFF image"
        }
        if startsWith("%PDF") { return "a PDF document" }
        if startsWith("BM") && bytes.count >= 26 { return "a BMP image" }
        let head = bytes.prefix(512)
        let isText = head.allSatisfy { byte in
            byte == 0x09 || byte == 0x0A || byte == 0x0D || (byte >= 0x20 && byte != 0x7F)
        }
        if isText {
            // Skip leading white space and a UTF-8 byte-order mark before looking for markup.
            let skippable: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF]
            let trimmed = head.drop { skippable.contains($0) }
            if trimmed.starts(with: Array("<svg".utf8)) || trimmed.starts(with: Array("<?xml".utf8)) {
                return "an SVG or XML document"
            }
            if trimmed.starts(with: Array("<!DOCTYPE html".utf8)) || trimmed.starts(with: Array("<html".utf8)) {
                return "an HTML page"
            }
            return "text"
        }
        return nil
    }

    /// Walks the chunk list (length, type, data, CRC) up to `IEND` using only the lengths, so a
    /// file cut short is reported as truncated with the chunk it ends in. CRCs and contents are
    /// left to libpng.
    ///
    /// A stream that ends cleanly after its image data without the closing `IEND` chunk is let
    /// through, as browsers and libpng accept it; if the image data itself is incomplete, libpng
    /// reports that.
    static func checkChunkLayout(_ bytes: UnsafeRawBufferPointer, name: String) throws(PNGError) {
        var offset = signature.count
        var chunkCount = 0
        var sawImageData = false
        while true {
            let remaining = bytes.count - offset
            if remaining == 0 {
                if sawImageData {
                    return
                }
                let detail =
                    chunkCount == 0
                    ? "nothing after the PNG signature"
                    : "it ends after \(chunkCount) chunks, before any image data"
                throw .truncated(name: name, detail: detail)
            }
            if remaining < 8 {
                throw .truncated(name: name, detail: "ends inside a chunk header at byte \(offset)")
            }
            let length = bytes[offset ..< offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let typeBytes = bytes[offset + 4 ..< offset + 8]
            let printable = typeBytes.map { $0 >= 0x20 && $0 < 0x7F ? $0 : UInt8(ascii: "?") }
            let type = String(decoding: printable, as: UTF8.self)
            if length > Int(Int32.max) {
                let detail = "chunk \(type) at byte \(offset) declares an impossible length of \(length) bytes"
                throw .corrupt(name: name, detail: detail)
            }
            let chunkEnd = offset + 8 + length + 4  // header, data, CRC
            if chunkEnd > bytes.count {
                let present = bytes.count - offset
                let detail = "ends inside the \(type) chunk, \(present) of its \(chunkEnd - offset) bytes present"
                throw .truncated(name: name, detail: detail)
            }
            chunkCount += 1
            sawImageData = sawImageData || type == "IDAT"
            if type == "IEND" {
                return
            }
            offset = chunkEnd
        }
    }

    /// Runs libpng: reads the header, checks the declared size, then decodes into gray + alpha.
    static func decodeWithLibpng(_ bytes: UnsafeRawBufferPointer, name: String) throws(PNGError) -> GrayAlphaImage {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }

        guard png_image_begin_read_from_memory(&image, bytes.baseAddress, bytes.count) != 0 else {
            throw libpngFailure(image, name: name)
        }
        let width = Int(image.width)
        let height = Int(image.height)
        // Checked before the pixel buffer exists: a damaged or hostile header cannot make us allocate.
        guard width.multipliedReportingOverflow(by: height).partialValue <= maximumPixelCount else {
            throw .imageTooLarge(name: name, width: width, height: height, limit: maximumPixelCount)
        }

        // 16-bit files without gamma information hold sRGB values in practice; without this
        // flag libpng would treat them as linear light and brighten every mid-tone.
        image.flags |= png_uint_32(PNG_IMAGE_FLAG_16BIT_sRGB)

        // The IHDR is the first chunk (libpng has just checked it): bit depth at byte 24,
        // interlace method at byte 28.
        if bytes[24] == 16 && bytes[28] != 0 {
            return try decodeInterlaced16Bit(&image, name: name)
        }

        image.format = png_uint_32(PNG_FORMAT_GA)
        var interleaved = [UInt8](repeating: 0, count: width * height * 2)
        let succeeded = interleaved.withUnsafeMutableBytes { pixels in
            png_image_finish_read(&image, nil, pixels.baseAddress, png_int_32(width * 2), nil) != 0
        }
        guard succeeded else {
            throw libpngFailure(image, name: name)
        }
        return deinterleave(interleaved, width: width, height: height)
    }

    /// Decodes an Adam7-interlaced 16-bit PNG by way of libpng's 16-bit linear output.
    ///
    /// When libpng's simplified API reduces an interlaced 16-bit image to 8 bits itself, it
    /// mis-assembles the rows (1.6.39 overwrites pixels of earlier Adam7 passes; later 1.6 releases
    /// have a similar reported defect), while its 16-bit linear output is correct. So for these
    /// files we take the linear, alpha-premultiplied values and do the last step ourselves: divide
    /// out the alpha and re-encode the luminance for 8 bits.
    static func decodeInterlaced16Bit(_ image: inout png_image, name: String) throws(PNGError) -> GrayAlphaImage {
        let width = Int(image.width)
        let height = Int(image.height)
        image.format = png_uint_32(PNG_FORMAT_FLAG_LINEAR | PNG_FORMAT_FLAG_ALPHA)
        var linear = [UInt16](repeating: 0, count: width * height * 2)
        let succeeded = linear.withUnsafeMutableBytes { pixels in
            png_image_finish_read(&image, nil, pixels.baseAddress, png_int_32(width * 2), nil) != 0
        }
        guard succeeded else {
            throw libpngFailure(image, name: name)
        }
        // The 8-bit encoding of every 16-bit linear level, computed once. libpng linearised the
        // file's values with a 2.2 power law (its reading of "sRGB" for 16-bit data), so the
        // inverse power restores them exactly.
        let encode: [UInt8] = (0 ... 65535).map { level in
            UInt8((pow(Double(level) / 65535, 1 / 2.2) * 255).rounded())
        }
        let count = width * height
        var gray = [UInt8](repeating: 0, count: count)
        var alpha = [UInt8](repeating: 0, count: count)
        for index in 0 ..< count {
            let premultiplied = Int(linear[2 * index])
            let opacity = Int(linear[2 * index + 1])
            alpha[index] = UInt8((opacity * 255 + 32767) / 65535)
            if opacity > 0 {
                gray[index] = encode[min(65535, (premultiplied * 65535 + opacity / 2) / opacity)]
            }
        }
        return GrayAlphaImage(width: width, height: height, gray: gray, alpha: alpha)
    }

    /// Turns libpng's message for a failed call into the matching `PNGError`.
    static func libpngFailure(_ image: png_image, name: String) -> PNGError {
        let message = withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if message.contains("beyond end of data") {
            return .truncated(name: name, detail: message)
        }
        return .corrupt(name: name, detail: message.isEmpty ? "libpng gave no reason" : message)
    }

    /// Splits libpng's gray, alpha, gray, alpha… rows into two planes.
    static func deinterleave(_ interleaved: [UInt8], width: Int, height: Int) -> GrayAlphaImage {
        let count = width * height
        var gray = [UInt8](repeating: 0, count: count)
        var alpha = [UInt8](repeating: 0, count: count)
        interleaved.withUnsafeBufferPointer { source in
            gray.withUnsafeMutableBufferPointer { grayPlane in
                alpha.withUnsafeMutableBufferPointer { alphaPlane in
                    for index in 0 ..< count {
                        grayPlane[index] = source[2 * index]
                        alphaPlane[index] = source[2 * index + 1]
                    }
                }
            }
        }
        return GrayAlphaImage(width: width, height: height, gray: gray, alpha: alpha)
    }
}
