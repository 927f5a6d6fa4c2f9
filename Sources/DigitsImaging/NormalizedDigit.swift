/// A digit prepared for the classifier: 28×28 ink values laid out like an MNIST image.
public struct NormalizedDigit: Equatable, Sendable {
    /// Side of the square canvas, in pixels (MNIST's 28).
    public static let side = 28

    /// `side × side` = 784 ink values, row after row, each in `0...1`: 0 is background, 1 full
    /// ink. This is an MNIST image's pixel / 255.
    public var pixels: [Float]
    /// False when the picture held nothing that looks like ink (a blank or uniform picture); `pixels`
    /// are then all zero and a classifier's answer would mean nothing.
    public var inkFound: Bool
    /// Which channel of the picture the ink was read from, and whether it was inverted.
    public var inkSource: InkSource
    /// The region of the source picture that was scaled into the digit, in source pixels; nil
    /// when no ink was found.
    public var inkBounds: PixelBox?

    /// A digit from its parts; `pixels` must hold 784 values.
    public init(pixels: [Float], inkFound: Bool, inkSource: InkSource, inkBounds: PixelBox?) {
        let count = Self.side * Self.side
        precondition(pixels.count == count, "expected \(count) pixels, got \(pixels.count)")
        self.pixels = pixels
        self.inkFound = inkFound
        self.inkSource = inkSource
        self.inkBounds = inkBounds
    }

    /// The ink value at column `x`, row `y` (both in `0 ..< 28`).
    public subscript(x: Int, y: Int) -> Float {
        pixels[y * Self.side + x]
    }
}
