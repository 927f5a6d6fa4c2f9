import Testing
import DigitsKit
import DigitsTestSupport

/// Loading MNIST-shaped folders built in the test, and the checks on their content.
@Suite struct MNISTDirectoryTests {
    private static let side = MNISTDataSet.imageSide

    /// Writes one split's images and labels into `directory` under the given names.
    private func writeSplit(
        into directory: String, images: IDXArray, labels: IDXArray,
        imagesName: String = "train-images-idx3-ubyte", labelsName: String = "train-labels-idx1-ubyte",
        gzip: Bool = false
    ) throws {
        try images.write(toFile: directory + "/" + imagesName, gzip: gzip)
        try labels.write(toFile: directory + "/" + labelsName, gzip: gzip)
    }

    /// `count` images whose pixels count up, and labels cycling through 0…9.
    private func digits(_ count: Int) -> (images: IDXArray, labels: IDXArray) {
        let pixels = (0 ..< count * MNISTDataSet.pixelsPerImage).map { UInt8(truncatingIfNeeded: $0) }
        let labels = (0 ..< count).map { UInt8($0 % 10) }
        return (
            IDXArray(dimensions: [count, Self.side, Self.side], values: pixels),
            IDXArray(dimensions: [count], values: labels)
        )
    }

    @Test func splitLoadsAsBytesWithItsLabels() throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            let (images, labels) = digits(12)
            try writeSplit(into: directory, images: images, labels: labels)
            let set = try MNISTDirectory(path: directory).load(.train)
            #expect(set.count == 12)
            #expect(set.images == images.bytes)
            #expect(set.labels == labels.bytes)
            #expect(set.labelCounts == [2, 2, 1, 1, 1, 1, 1, 1, 1, 1])
            #expect(Array(set.pixels(ofImage: 3)) == Array(images.bytes[3 * 784 ..< 4 * 784]))
        }
    }

    @Test(arguments: [
        ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", true),
        ("t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte", false),
        ("t10k-images.idx3-ubyte.gz", "t10k-labels.idx1-ubyte.gz", true),
        // A .gz name over raw content: compression is told by the bytes, not the name.
        ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", false),
    ])
    func everyAcceptedSpellingLoads(imagesName: String, labelsName: String, gzip: Bool) throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            let (images, labels) = digits(3)
            try writeSplit(
                into: directory, images: images, labels: labels,
                imagesName: imagesName, labelsName: labelsName, gzip: gzip)
            let mnist = MNISTDirectory(path: directory + "/")
            #expect(mnist.missingFiles(for: [.test]).isEmpty)
            #expect(mnist.missingFiles() == [MNISTFile(.train, .images), MNISTFile(.train, .labels)])
            #expect(try mnist.load(.test).labels == labels.bytes)
        }
    }

    @Test func missingFilesAreListedWithEveryNameLookedFor() throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            let (_, labels) = digits(2)
            try labels.write(toFile: directory + "/train-labels-idx1-ubyte.gz", gzip: true)
            let error = try #require(throws: MNISTError.self) { try MNISTDirectory(path: directory).load(.train) }
            #expect(error == .filesMissing(directory: directory, origin: .given, missing: [MNISTFile(.train, .images)]))
            for name in [
                "train-images-idx3-ubyte", "train-images-idx3-ubyte.gz", "train-images.idx3-ubyte",
                "train-images.idx3-ubyte.gz",
            ] {
                #expect(error.description.contains(name))
            }
        }
    }

    @Test func imagesOfAnotherSizeAreRefused() throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            let images = IDXArray(
                dataType: .uint8, dimensions: [2, 14, 14], bytes: [UInt8](repeating: 0, count: 2 * 196))
            try writeSplit(into: directory, images: images, labels: digits(2).labels)
            #expect(
                throws: MNISTError.wrongImageSize(file: directory + "/train-images-idx3-ubyte", rows: 14, columns: 14)
            ) {
                try MNISTDirectory(path: directory).load(.train)
            }
        }
    }

    @Test func imageAndLabelCountsMustMatch() throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            try writeSplit(into: directory, images: digits(3).images, labels: digits(4).labels)
            #expect(
                throws: MNISTError.countMismatch(
                    imagesFile: directory + "/train-images-idx3-ubyte", imageCount: 3,
                    labelsFile: directory + "/train-labels-idx1-ubyte", labelCount: 4)
            ) {
                try MNISTDirectory(path: directory).load(.train)
            }
        }
    }

    @Test func labelOutsideZeroToNineIsReportedWithItsIndex() throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            let labels = IDXArray(dimensions: [4], values: [UInt8]([3, 9, 10, 200]))
            try writeSplit(into: directory, images: digits(4).images, labels: labels)
            let file = directory + "/train-labels-idx1-ubyte"
            let error = try #require(throws: MNISTError.self) { try MNISTDirectory(path: directory).load(.train) }
            #expect(error == .labelOutOfRange(file: file, index: 2, value: 10))
            #expect(error.description.contains("label 2"))
        }
    }

    @Test func imagesOfAnotherTypeOrShapeAreRefused() throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            let signed = IDXArray(dimensions: [1, Self.side, Self.side], values: [Int8](repeating: 0, count: 784))
            try writeSplit(into: directory, images: signed, labels: digits(1).labels)
            #expect(
                throws: MNISTError.wrongLayout(
                    file: directory + "/train-images-idx3-ubyte", kind: .images, dataType: .int8,
                    dimensions: [1, 28, 28])
            ) {
                try MNISTDirectory(path: directory).load(.train)
            }

            let flat = IDXArray(dataType: .uint8, dimensions: [784], bytes: [UInt8](repeating: 0, count: 784))
            try writeSplit(into: directory, images: flat, labels: digits(1).labels)
            #expect(
                throws: MNISTError.wrongLayout(
                    file: directory + "/train-images-idx3-ubyte", kind: .images, dataType: .uint8, dimensions: [784])
            ) {
                try MNISTDirectory(path: directory).load(.train)
            }
        }
    }

    @Test func labelsOfAnotherShapeAreRefused() throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            let labels = IDXArray(dataType: .uint8, dimensions: [1, 1], bytes: [0])
            try writeSplit(into: directory, images: digits(1).images, labels: labels)
            let error = try #require(throws: MNISTError.self) { try MNISTDirectory(path: directory).load(.train) }
            #expect(
                error
                    == .wrongLayout(
                        file: directory + "/train-labels-idx1-ubyte", kind: .labels, dataType: .uint8,
                        dimensions: [1, 1]))
            #expect(error.description.contains("1 dimension"))
        }
    }

    @Test func damagedFileIsReportedThroughItsIDXError() throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            let (images, labels) = digits(2)
            try writeSplit(into: directory, images: images, labels: labels, gzip: true)
            let path = directory + "/train-images-idx3-ubyte"
            let whole = images.encoded(gzip: true)
            try DataTestSupport.write(Array(whole.prefix(whole.count / 2)), to: path)
            #expect(throws: MNISTError.idx(.gzip(.truncated(file: path)))) {
                try MNISTDirectory(path: directory).load(.train)
            }
        }
    }

    @Test func standardNamesAreTheFourMNISTFiles() {
        #expect(
            MNISTFile.all.map(\.standardName) == [
                "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte",
            ])
    }
}
