// Temporary stand-in until the data layer lands.
public struct MNISTDataSet: Sendable {
    public static let imageSide = 28
    public static let pixelsPerImage = 784
    public var images: [UInt8]
    public var labels: [UInt8]
    public var count: Int { labels.count }
    public init(images: [UInt8], labels: [UInt8]) { self.images = images; self.labels = labels }
}
