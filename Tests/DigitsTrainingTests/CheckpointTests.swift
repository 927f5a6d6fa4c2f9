import Testing
import DigitsKit
import DigitsTestSupport

/// A run interrupted at any batch and resumed from its checkpoint file must end with exactly the
/// model an uninterrupted run makes.
@Suite struct CheckpointTests {
    let train = syntheticDataSet(count: 420, seed: 1)
    let test = syntheticDataSet(count: 60, seed: 2)

    func configuration(
        threads: Int = 2, augmented: Bool = false, optimizer: Optimizer.Method = .sgd
    ) -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.optimizer = optimizer
        configuration.learningRate = optimizer.usesSecondMoments ? 0.003 : 0.1
        // Adam's runs also average their weights, and the augmented ones drop units: the average
        // must come back from the file, and the masks must not depend on where the run resumed.
        configuration.averaging = optimizer.usesSecondMoments ? 0.9 : nil
        configuration.dropout = augmented ? Dropout(hidden: 0.2, input: 0.1) : nil
        configuration.augmentation = augmented ? Augmentation() : nil
        // The augmented runs smooth their labels too: both settings must come back from the file.
        configuration.labelSmoothing = augmented ? 0.1 : nil
        configuration.hidden = [24, 12]
        configuration.epochs = 3
        configuration.batchSize = 32
        configuration.warmupEpochs = 0.5
        configuration.weightDecay = 1e-4
        configuration.threads = threads
        configuration.seed = 0xFEED_FACE_CAFE_BEEF  // above 2^53: must survive JSON exactly
        return configuration
    }

    func uninterrupted(
        threads: Int = 2, augmented: Bool = false, optimizer: Optimizer.Method = .sgd
    ) throws -> Trainer {
        var trainer = try Trainer(
            configuration: configuration(threads: threads, augmented: augmented, optimizer: optimizer),
            trainingSet: train, testSet: test)
        while !trainer.isFinished { try trainer.runEpoch() }
        return trainer
    }

    /// Stops (epoch, batch), plain and with augmentation (and label smoothing), with each update
    /// rule: a distorted image depends only on the seed, the epoch and its index, so a resumed run
    /// distorts exactly as the first would have, and Adam's moments and step count come back.
    @Test(arguments: [
        (epoch: 2, batch: 5, augmented: false, optimizer: Optimizer.Method.sgd),
        (epoch: 1, batch: 1, augmented: false, optimizer: .sgd),
        (epoch: 3, batch: 13, augmented: false, optimizer: .adam),
        (epoch: 2, batch: 0, augmented: false, optimizer: .nesterov),
        (epoch: 2, batch: 5, augmented: true, optimizer: .adamW),
        (epoch: 3, batch: 1, augmented: true, optimizer: .sgd),
        (epoch: 1, batch: 7, augmented: true, optimizer: .adam),
    ])
    func resumingMidRunGivesABitIdenticalModel(
        stop: (epoch: Int, batch: Int, augmented: Bool, optimizer: Optimizer.Method)
    ) throws {
        let reference = try uninterrupted(augmented: stop.augmented, optimizer: stop.optimizer)

        var first = try Trainer(
            configuration: configuration(augmented: stop.augmented, optimizer: stop.optimizer), trainingSet: train,
            testSet: test)
        var batchesSeen = 0
        let stopAfter = (stop.epoch - 1) * first.batchesPerEpoch + stop.batch
        do {
            while !first.isFinished {
                try first.runEpoch(shouldStop: {
                    defer { batchesSeen += 1 }
                    return batchesSeen == stopAfter
                })
            }
            Issue.record("the run was never interrupted")
        } catch TrainingError.interrupted(let epoch, let batchesDone) {
            #expect(epoch == stop.epoch && batchesDone == stop.batch)
        }

        let folder = try TemporaryDirectory()
        try first.checkpoint().write(toFolder: folder.path)
        let restored = try TrainingCheckpoint(contentsOfFolder: folder.path)
        #expect(restored == first.checkpoint())

        var resumed = try Trainer(resuming: restored, trainingSet: train, testSet: test)
        while !resumed.isFinished { try resumed.runEpoch() }
        #expect(resumed.model == reference.model)
        #expect(resumed.checkpoint().velocities == reference.checkpoint().velocities)
        #expect(resumed.checkpoint().squares == reference.checkpoint().squares)
        #expect((resumed.checkpoint().squares != nil) == stop.optimizer.usesSecondMoments)
        #expect(resumed.checkpoint().averagedModel == reference.checkpoint().averagedModel)
        #expect((resumed.checkpoint().averagedModel != nil) == stop.optimizer.usesSecondMoments)
        #expect(resumed.history.map(\.testAccuracy) == reference.history.map(\.testAccuracy))
        #expect(resumed.history.map(\.trainLoss) == reference.history.map(\.trainLoss))
    }

    @Test func resumingOnDifferentDataIsRefused() throws {
        let trainer = try Trainer(configuration: configuration(), trainingSet: train, testSet: test)
        #expect(throws: TrainingError.self) {
            _ = try Trainer(
                resuming: trainer.checkpoint(), trainingSet: syntheticDataSet(count: 100, seed: 3),
                testSet: test)
        }
    }

    @Test func aMissingOrBrokenCheckpointIsReportedClearly() throws {
        let folder = try TemporaryDirectory()
        #expect(throws: CheckpointError.missing(folder: folder.path)) {
            _ = try TrainingCheckpoint(contentsOfFolder: folder.path)
        }
        // A model file is not a checkpoint: it lacks the run's state.
        let trainer = try Trainer(configuration: configuration(), trainingSet: train, testSet: test)
        try ModelFile(model: trainer.model).write(to: TrainingCheckpoint.path(inFolder: folder.path))
        #expect {
            _ = try TrainingCheckpoint(contentsOfFolder: folder.path)
        } throws: { error in
            "\(error)".contains("checkpoint")
        }
    }
}
