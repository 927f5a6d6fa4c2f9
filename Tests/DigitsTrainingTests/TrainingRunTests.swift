import Testing
import DigitsKit
import DigitsTestSupport
import Foundation

/// A whole run through `TrainingRun`: checkpoints on interrupt, resumes to exactly the model an
/// uninterrupted run makes, cleans up after itself, and refuses an unwritable output up front.
@Suite struct TrainingRunTests {
    static let directory = MNISTDirectory(path: DataTestSupport.subsetDirectory)
    let train: MNISTDataSet
    let test: MNISTDataSet

    init() throws {
        train = try Self.directory.load(.train)
        test = try Self.directory.load(.test)
    }

    /// A network small enough that a run takes a moment.
    static var configuration: TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.hidden = [8]
        configuration.epochs = 2
        configuration.batchSize = 200
        configuration.warmupEpochs = 0.5
        configuration.threads = 2
        configuration.seed = 11
        return configuration
    }

    /// Stops before the `stopAfter`-th batch asked about (counting from 0), once.
    final class StopAfter {
        let stopAfter: Int
        var asked = 0
        init(_ stopAfter: Int) { self.stopAfter = stopAfter }
        func shouldStop() -> Bool {
            defer { asked += 1 }
            return asked == stopAfter
        }
    }

    func run(
        _ start: TrainingRun.Start, model: String, checkpoint: String?,
        shouldStop: @escaping () -> Bool = { false }
    ) throws -> TrainingRun.Outcome {
        var run = try TrainingRun(
            start, trainingSet: train, testSet: test, modelPath: model,
            checkpointFolder: checkpoint, command: "test run", shouldStop: shouldStop)
        return try run.run()
    }

    /// The model's tensors as a file would hold them, without the training record (whose timings vary).
    func weightBytes(ofModelAt path: String) throws -> [UInt8] {
        try ModelFile(model: ModelFile(contentsOf: path).model).safeTensors().encoded()
    }

    @Test(arguments: [(epoch: 1, batch: 7), (epoch: 2, batch: 0), (epoch: 2, batch: 19)])
    func anInterruptedRunResumesToTheUninterruptedModel(stop: (epoch: Int, batch: Int)) throws {
        let folder = try TemporaryDirectory()
        let reference = folder.file("reference.safetensors")
        let outcome = try run(.configuration(Self.configuration), model: reference, checkpoint: nil)
        #expect(outcome.history.count == 2 && outcome.summary.command == "test run")

        let model = folder.file("model.safetensors")
        let checkpoint = folder.file("model.checkpoint")
        let batchesPerEpoch = (train.count + 199) / 200
        let stopper = StopAfter((stop.epoch - 1) * batchesPerEpoch + stop.batch)
        let interruption = try #require(throws: TrainingInterruption.self) {
            _ = try run(
                .configuration(Self.configuration), model: model, checkpoint: checkpoint,
                shouldStop: stopper.shouldStop)
        }
        #expect(
            interruption
                == TrainingInterruption(
                    epoch: stop.epoch, batchesDone: stop.batch,
                    batchesPerEpoch: batchesPerEpoch, checkpointFolder: checkpoint))
        #expect(FileManager.default.fileExists(atPath: TrainingCheckpoint.path(inFolder: checkpoint)))
        #expect(!FileManager.default.fileExists(atPath: model))

        let resumed = try run(.checkpoint(folder: checkpoint), model: model, checkpoint: checkpoint)
        #expect(resumed.history.map(\.testAccuracy) == outcome.history.map(\.testAccuracy))
        #expect(try weightBytes(ofModelAt: model) == weightBytes(ofModelAt: reference))
        #expect(resumed.modelBytes == (try FileManager.default.attributesOfItem(atPath: model)[.size] as? Int))
        // The finished run's checkpoint, and the folder it made, are gone.
        #expect(!FileManager.default.fileExists(atPath: checkpoint))
    }

    @Test func aCheckpointIsKeptAfterEveryEpochButTheLast() throws {
        let folder = try TemporaryDirectory()
        let checkpoint = folder.file("checkpoints")
        var seen: [Bool] = []
        var run = try TrainingRun(
            .configuration(Self.configuration), trainingSet: train, testSet: test,
            modelPath: folder.file("m.safetensors"), checkpointFolder: checkpoint,
            command: "test run", shouldStop: { false })
        _ = try run.run(epochEnded: { _ in
            // Asked before the epoch's checkpoint is written: the first epoch finds none yet.
            seen.append(FileManager.default.fileExists(atPath: TrainingCheckpoint.path(inFolder: checkpoint)))
        })
        #expect(seen == [false, true])
        #expect(!FileManager.default.fileExists(atPath: checkpoint))
    }

    @Test func aHalfPrecisionModelRecordsWhatItsRoundedWeightsScore() throws {
        let folder = try TemporaryDirectory()
        let (full, half) = (folder.file("full.safetensors"), folder.file("half.safetensors"))
        let fullOutcome = try run(.configuration(Self.configuration), model: full, checkpoint: nil)
        var run = try TrainingRun(
            .configuration(Self.configuration), trainingSet: train, testSet: test, modelPath: half,
            modelPrecision: .float16, checkpointFolder: nil, command: "test run", shouldStop: { false })
        let halfOutcome = try run.run()

        let stored = try SafeTensorsFile(contentsOf: half)
        #expect(stored.tensors.values.allSatisfy { $0.dtype == .f16 })
        let trained = try ModelFile(contentsOf: full)
        let loaded = try ModelFile(contentsOf: half)
        #expect(loaded.model == trained.model(storedAt: .float16))
        // The recorded score is the rounded model's own, evaluated afresh.
        let report = Evaluator(threadCount: 2).evaluate(loaded.model, on: test)
        #expect(halfOutcome.summary.testAccuracy == report.accuracy)
        #expect(abs(halfOutcome.summary.testLoss - report.loss) < 1e-9)
        #expect(abs(halfOutcome.summary.testAccuracy - fullOutcome.summary.testAccuracy) < 0.01)
        #expect(halfOutcome.modelBytes < fullOutcome.modelBytes * 3 / 4)
    }

    @Test func otherFilesInTheCheckpointFolderAreLeftAlone() throws {
        let folder = try TemporaryDirectory()
        try Data("keep".utf8).write(to: URL(fileURLWithPath: folder.file("notes.txt")))
        _ = try run(.configuration(Self.configuration), model: folder.file("m.safetensors"), checkpoint: folder.path)
        #expect(!FileManager.default.fileExists(atPath: TrainingCheckpoint.path(inFolder: folder.path)))
        #expect(FileManager.default.fileExists(atPath: folder.file("notes.txt")))
    }

    @Test func anInterruptWithoutACheckpointFolderSavesNothing() throws {
        let folder = try TemporaryDirectory()
        let interruption = try #require(throws: TrainingInterruption.self) {
            _ = try run(
                .configuration(Self.configuration), model: folder.file("m.safetensors"), checkpoint: nil,
                shouldStop: StopAfter(3).shouldStop)
        }
        #expect(interruption.checkpointFolder == nil && interruption.batchesDone == 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func anUnwritableOutputIsReportedBeforeTraining() throws {
        let folder = try TemporaryDirectory()
        for (model, checkpoint) in [
            (folder.file("missing/m.safetensors"), nil),
            (folder.file("m.safetensors"), folder.file("missing/deeper/ck")),
        ] {
            var asked = false
            #expect(throws: AtomicFileError.self) {
                var run = try TrainingRun(
                    .configuration(Self.configuration), trainingSet: train, testSet: test,
                    modelPath: model, checkpointFolder: checkpoint, command: "test run",
                    shouldStop: {
                        asked = true; return false
                    })
                _ = try run.run()
            }
            #expect(!asked)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func theDefaultCheckpointFolderSitsBesideTheModel() {
        #expect(TrainingRun.defaultCheckpointFolder(forModel: "out/model.safetensors") == "out/model.checkpoint")
        #expect(TrainingRun.defaultCheckpointFolder(forModel: "model") == "model.checkpoint")
    }

    @Test func checkpointsRecordWhereTheRunReadsAndWrites() throws {
        try DataTestSupport.withTemporaryDirectory { folder in
            let stop = StopAfter(3)
            var run = try TrainingRun(
                .configuration(Self.configuration), trainingSet: train, testSet: test,
                modelPath: folder + "/m.safetensors", checkpointFolder: folder + "/m.checkpoint", command: "test run",
                dataFolder: Self.directory.path, shouldStop: stop.shouldStop)
            #expect(throws: TrainingInterruption.self) { try run.run() }
            let origin = try #require(try TrainingRun.recordedOrigin(ofCheckpointIn: folder + "/m.checkpoint"))
            #expect(origin.dataFolder == Self.directory.path)
            #expect(origin.modelPath == folder + "/m.safetensors")
            #expect(origin.dataFingerprint == train.fingerprint)

            let resumed = try TrainingRun(
                .checkpoint(folder: folder + "/m.checkpoint"), trainingSet: train, testSet: test,
                modelPath: origin.modelPath, checkpointFolder: folder + "/m.checkpoint", command: "test run")
            #expect(!resumed.resumesOnOtherData)
        }
    }

    @Test func resumingOnOtherDataIsNoticed() throws {
        try DataTestSupport.withTemporaryDirectory { folder in
            var run = try TrainingRun(
                .configuration(Self.configuration), trainingSet: train, testSet: test,
                modelPath: folder + "/m.safetensors", checkpointFolder: folder + "/m.checkpoint", command: "test run",
                dataFolder: Self.directory.path, shouldStop: StopAfter(3).shouldStop)
            #expect(throws: TrainingInterruption.self) { try run.run() }
            // The same number of images, one label changed: only the fingerprint tells them apart.
            var labels = train.labels
            labels[0] = (labels[0] + 1) % 10
            let images = IDXArray(
                dataType: .uint8, dimensions: [train.count, 28, 28], bytes: train.images)
            let other = try MNISTDataSet(
                images: images, labels: IDXArray(dimensions: [labels.count], values: labels),
                imagesFile: "images", labelsFile: "labels")
            #expect(other.fingerprint != train.fingerprint)
            let resumed = try TrainingRun(
                .checkpoint(folder: folder + "/m.checkpoint"), trainingSet: other, testSet: test,
                modelPath: folder + "/m.safetensors", checkpointFolder: folder + "/m.checkpoint", command: "test run")
            #expect(resumed.resumesOnOtherData)
        }
    }
}
