import Foundation
import Testing
import DigitsKit
import DigitsTestSupport

/// Checkpoint files whose state no `digits train` run can have written must be refused by the
/// reader, with an error naming the file. Found by fuzzing the checkpoint reader
/// (Fuzz/FuzzSafeTensors): resuming from such files trapped (a batch position past the end of
/// the epoch, step counts and running counters that overflow, a warmup of 1e308 epochs turned
/// into an `Int`) or tried to start 100,000 threads.
@Suite struct CheckpointFileRegressionTests {
    /// One number in the checkpoint's state JSON and the value a damaged or edited file has there.
    struct Tampering: Sendable, CustomTestStringConvertible {
        var key: String
        var value: String
        var testDescription: String { "\(key) = \(value)" }
    }

    static let tamperings = [
        Tampering(key: "batchesDone", value: "5"),
        Tampering(key: "batchesDone", value: "-1"),
        Tampering(key: "threads", value: "100000"),
        Tampering(key: "batchSize", value: "9223372036854775807"),
        Tampering(key: "epochs", value: "9223372036854775807"),
        Tampering(key: "warmupEpochs", value: "1e308"),
        Tampering(key: "examplesSeen", value: "9223372036854775807"),
        Tampering(key: "correct", value: "9223372036854775807"),
        Tampering(key: "trainingExamples", value: "0"),
    ]

    let data = syntheticDataSet(count: 10, seed: 4)

    /// Writes the checkpoint of a small run stopped after its first batch of three into `folder`.
    func writeCheckpoint(to folder: String) throws {
        var configuration = TrainingConfiguration()
        configuration.hidden = [2]
        configuration.epochs = 2
        configuration.batchSize = 4
        configuration.threads = 1
        var trainer = try Trainer(configuration: configuration, trainingSet: data, testSet: data)
        var batches = 0
        do {
            try trainer.runEpoch(shouldStop: {
                defer { batches += 1 }
                return batches == 1
            })
            Issue.record("the run was never interrupted")
        } catch TrainingError.interrupted {}
        try trainer.checkpoint().write(toFolder: folder)
    }

    /// Rewrites the number after `"key":` in the state JSON of the checkpoint in `folder`.
    func tamper(_ tampering: Tampering, inFolder folder: String) throws {
        let path = TrainingCheckpoint.path(inFolder: folder)
        var file = try SafeTensorsFile(contentsOf: path)
        let state = try #require(file.metadata["checkpoint"])
        let marker = "\"\(tampering.key)\":"
        let start = try #require(state.range(of: marker)).upperBound
        let end = state[start...].firstIndex { !"-+.0123456789eE".contains($0) } ?? state.endIndex
        file.metadata["checkpoint"] = state.replacingCharacters(in: start ..< end, with: tampering.value)
        try file.write(to: path)
    }

    @Test func theUntamperedCheckpointResumes() throws {
        let folder = try TemporaryDirectory()
        try writeCheckpoint(to: folder.path)
        var trainer = try Trainer(
            resuming: TrainingCheckpoint(contentsOfFolder: folder.path), trainingSet: data, testSet: data)
        try trainer.runEpoch()
        #expect(trainer.epochsDone == 1)
    }

    @Test(arguments: tamperings)
    func aStateNoRunCanHaveIsRefusedNamingTheFile(_ tampering: Tampering) throws {
        let folder = try TemporaryDirectory()
        try writeCheckpoint(to: folder.path)
        try tamper(tampering, inFolder: folder.path)

        let error = try #require(throws: CheckpointError.self) {
            try TrainingCheckpoint(contentsOfFolder: folder.path)
        }
        let file: String
        switch error {
        case let .invalid(named, problem):
            file = named
            #expect(!problem.isEmpty)
        case let .invalidConfiguration(named, _):
            file = named
        case .missing:
            Issue.record("expected an unusable checkpoint, got \(error)")
            return
        }
        #expect(file == TrainingCheckpoint.path(inFolder: folder.path))
        #expect(error.description.contains(file))
    }
}
