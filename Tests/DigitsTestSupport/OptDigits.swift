import DigitsData
import DigitsImaging
import DigitsTensor

/// Digits from another handwriting collection than MNIST: the 1,797 digits of UCI's "Optical
/// Recognition of Handwritten Digits" (13 writers on NIST forms), as `Fixtures/optdigits` holds
/// them. Each is an 8×8 grid of counts 0–16: how many pixels of a 4×4 block of the writer's
/// 32×32 bitmap were ink. A model that only ever saw MNIST's writers is measured on them.
public struct OptDigits: Sendable {
    /// The fixture's folder.
    public static let directory = DataTestSupport.packageRoot + "/Fixtures/optdigits"
    /// The side of a digit's grid of counts.
    public static let side = 8
    /// The most a count can be: every pixel of a 4×4 block.
    public static let fullCount = 16

    /// Every digit's counts, digit after digit, row after row.
    public let counts: [UInt8]
    /// Every digit's label, 0–9.
    public let labels: [UInt8]

    /// How many digits the collection holds.
    public var count: Int { labels.count }

    /// The fixture's files are not 8×8 byte images and as many byte labels.
    public struct LayoutError: Error, CustomStringConvertible {
        /// The dimensions of the images file.
        public var images: [Int]
        /// The dimensions of the labels file.
        public var labels: [Int]
        /// What is wrong, for a test's failure message.
        public var description: String {
            "Fixtures/optdigits: images of dimensions \(images) and labels of \(labels) do not match"
        }
    }

    /// Loads the fixture.
    public init() throws {
        let images = try IDXArray(contentsOfFile: Self.directory + "/optdigits-images-idx3-ubyte.gz")
        let labels = try IDXArray(contentsOfFile: Self.directory + "/optdigits-labels-idx1-ubyte.gz")
        guard let counts = images.uint8Values, let values = labels.uint8Values,
            images.dimensions == [values.count, Self.side, Self.side]
        else {
            throw LayoutError(images: images.dimensions, labels: labels.dimensions)
        }
        self.counts = counts
        self.labels = values
    }

    /// Digit `index` as a picture `side` pixels square, dark ink on white paper: the grid of counts
    /// enlarged smoothly (each count the ink of its block), as a small, soft scan of the digit
    /// would be. `side` 8 gives the grid itself, a pixel per block.
    public func picture(_ index: Int, side: Int) -> GrayAlphaImage {
        let cells = Self.side * Self.side
        let ink = counts[index * cells ..< (index + 1) * cells].map { Float($0) / Float(Self.fullCount) }
        let plane = InkPlane(width: Self.side, height: Self.side, ink: Array(ink))
        let enlarged = side == Self.side ? plane : plane.resized(width: side, height: side)
        let gray = enlarged.ink.map { UInt8((255 * (1 - min(1, max(0, $0)))).rounded()) }
        return GrayAlphaImage(width: side, height: side, gray: gray)
    }
}
