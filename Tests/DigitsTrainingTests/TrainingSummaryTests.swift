import Testing
import DigitsKit
import DigitsTestSupport

/// The training layer's record in a model file: what `digits train` writes reads back as the
/// same typed values, and a record that is JSON but not a summary is reported as such.
@Suite struct TrainingSummaryTests {
    static func model() -> MLP {
        var generator = SplitMix64(seed: 4)
        return MLP(inputCount: 784, hidden: [16, 8], outputCount: 10, activation: .tanh, generator: &generator)
    }

    @Test func summaryAndHistoryRoundTripThroughAModelFile() throws {
        var configuration = TrainingConfiguration()
        configuration.seed = 0xFFFF_FFFF_FFFF_FFFF
        let summary = TrainingSummary(
            configuration: configuration, epochs: 3, testAccuracy: 0.9812, testLoss: 0.061,
            trainingExamples: 60000, testExamples: 10000, command: "digits train --epochs 3")
        let history = [
            EpochMetrics(
                epoch: 1, trainLoss: 0.3, trainAccuracy: 0.9, testLoss: 0.2, testAccuracy: 0.95,
                learningRate: 0.05, trainSeconds: 1.5, evaluationSeconds: 0.1, imagesPerSecond: 40000)
        ]
        let original = try ModelFile(model: Self.model(), training: summary, history: history)
        let bytes = try original.safeTensors().encoded()
        let decoded = try ModelFile(SafeTensorsFile(decoding: bytes, file: "m.safetensors"), file: "m.safetensors")
        #expect(decoded == original)
        #expect(try decoded.trainingSummary() == summary)
        #expect(try decoded.trainingHistory() == history)
    }

    @Test func aRecordThatIsJSONButNotASummaryIsReported() throws {
        let file = ModelFile(
            model: Self.model(),
            trainingRecord: TrainingRecord(
                summary: #"{"epochs":"three"}"#,
                history: #"[{"epoch":1}]"#))
        #expect(throws: TrainingRecordError.invalidSummary) { try file.trainingSummary() }
        #expect(throws: TrainingRecordError.invalidHistory) { try file.trainingHistory() }
    }

    @Test func theShippedModelRecordsHowItWasTrained() throws {
        let file = try ModelFile(contentsOf: DataTestSupport.packageRoot + "/" + ShippedModel.packagePath)
        let training = try #require(try file.trainingSummary())
        #expect(training.testAccuracy >= 0.98)
        #expect(training.command.hasPrefix("digits train"))
        #expect(try file.trainingHistory().count == training.epochs)
    }
}

/// The data fingerprints a summary records, and summaries from before they were recorded.
@Suite struct TrainingSummaryFingerprintTests {
    @Test func fingerprintsRoundTripAndOlderSummariesReadWithout() throws {
        var summary = TrainingSummary(
            configuration: TrainingConfiguration(), epochs: 1, testAccuracy: 0.9, testLoss: 0.3,
            trainingExamples: 10, testExamples: 5, command: "digits train", trainingDataFingerprint: "00ff00ff00ff00ff",
            testDataFingerprint: "1234567812345678")
        let file = try ModelFile(model: TrainingSummaryTests.model(), training: summary, history: [])
        #expect(try file.trainingSummary() == summary)
        #expect(file.trainingRecord.summary!.contains("\"trainingDataFingerprint\":\"00ff00ff00ff00ff\""))

        // A summary written before fingerprints were kept has neither key.
        summary.trainingDataFingerprint = nil
        summary.testDataFingerprint = nil
        let older = try ModelFile(model: TrainingSummaryTests.model(), training: summary, history: [])
        #expect(!older.trainingRecord.summary!.contains("Fingerprint"))
        #expect(try older.trainingSummary() == summary)
    }

    @Test func aTrainingRunRecordsTheFingerprintsOfItsData() throws {
        let directory = MNISTDirectory(path: DataTestSupport.subsetDirectory)
        let (training, test) = (try directory.load(.train), try directory.load(.test))
        let scratch = try TemporaryDirectory()
        var configuration = TrainingConfiguration()
        configuration.epochs = 1
        configuration.hidden = [8]
        configuration.threads = 1
        var run = try TrainingRun(
            .configuration(configuration), trainingSet: training, testSet: test,
            modelPath: scratch.file("m.safetensors"),
            checkpointFolder: nil, command: "test", shouldStop: { false })
        let outcome = try run.run()
        #expect(outcome.summary.trainingDataFingerprint == training.fingerprint)
        #expect(outcome.summary.testDataFingerprint == test.fingerprint)
        let written = try ModelFile(contentsOf: scratch.file("m.safetensors")).trainingSummary()
        #expect(written == outcome.summary)
    }
}
