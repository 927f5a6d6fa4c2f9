import ArgumentParser
import DigitsKit

/// `digits train`: trains an MLP on MNIST and writes the model file.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a multi-layer perceptron on MNIST.",
        discussion: """
            Trains with mini-batch SGD with momentum, an optional linear warmup and a cosine (or \
            step) decay of the learning rate, evaluating on the test set after every epoch. The \
            defaults reach about 98% test accuracy on full MNIST in 5 epochs.

            Nothing is lost: the model is written atomically (an interrupted run never leaves a \
            half-written file or damages an existing one), and after every epoch a checkpoint \
            goes to the --checkpoint folder. Ctrl-C stops at the end of the current batch and \
            saves a checkpoint there (a second Ctrl-C quits at once); `digits train --resume \
            FOLDER` continues the run and ends with exactly the model an uninterrupted run \
            would have made (same data and thread count).

            Without full MNIST at hand, train on the bundled 5,000-digit subset:

              digits train --data Fixtures/mnist-subset --epochs 10
            """
    )

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Passes over the training set. (default: 5)")
    var epochs: Int?

    @Option(help: "Examples per SGD step. (default: 64)")
    var batchSize: Int?

    @Option(help: "Peak learning rate, reached after warmup. (default: 0.05)")
    var learningRate: Double?

    @Option(help: "SGD momentum, in [0, 1). (default: 0.9)")
    var momentum: Double?

    @Option(help: "L2 weight decay on weights. (default: 0)")
    var weightDecay: Double?

    @Option(help: ArgumentHelp("Hidden layer sizes, comma-separated, or \"none\". (default: 256,128)", valueName: "sizes"))
    var hidden: LayerSizes?

    @Option(help: "Hidden-layer activation. (default: relu)")
    var activation: Activation?

    @Option(help: "Loss, computed on the softmax probabilities. (default: cross-entropy)")
    var loss: Loss?

    @Option(help: "Learning-rate decay after warmup. (default: cosine)")
    var schedule: ScheduleKind?

    @Option(help: ArgumentHelp("Linear warmup length in epochs, may be fractional. (default: 0)", valueName: "epochs"))
    var warmup: Double?

    @Option(help: "With --schedule step: epochs between decays. (default: 2)")
    var stepEvery: Int?

    @Option(help: "With --schedule step: factor applied at each decay. (default: 0.5)")
    var stepFactor: Double?

    @Option(help: "Seed for initialisation and shuffling. (default: 1)")
    var seed: UInt64?

    @Option(help: ArgumentHelp(
        "Threads to compute on; the same seed and thread count always give the same model. (default: all cores)",
        valueName: "n"))
    var threads: Int?

    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the model. (default: model.safetensors)",
                                                      valueName: "path"))
    var output: String?

    @Option(help: ArgumentHelp("Folder for the per-epoch checkpoint. (default: the output path with .checkpoint)",
                               valueName: "dir"))
    var checkpoint: String?

    @Flag(help: "Write no checkpoints.")
    var noCheckpoint = false

    @Option(help: ArgumentHelp("Continue the run whose checkpoint is in this folder.", valueName: "dir"))
    var resume: String?

    @Flag(help: "Print one JSON object per epoch and a final summary instead of text.")
    var json = false

    enum ScheduleKind: String, ExpressibleByArgument, CaseIterable {
        case cosine, step, constant
    }

    mutating func validate() throws {
        // The bounds live with the configuration, so checkpoints are held to the same ones.
        do {
            try trainingConfiguration.validate()
        } catch {
            throw ValidationError(ErrorMessages.message(for: error) + ".")
        }
        if output?.isEmpty == true { throw ValidationError("--output must name a file.") }
        if noCheckpoint && checkpoint != nil { throw ValidationError("--checkpoint and --no-checkpoint contradict each other.") }
        if resume != nil {
            let settings: [(String, Bool)] = [
                ("--epochs", epochs != nil), ("--batch-size", batchSize != nil), ("--learning-rate", learningRate != nil),
                ("--momentum", momentum != nil), ("--weight-decay", weightDecay != nil), ("--hidden", hidden != nil),
                ("--activation", activation != nil), ("--loss", loss != nil), ("--schedule", schedule != nil),
                ("--warmup", warmup != nil), ("--step-every", stepEvery != nil), ("--step-factor", stepFactor != nil),
                ("--seed", seed != nil), ("--threads", threads != nil),
            ]
            if let given = settings.first(where: \.1) {
                throw ValidationError("--resume continues a run exactly as it was configured, so \(given.0) cannot "
                                      + "change it; drop \(given.0).")
            }
        }
    }

    /// The configuration the flags describe, defaults filled in.
    var trainingConfiguration: TrainingConfiguration {
        var configuration = TrainingConfiguration()
        if let hidden { configuration.hidden = hidden.sizes }
        if let activation { configuration.activation = activation }
        if let loss { configuration.loss = loss }
        if let epochs { configuration.epochs = epochs }
        if let batchSize { configuration.batchSize = batchSize }
        if let learningRate { configuration.learningRate = learningRate }
        if let momentum { configuration.momentum = momentum }
        if let weightDecay { configuration.weightDecay = weightDecay }
        if let warmup { configuration.warmupEpochs = warmup }
        switch schedule ?? .cosine {
        case .cosine: configuration.decay = .cosine
        case .constant: configuration.decay = .constant
        case .step: configuration.decay = .step(everyEpochs: stepEvery ?? 2, factor: stepFactor ?? 0.5)
        }
        if let seed { configuration.seed = seed }
        if let threads { configuration.threads = threads }
        return configuration
    }

    func run() throws {
        let output = output ?? "model.safetensors"
        let checkpointFolder = noCheckpoint ? nil : (checkpoint ?? resume ?? TrainingRun.defaultCheckpointFolder(forModel: output))
        // Report an unwritable destination now, not after minutes of training (or of loading).
        try TrainingRun.checkWritable(modelPath: output, checkpointFolder: checkpointFolder)

        let directory = try MNISTDirectory.locate(explicit: dataOptions.data, environment: Environment.current)
        let trainingSet = try directory.load(.train)
        let testSet = try directory.load(.test)
        var training = try TrainingRun(
            resume.map { .checkpoint(folder: $0) } ?? .configuration(trainingConfiguration),
            trainingSet: trainingSet, testSet: testSet, modelPath: output, checkpointFolder: checkpointFolder,
            command: (["digits"] + CommandLine.arguments.dropFirst()).joined(separator: " "))
        var report = TrainingReport(json: json)
        report.start(trainer: training.trainer, trainingSet: trainingSet, testSet: testSet, dataPath: directory.path)

        let epochs = training.trainer.configuration.epochs
        let outcome: TrainingRun.Outcome
        do {
            outcome = try training.run(progress: { report.progress($0) }, epochEnded: { report.epochEnded($0, of: epochs) })
        } catch let interruption as TrainingInterruption {
            report.interrupted()
            throw CommandFailure(message(for: interruption), exitCode: 130)
        }
        report.finished(history: outcome.history, output: output, bytes: outcome.modelBytes)
    }

    /// What an interrupted run tells the user, with the command that continues it.
    private func message(for interruption: TrainingInterruption) -> String {
        let (epoch, batchesDone) = (interruption.epoch, interruption.batchesDone)
        guard let folder = interruption.checkpointFolder else {
            return "interrupted in epoch \(epoch) after \(batchesDone) batches; no checkpoint was kept (--no-checkpoint)."
        }
        return "interrupted in epoch \(epoch) after \(batchesDone) of \(interruption.batchesPerEpoch) batches. "
            + "The run so far is saved in \(folder); continue it with:\n"
            + "  digits train --resume \(folder)"
            + (dataOptions.data.map { " --data \($0)" } ?? "") + " --output \(output ?? "model.safetensors")"
    }
}
