/// An 8-bit image with one gray (luminance) and one alpha (opacity) channel, stored as two planes.
///
/// `gray[y * width + x]` is the pixel's brightness (0 = black, 255 = white, sRGB-encoded like
/// the PNG it came from) and `alpha[y * width + x]` its opacity (0 = fully transparent,
/// 255 = opaque). Gray is not premultiplied by alpha. Colour images are reduced to their
/// luminance when decoded, which is all a digit classifier needs.
public struct GrayAlphaImage: Equatable, Sendable {
    /// Number of columns.
    public let width: Int
    /// Number of rows.
    public let height: Int
    /// Brightness per pixel, row after row: `width × height` values.
    public var gray: [UInt8]
    /// Opacity per pixel, row after row: `width × height` values.
    public var alpha: [UInt8]

    /// An image from its two planes; each must hold `width × height` values.
    public init(width: Int, height: Int, gray: [UInt8], alpha: [UInt8]) {
        precondition(width >= 0 && height >= 0, "image dimensions must be non-negative")
        precondition(gray.count == width * height, "expected \(width * height) gray values, got \(gray.count)")
        precondition(alpha.count == width * height, "expected \(width * height) alpha values, got \(alpha.count)")
        self.width = width
        self.height = height
        self.gray = gray
        self.alpha = alpha
    }

    /// A fully opaque image from its gray plane (`width × height` values).
    public init(width: Int, height: Int, gray: [UInt8]) {
        self.init(width: width, height: height, gray: gray, alpha: [UInt8](repeating: 255, count: gray.count))
    }

    /// A uniform image: every pixel has the same `gray` and `alpha`.
    public init(width: Int, height: Int, gray: UInt8, alpha: UInt8 = 255) {
        let count = width * height
        self.init(
            width: width, height: height,
            gray: [UInt8](repeating: gray, count: count),
            alpha: [UInt8](repeating: alpha, count: count))
    }

    /// Number of pixels, `width × height`.
    public var pixelCount: Int { width * height }

    /// The gray and alpha values at column `x`, row `y` (both must be in range).
    public subscript(x: Int, y: Int) -> (gray: UInt8, alpha: UInt8) {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)×\(height)")
        return (gray[y * width + x], alpha[y * width + x])
    }

    /// True when every pixel is fully opaque, so the alpha plane carries no information.
    public var isOpaque: Bool {
        alpha.allSatisfy { $0 == 255 }
    }
}
