/// One split of MNIST (or an MNIST-shaped set) in memory, kept as bytes.
///
/// Images are 28 × 28 gray pixels, 0 (background) … 255 (ink), stored one after another in
/// `images`, each row-major. The trainer reads `images` directly and scales to `Float` one
/// batch at a time, so the whole set costs one byte per pixel.
public struct MNISTDataSet: Equatable, Sendable {
    /// Width and height of every image, in pixels.
    public static let imageSide = 28
    /// Pixels per image: `imageSide × imageSide`.
    public static let pixelsPerImage = imageSide * imageSide
    /// Number of classes; labels are `0 ..< classCount`.
    public static let classCount = 10

    /// All pixels: `count × pixelsPerImage` bytes, image after image, each row after row.
    public let images: [UInt8]
    /// One label per image, each 0…9.
    public let labels: [UInt8]

    /// Number of images (and labels).
    public var count: Int { labels.count }

    /// A data set over pixels and labels already in memory.
    ///
    /// `images.count` must be `labels.count × pixelsPerImage` and every label 0…9; violating
    /// that is a programming error (files are checked with thrown errors by `MNISTDirectory.load`).
    public init(images: [UInt8], labels: [UInt8]) {
        precondition(
            images.count == labels.count * Self.pixelsPerImage,
            "\(labels.count) labels need \(labels.count * Self.pixelsPerImage) pixels, got \(images.count)")
        precondition(labels.allSatisfy { Int($0) < Self.classCount }, "labels must be 0...9")
        self.images = images
        self.labels = labels
    }

    /// A data set from an images IDX array (UInt8, count × 28 × 28) and a labels IDX array
    /// (UInt8, count), checking everything MNIST promises; the file names are for error messages.
    public init(images: IDXArray, labels: IDXArray, imagesFile: String, labelsFile: String) throws(MNISTError) {
        guard images.dataType == .uint8, images.dimensions.count == 3 else {
            throw .wrongLayout(
                file: imagesFile, kind: .images, dataType: images.dataType, dimensions: images.dimensions)
        }
        guard labels.dataType == .uint8, labels.dimensions.count == 1 else {
            throw .wrongLayout(
                file: labelsFile, kind: .labels, dataType: labels.dataType, dimensions: labels.dimensions)
        }
        guard images.dimensions[1] == Self.imageSide, images.dimensions[2] == Self.imageSide else {
            throw .wrongImageSize(file: imagesFile, rows: images.dimensions[1], columns: images.dimensions[2])
        }
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw .countMismatch(
                imagesFile: imagesFile, imageCount: images.dimensions[0],
                labelsFile: labelsFile, labelCount: labels.dimensions[0])
        }
        if let index = labels.bytes.firstIndex(where: { Int($0) >= Self.classCount }) {
            throw .labelOutOfRange(file: labelsFile, index: index, value: labels.bytes[index])
        }
        self.images = images.bytes
        self.labels = labels.bytes
    }

    /// The `pixelsPerImage` pixels of image `index` (0-based), row after row; a view, not a copy.
    public func pixels(ofImage index: Int) -> ArraySlice<UInt8> {
        precondition(index >= 0 && index < count, "image \(index) is outside 0..<\(count)")
        return images[index * Self.pixelsPerImage ..< (index + 1) * Self.pixelsPerImage]
    }

    /// A short digest of the whole data set (every label and pixel, in order), as 16 hex digits:
    /// equal for the same data, and different, but for a 2⁻⁶⁴ chance, for any other. It is
    /// FNV-1a, which is no defence against someone forging data, only a way to notice a mix-up.
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in [labels, images] {
            part.withUnsafeBufferPointer { bytes in
                for byte in bytes {
                    hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
                }
            }
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// How many images carry each label: `classCount` entries, indexed by label.
    public var labelCounts: [Int] {
        var counts = [Int](repeating: 0, count: Self.classCount)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }
}
