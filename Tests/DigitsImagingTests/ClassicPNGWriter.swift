import CPNG

/// Test support: writes PNGs of every colour type, bit depth and interlace method through
/// libpng's classic write API, which (unlike the simplified API the library uses) can make
/// 1/2/4/16-bit samples, palettes with tRNS, transparent-colour keys and Adam7 interlacing.
///
/// libpng reports classic-API errors by `longjmp`, which Swift cannot catch. The tests only pass
/// valid parameters; should libpng still fail, its error callback stops the test process with
/// libpng's message instead of returning into undefined behaviour.
struct ClassicPNGWriter {
    /// PNG colour types (the `IHDR` colour type byte).
    enum ColorType: Int32, CaseIterable, CustomStringConvertible {
        case gray = 0
        case rgb = 2
        case palette = 3
        case grayAlpha = 4
        case rgba = 6

        /// Samples per pixel.
        var channels: Int {
            switch self {
            case .gray, .palette: 1
            case .grayAlpha: 2
            case .rgb: 3
            case .rgba: 4
            }
        }

        /// The bit depths the PNG specification allows for this colour type.
        var allowedBitDepths: [Int] {
            switch self {
            case .gray: [1, 2, 4, 8, 16]
            case .palette: [1, 2, 4, 8]
            case .rgb, .grayAlpha, .rgba: [8, 16]
            }
        }

        var description: String {
            switch self {
            case .gray: "gray"
            case .rgb: "RGB"
            case .palette: "palette"
            case .grayAlpha: "gray+alpha"
            case .rgba: "RGBA"
            }
        }
    }

    var width: Int
    var height: Int
    var colorType: ColorType
    var bitDepth: Int
    var interlaced = false
    /// `width × height × colorType.channels` samples, row after row, each below `2^bitDepth`
    /// (palette indices for `.palette`).
    var samples: [UInt16]
    /// Palette entries (red, green, blue) for `.palette`.
    var palette: [(UInt8, UInt8, UInt8)] = []
    /// tRNS for `.palette`: the alpha of the first entries (the rest are opaque).
    var paletteAlpha: [UInt8] = []
    /// tRNS for `.gray` / `.rgb`: pixels whose samples equal these are fully transparent.
    var transparentKey: [UInt16]? = nil

    /// The encoded PNG stream.
    func encode() -> [UInt8] {
        precondition(samples.count == width * height * colorType.channels)
        precondition(colorType.allowedBitDepths.contains(bitDepth))

        let output = OutputBuffer()
        var png: png_structp? = png_create_write_struct(
            PNG_LIBPNG_VER_STRING, nil,
            { _, message in
                fatalError("libpng write error: \(message.map { String(cString: $0) } ?? "unknown")")
            }, nil)
        var info: png_infop? = png_create_info_struct(png)
        defer { png_destroy_write_struct(&png, &info) }

        png_set_write_fn(
            png, Unmanaged.passUnretained(output).toOpaque(),
            { png, data, length in
                let output = Unmanaged<OutputBuffer>.fromOpaque(png_get_io_ptr(png)!).takeUnretainedValue()
                output.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: length))
            }, { _ in })

        png_set_IHDR(
            png, info, png_uint_32(width), png_uint_32(height), Int32(bitDepth), colorType.rawValue,
            interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
            PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT)
        if colorType == .palette {
            var entries = palette.map { png_color(red: $0.0, green: $0.1, blue: $0.2) }
            png_set_PLTE(png, info, &entries, Int32(entries.count))
            if !paletteAlpha.isEmpty {
                var alpha = paletteAlpha
                png_set_tRNS(png, info, &alpha, Int32(alpha.count), nil)
            }
        }
        if let transparentKey {
            var key = png_color_16()
            if colorType == .gray {
                key.gray = transparentKey[0]
            } else {
                key.red = transparentKey[0]
                key.green = transparentKey[1]
                key.blue = transparentKey[2]
            }
            png_set_tRNS(png, info, nil, 0, &key)
        }
        png_write_info(png, info)

        // One contiguous block for all rows, so the row pointers stay valid for the whole write.
        let rowLength = packedRow(0).count
        let block = UnsafeMutablePointer<UInt8>.allocate(capacity: rowLength * height)
        defer { block.deallocate() }
        var rowPointers: [UnsafeMutablePointer<UInt8>?] = []
        for y in 0 ..< height {
            let row = block + y * rowLength
            row.initialize(from: packedRow(y), count: rowLength)
            rowPointers.append(row)
        }
        rowPointers.withUnsafeMutableBufferPointer { pointers in
            png_write_image(png, pointers.baseAddress)  // handles the Adam7 passes itself
        }
        png_write_end(png, nil)
        return output.bytes
    }

    /// One row in PNG's packed form: sub-byte samples MSB first, 16-bit samples big-endian.
    private func packedRow(_ y: Int) -> [UInt8] {
        let perRow = width * colorType.channels
        let rowSamples = samples[y * perRow ..< (y + 1) * perRow]
        switch bitDepth {
        case 16:
            return rowSamples.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        case 8:
            return rowSamples.map { UInt8($0) }
        default:
            var packed = [UInt8](repeating: 0, count: (perRow * bitDepth + 7) / 8)
            for (index, sample) in rowSamples.enumerated() {
                let bit = index * bitDepth
                packed[bit / 8] |= UInt8(sample) << (8 - bitDepth - bit % 8)
            }
            return packed
        }
    }

    /// Collects libpng's output; a class so libpng's C callback can reach it through a pointer.
    private final class OutputBuffer {
        var bytes: [UInt8] = []
    }
}
