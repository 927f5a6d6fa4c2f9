import Foundation
import Testing
import DigitsKit
import DigitsTestSupport

/// The bundled subset and, where present, the full MNIST set load as promised.
@Suite struct MNISTDataSetTests {
    @Test(arguments: [(MNISTSplit.train, 400), (.test, 100)])
    func bundledSubsetLoadsStratified(split: MNISTSplit, perClass: Int) throws {
        let set = try MNISTDirectory(path: DataTestSupport.subsetDirectory).load(split)
        #expect(set.count == perClass * 10)
        #expect(set.images.count == set.count * MNISTDataSet.pixelsPerImage)
        #expect(set.labelCounts == [Int](repeating: perClass, count: 10))
        #expect(set.labels.allSatisfy { $0 <= 9 })
        // Real digits: ink somewhere in every image, and mostly background overall.
        #expect((0 ..< set.count).allSatisfy { set.pixels(ofImage: $0).contains { $0 > 128 } })
        let inked = set.images.lazy.filter { $0 > 0 }.count
        #expect(inked * 2 < set.images.count)
    }

    @Test func bundledSplitsShareNoDigit() throws {
        let directory = MNISTDirectory(path: DataTestSupport.subsetDirectory)
        let train = try directory.load(.train), test = try directory.load(.test)
        let trainImages = Set((0 ..< train.count).map { Array(train.pixels(ofImage: $0)) })
        #expect((0 ..< test.count).allSatisfy { !trainImages.contains(Array(test.pixels(ofImage: $0))) })
    }

    @Test(.enabled(if: FullMNIST.isAvailable, "needs full MNIST in $DIGITS_MNIST or ../shared/mnist"))
    func fullMNISTLoadsWithItsKnownClassCounts() throws {
        let directory = try #require(FullMNIST.directory)
        let clock = ContinuousClock()
        var train: MNISTDataSet?
        let elapsed = try clock.measure { train = try directory.load(.train) }
        let test = try directory.load(.test)
        print("Loaded full MNIST training images in \(elapsed)")

        #expect(train?.count == 60_000)
        #expect(train?.images.count == 60_000 * 784)
        #expect(test.count == 10_000)
        // The published per-class counts of MNIST's two splits.
        #expect(train?.labelCounts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        #expect(test.labelCounts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        #expect(Array(test.labels.prefix(10)) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
    }
}
