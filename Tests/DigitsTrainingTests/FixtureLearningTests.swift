import Testing
import DigitsKit
import DigitsTestSupport

/// Training on the bundled subset (4,000 real MNIST digits) must actually learn digits.
@Suite struct FixtureLearningTests {
    @Test func trainingOnTheSubsetReachesNinetyPercent() throws {
        let directory = MNISTDirectory(path: DataTestSupport.subsetDirectory)
        let train = try directory.load(.train), test = try directory.load(.test)
        var configuration = TrainingConfiguration()
        configuration.hidden = [128]
        configuration.epochs = 4
        configuration.batchSize = 32
        configuration.learningRate = 0.05
        configuration.threads = 2
        var trainer = try Trainer(configuration: configuration, trainingSet: train, testSet: test)
        for _ in 0 ..< configuration.epochs { try trainer.runEpoch() }
        let accuracy = trainer.history.last!.testAccuracy
        #expect(accuracy >= 0.90, "test accuracy \(accuracy)")
        #expect(trainer.history.last!.testLoss < trainer.history.first!.testLoss * 1.5)
    }
}
