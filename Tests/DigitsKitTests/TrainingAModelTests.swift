import DigitsKit
import DigitsTestSupport
import Foundation
import Testing

// The code of the article "Training a model from Swift code" (TrainingAModel.md), block by block;
// `articleAndTestAgree` fails when the two drift apart.

/// The training and test splits of the MNIST files in `folder`.
func loadMNIST(from folder: String) throws -> (training: MNISTDataSet, test: MNISTDataSet) {
    let directory = MNISTDirectory(path: folder)
    return (try directory.load(.train), try directory.load(.test))
}

/// A small network trained briefly: enough to see it learn, in seconds.
func quickConfiguration() -> TrainingConfiguration {
    var configuration = TrainingConfiguration()
    configuration.hidden = [64]
    configuration.epochs = 2
    configuration.batchSize = 32
    configuration.seed = 7
    return configuration
}

/// Trains a network as `configuration` says, printing a line after each epoch.
func train(_ configuration: TrainingConfiguration, on data: (training: MNISTDataSet, test: MNISTDataSet))
    throws -> Trainer
{
    var trainer = try Trainer(configuration: configuration, trainingSet: data.training, testSet: data.test)
    while !trainer.isFinished {
        let metrics = try trainer.runEpoch()
        print(
            "epoch \(metrics.epoch): loss \(Format.fixed(metrics.trainLoss, decimals: 3)), "
                + "test accuracy \(Format.percent(metrics.testAccuracy))")
    }
    return trainer
}

/// Writes the trained network to `path`, with the record of how it was trained.
func save(_ trainer: Trainer, trainedOn data: (training: MNISTDataSet, test: MNISTDataSet), to path: String)
    throws
{
    let last = trainer.history.last!
    let summary = TrainingSummary(
        configuration: trainer.configuration, epochs: trainer.epochsDone,
        testAccuracy: last.testAccuracy, testLoss: last.testLoss,
        trainingExamples: data.training.count, testExamples: data.test.count,
        command: "my-trainer")
    let file = try ModelFile(model: trainer.model, training: summary, history: trainer.history)
    try file.write(to: path)
}

/// Trains as `configuration` says and writes the model to `path`, keeping a checkpoint beside it
/// after every epoch; Ctrl-C stops the run with the checkpoint saved.
func trainAndSave(
    _ configuration: TrainingConfiguration, on data: (training: MNISTDataSet, test: MNISTDataSet), to path: String
) throws -> TrainingRun.Outcome {
    var run = try TrainingRun(
        .configuration(configuration), trainingSet: data.training, testSet: data.test, modelPath: path,
        checkpointFolder: TrainingRun.defaultCheckpointFolder(forModel: path), command: "my-trainer")
    return try run.run(epochEnded: { print("epoch \($0.epoch): test accuracy \(Format.percent($0.testAccuracy))") })
}

@Suite struct TrainingAModelTests {
    @Test func articleAndTestAgree() throws {
        #expect(try ArticleCode.swiftBlocks(ofArticle: "TrainingAModel").count >= 5)
        #expect(try ArticleCode.blocks(ofArticle: "TrainingAModel", missingFrom: #filePath) == [])
    }

    @Test func trainsOnTheSubsetAndWritesAModel() throws {
        let data = try loadMNIST(from: DataTestSupport.subsetDirectory)
        #expect((data.training.count, data.test.count) == (4000, 1000))
        var configuration = quickConfiguration()
        configuration.threads = 2
        let trainer = try train(configuration, on: data)
        #expect(trainer.history.map(\.epoch) == [1, 2])
        #expect(trainer.history.last!.testAccuracy > 0.8, "\(trainer.history)")

        try DataTestSupport.withTemporaryDirectory { folder in
            try save(trainer, trainedOn: data, to: folder + "/model.safetensors")
            let reread = try ModelFile(contentsOf: folder + "/model.safetensors")
            #expect(reread.model == trainer.model)
            #expect(try reread.trainingHistory() == trainer.history)
            #expect(try reread.trainingSummary()?.trainingExamples == 4000)
            let classifier = DigitClassifier(model: reread.model)
            let seven = try classifier.classify(
                contentsOfFile: DataTestSupport.packageRoot + "/Fixtures/digits/seven.png")
            #expect(seven.probabilities.count == 10)
        }
    }

    @Test func aTrainingRunWritesTheModelAndLeavesNoCheckpoint() throws {
        let data = try loadMNIST(from: DataTestSupport.subsetDirectory)
        var configuration = quickConfiguration()
        configuration.threads = 2
        try DataTestSupport.withTemporaryDirectory { folder in
            let path = folder + "/model.safetensors"
            let outcome = try trainAndSave(configuration, on: data, to: path)
            #expect(outcome.history.map(\.epoch) == [1, 2])
            #expect(try ModelFile(contentsOf: path).trainingSummary() == outcome.summary)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["model.safetensors"])
        }
    }
}
