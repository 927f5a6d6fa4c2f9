import DigitsData
import DigitsFileSystem
import DigitsModelFile
import DigitsTensor
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A whole training run, from a fresh configuration or a checkpoint to a model file on disk.
///
/// The run checks that the model and checkpoint can be written before it trains, keeps a
/// checkpoint after every epoch but the last, and on an interrupt (SIGINT or SIGTERM by default)
/// saves one at the batch reached and throws `TrainingInterruption`. At the end it writes the
/// model atomically and removes the checkpoint, which the model file supersedes.
public struct TrainingRun {
    /// How a run begins.
    public enum Start: Sendable {
        /// A fresh network trained as `configuration` says.
        case configuration(TrainingConfiguration)
        /// The run whose checkpoint is in `folder`, continued exactly where it stopped.
        case checkpoint(folder: String)
    }

    /// What a finished run made.
    public struct Outcome: Sendable {
        /// Metrics of every epoch, the first first.
        public var history: [EpochMetrics]
        /// The record written into the model file.
        public var summary: TrainingSummary
        /// Where the model was written.
        public var modelPath: String
        /// The size of the model file, in bytes.
        public var modelBytes: Int
    }

    /// The trainer; its configuration and model describe the run before it starts.
    public private(set) var trainer: Trainer
    /// Where the model is written at the end.
    public let modelPath: String
    /// How the model file stores its weights (checkpoints always keep float32).
    public let modelPrecision: ModelFile.Precision
    /// Where checkpoints go, or nil to keep none.
    public let checkpointFolder: String?
    /// The command line recorded in the model file.
    public let command: String
    /// Where the run reads and writes, recorded in its checkpoints; nil when no data folder was
    /// given.
    public let origin: TrainingOrigin?
    /// Whether a resumed run's training data differs from the data its checkpoint was trained on
    /// (by `MNISTDataSet.fingerprint`): it then continues, but cannot end with the model an
    /// uninterrupted run would have made. False for a fresh run, or a checkpoint that did not
    /// record its data.
    public let resumesOnOtherData: Bool

    private let trainingSet: MNISTDataSet
    /// `trainingSet.fingerprint`, worked out once: it reads every pixel, byte after byte.
    private let trainingFingerprint: String
    private let testSet: MNISTDataSet
    private let shouldStop: (() -> Bool)?

    /// A run ready to train.
    ///
    /// - Parameters:
    ///   - start: a configuration, or the folder of a checkpoint to resume.
    ///   - trainingSet: the examples to train on (a resumed run needs the same ones).
    ///   - testSet: the examples evaluated after every epoch.
    ///   - modelPath: where the finished model goes.
    ///   - modelPrecision: how the model file stores its weights; the test accuracy recorded in
    ///     it is that of the weights as stored.
    ///   - checkpointFolder: where checkpoints go (a resumed run usually keeps its own folder), or
    ///     nil to keep none.
    ///   - command: the command line to record in the model file.
    ///   - dataFolder: the folder the data sets were read from, recorded (with the model path and
    ///     the training data's fingerprint) in every checkpoint so that resuming needs nothing
    ///     else; nil to record nothing.
    ///   - shouldStop: asked before every batch whether to stop; nil (the default) stops on
    ///     SIGINT or SIGTERM, which the run starts catching when it starts.
    /// - Throws: `AtomicFileError` when the model or checkpoint cannot be written (checked before
    ///   anything else), `CheckpointError` and the model file's errors for a checkpoint that
    ///   cannot be read, `TrainingError` for a configuration or data that cannot be trained.
    public init(
        _ start: Start, trainingSet: MNISTDataSet, testSet: MNISTDataSet, modelPath: String,
        modelPrecision: ModelFile.Precision = .float32, checkpointFolder: String?, command: String,
        dataFolder: String? = nil, shouldStop: (() -> Bool)? = nil
    ) throws {
        try Self.checkWritable(modelPath: modelPath, checkpointFolder: checkpointFolder)
        let fingerprint = trainingSet.fingerprint
        var resumesOnOtherData = false
        switch start {
        case let .configuration(configuration):
            trainer = try Trainer(configuration: configuration, trainingSet: trainingSet, testSet: testSet)
        case let .checkpoint(folder):
            let checkpoint = try TrainingCheckpoint(contentsOfFolder: folder)
            trainer = try Trainer(resuming: checkpoint, trainingSet: trainingSet, testSet: testSet)
            resumesOnOtherData = checkpoint.origin.map { $0.dataFingerprint != fingerprint } ?? false
        }
        self.trainingSet = trainingSet
        trainingFingerprint = fingerprint
        self.testSet = testSet
        self.modelPath = modelPath
        self.modelPrecision = modelPrecision
        self.checkpointFolder = checkpointFolder
        self.command = command
        self.shouldStop = shouldStop
        self.resumesOnOtherData = resumesOnOtherData
        origin = dataFolder.map {
            TrainingOrigin(
                dataFolder: Self.absolute($0), modelPath: Self.absolute(modelPath), dataFingerprint: fingerprint)
        }
    }

