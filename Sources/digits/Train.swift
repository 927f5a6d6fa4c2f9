import ArgumentParser
import DigitsKit

/// `digits train`: trains an MLP on MNIST and writes the model file.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
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
    @OptionGroup var optimizerOptions: OptimizerOptions
    @OptionGroup var networkOptions: NetworkOptions
    @OptionGroup var augmentationOptions: AugmentationOptions
    @OptionGroup var scheduleOptions: ScheduleOptions
    @OptionGroup var seedOptions: SeedOptions
    @OptionGroup var threadOptions: ThreadOptions
    @OptionGroup var outputOptions: OutputOptions

    @Flag(help: "Print one JSON object per epoch and a final summary instead of text.")
    var json = false

    @Option(
        help: ArgumentHelp(
            "After training, write a report on the model (a web page, index.html) into this folder.",
            discussion: "The folder is made if missing; see `digits report`.", valueName: "dir"))
    var report: String?

    /// The groups that set the configuration, in help order.
    private var settingsGroups: [any TrainingSettingsGroup] {
        [optimizerOptions, networkOptions, augmentationOptions, scheduleOptions, seedOptions, threadOptions]
    }

    mutating func validate() throws {
        // The bounds live with the configuration, so checkpoints are held to the same ones.
        do {
            try trainingConfiguration.validate()
        } catch {
            throw ValidationError(ErrorMessages.message(for: error) + ".")
        }
        try outputOptions.check()
        if report?.isEmpty == true { throw ValidationError("--report must name a folder.") }
        if outputOptions.resume != nil,
            let given = settingsGroups.lazy.flatMap(\.flagsGiven).first(where: \.given)?.flag
        {
            throw ValidationError(
                "--resume continues a run exactly as it was configured, so \(given) cannot "
                    + "change it; drop \(given).")
        }
    }

    /// The configuration the flags describe, defaults filled in.
    var trainingConfiguration: TrainingConfiguration {
        var configuration = TrainingConfiguration()
        for group in settingsGroups { group.apply(to: &configuration) }
        return configuration
    }

    func run() throws {
        // A resumed run continues with the data and model path its checkpoint recorded, unless
        // told otherwise.
        let recorded = try outputOptions.resume.flatMap { try TrainingRun.recordedOrigin(ofCheckpointIn: $0) }
        let output = outputOptions.modelPath(recorded: recorded)
        let checkpointFolder = outputOptions.checkpointFolder(forModel: output)
        // Report an unwritable destination now, not after minutes of training (or of loading).
        try TrainingRun.checkWritable(modelPath: output, checkpointFolder: checkpointFolder)
        if let report { try ReportPage.checkWritable(folder: report) }

        let directory = try dataOptions.directory(resuming: recorded)
        let trainingSet = try directory.load(.train)
        let testSet = try directory.load(.test)
        var training = try TrainingRun(
            outputOptions.resume.map { .checkpoint(folder: $0) } ?? .configuration(trainingConfiguration),
            trainingSet: trainingSet, testSet: testSet, modelPath: output,
            modelPrecision: outputOptions.outputPrecision, checkpointFolder: checkpointFolder,
            command: (["digits"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
            dataFolder: directory.path)
        if training.resumesOnOtherData {
            printError(
                "Warning: the training data in \(directory.path) is not the data this run was trained on so far; "
                    + "it goes on, but will not end with the model an uninterrupted run would have made.")
        }
        var console = TrainingConsole(json: json)
        console.start(trainer: training.trainer, trainingSet: trainingSet, testSet: testSet, dataPath: directory.path)

        let epochs = training.trainer.configuration.epochs
        let outcome: TrainingRun.Outcome
        do {
            outcome = try training.run(
                progress: { console.progress($0) }, epochEnded: { console.epochEnded($0, of: epochs) })
        } catch let interruption as TrainingInterruption {
            console.interrupted()
            throw CommandFailure(message(for: interruption), exitCode: 130)
        }
        console.finished(outcome)

        if let reportFolder = report {
            // The report is made from the file just written, so it shows what `digits report`
            // on that file would.
            let page = try ReportPage(
                modelFile: try ModelFile(contentsOf: outcome.modelPath), testSet: testSet,
                settings: ReportSettings(
                    modelName: output, dataName: directory.path, threadCount: training.trainer.configuration.threads))
            try page.write(to: reportFolder)
            console.reportWritten(page, folder: reportFolder)
        }
    }

    /// What an interrupted run tells the user, with the command that continues it.
    private func message(for interruption: TrainingInterruption) -> String {
        let (epoch, batchesDone) = (interruption.epoch, interruption.batchesDone)
        guard let folder = interruption.checkpointFolder else {
            return
                "interrupted in epoch \(epoch) after \(batchesDone) batches; no checkpoint was kept (--no-checkpoint)."
        }
        return "interrupted in epoch \(epoch) after \(batchesDone) of \(interruption.batchesPerEpoch) batches. "
            + "The run so far is saved in \(folder); continue it with:\n"
            + "  digits train --resume \(folder)"
    }
}
