import DigitsTensor

/// A batch of examples as the network takes them: pixels scaled to [0, 1] in a B×784 matrix,
/// and their labels.
///
/// The data set keeps its images as bytes (47 MB for full MNIST rather than 188 MB as floats);
/// a batch is scaled to floats only when it is used. Loading into an existing batch reuses its
/// memory.
public struct MNISTBatch: Sendable {
    /// One example per row, `pixelsPerImage` values in [0, 1]. Writable, so a caller may
    /// rewrite it in place.
    public var inputs: Matrix
    /// The label of each row.
    public private(set) var labels: [Int]

    /// An empty batch with room for `capacity` examples.
    public init(capacity: Int) {
        inputs = Matrix(rows: capacity, columns: MNISTDataSet.pixelsPerImage)
        inputs.resize(rows: 0)
        labels = []
        labels.reserveCapacity(capacity)
    }

    /// Replaces the batch's contents with the examples `indices` of `data`.
    public mutating func load(_ indices: some Collection<Int>, from data: MNISTDataSet) {
        let pixels = MNISTDataSet.pixelsPerImage
        inputs.resize(rows: indices.count)
        labels.removeAll(keepingCapacity: true)
        data.images.withUnsafeBufferPointer { images in
            inputs.storage.withUnsafeMutableBufferPointer { destination in
                for (row, index) in indices.enumerated() {
                    Kernels.unitFloats(
                        fromBytes: images.baseAddress! + index * pixels, into: destination.baseAddress! + row * pixels,
                        count: pixels)
                    labels.append(Int(data.labels[index]))
                }
            }
        }
    }
}