    /// Where the run whose checkpoint is in `folder` read its data and was to write its model, or
    /// nil when the checkpoint does not record it.
    public static func recordedOrigin(ofCheckpointIn folder: String) throws -> TrainingOrigin? {
        try TrainingCheckpoint(contentsOfFolder: folder).origin
    }

    /// `path` made absolute against the current directory, so a resume from elsewhere finds it.
    private static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let current = FileManager.default.currentDirectoryPath
        return (current.hasSuffix("/") ? current : current + "/")
            + (path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
    }

    /// The trainer's checkpoint, with where the run reads and writes.
    private func checkpoint() -> TrainingCheckpoint {
        var checkpoint = trainer.checkpoint()
        checkpoint.origin = origin
        return checkpoint
    }

    /// Throws `AtomicFileError` when the model at `modelPath` or a checkpoint in `checkpointFolder`
    /// could not be written: a caller can ask before loading the data, and `init` asks again.
    public static func checkWritable(modelPath: String, checkpointFolder: String?) throws {
        try AtomicFile.checkWritable(modelPath)
        if let checkpointFolder {
            // The folder is made when the first checkpoint is written, so check where it will go.
            let exists = FileManager.default.fileExists(atPath: checkpointFolder)
            try AtomicFile.checkWritable(
                exists ? TrainingCheckpoint.path(inFolder: checkpointFolder) : checkpointFolder)
        }
    }

    /// The checkpoint folder used for a model path when none is named: `model.safetensors` →
    /// `model.checkpoint`.
    public static func defaultCheckpointFolder(forModel modelPath: String) -> String {
        let base = modelPath.hasSuffix(".safetensors") ? String(modelPath.dropLast(".safetensors".count)) : modelPath
        return base + ".checkpoint"
    }

    /// Trains every remaining epoch, writes the model and removes the checkpoint.
    ///
    /// - Parameters:
    ///   - progress: called after every batch.
    ///   - epochEnded: called with each finished epoch's metrics, before its checkpoint is written.
    /// - Throws: `TrainingInterruption` when stopped (after saving the checkpoint, if any);
    ///   `TrainingError.diverged` when the loss blows up; the file layer's errors when a
    ///   checkpoint or the model cannot be written. No model is written unless the run finishes.
    public mutating func run(
        progress: (TrainingProgress) -> Void = { _ in }, epochEnded: (EpochMetrics) -> Void = { _ in }
    ) throws -> Outcome {
        let stop: () -> Bool
        if let shouldStop {
            stop = shouldStop
        } else {
            InterruptSignal.catchInterrupts()
            stop = { InterruptSignal.received != nil }
        }
        while !trainer.isFinished {
            let metrics: EpochMetrics
            do {
                metrics = try trainer.runEpoch(progress: progress, shouldStop: stop)
            } catch let TrainingError.interrupted(epoch, batchesDone) {
                if let checkpointFolder { try checkpoint().write(toFolder: checkpointFolder) }
                throw TrainingInterruption(
                    epoch: epoch, batchesDone: batchesDone,
                    batchesPerEpoch: trainer.batchesPerEpoch, checkpointFolder: checkpointFolder)
            }
            epochEnded(metrics)
            if let checkpointFolder, !trainer.isFinished {
                try checkpoint().write(toFolder: checkpointFolder)
            }
        }

        let last = trainer.history[trainer.history.count - 1]
        var (testAccuracy, testLoss) = (last.testAccuracy, last.testLoss)
        if modelPrecision != .float32 {
            // The file holds rounded weights: record what they score, not what they were rounded from.
            let stored = ModelFile(model: trainer.model).model(storedAt: modelPrecision)
            let report = trainer.engine.evaluate(stored, on: testSet)
            (testAccuracy, testLoss) = (report.accuracy, report.loss)
        }
        let summary = TrainingSummary(
            configuration: trainer.configuration, epochs: trainer.epochsDone, testAccuracy: testAccuracy,
            testLoss: testLoss, trainingExamples: trainingSet.count, testExamples: testSet.count,
            command: command, trainingDataFingerprint: trainingFingerprint, testDataFingerprint: testSet.fingerprint
        )
        let bytes = try ModelFile(model: trainer.model, training: summary, history: trainer.history)
            .safeTensors(precision: modelPrecision).encoded()
        try AtomicFile.write(bytes, to: modelPath)
        // The model holds everything the checkpoint did; a finished run's checkpoint is not needed.
        if let checkpointFolder { Self.removeCheckpoint(in: checkpointFolder) }
        return Outcome(history: trainer.history, summary: summary, modelPath: modelPath, modelBytes: bytes.count)
    }

    /// Removes the checkpoint file, and its folder if nothing else is in it.
    private static func removeCheckpoint(in folder: String) {
        try? FileManager.default.removeItem(atPath: TrainingCheckpoint.path(inFolder: folder))
        if (try? FileManager.default.contentsOfDirectory(atPath: folder))?.isEmpty == true {
            try? FileManager.default.removeItem(atPath: folder)
        }
    }
}
