import Testing
import DigitsKit
@testable import digits

/// The library's errors in the command line's words: each setting gets its flag, and missing data,
/// models and checkpoints come with the remedy a user can type.
@Suite struct ErrorMessagesTests {
    @Test func everySettingHasItsFlag() {
        let flags = ConfigurationProblem.Setting.allCases.map(ErrorMessages.flag(for:))
        #expect(
            flags == [
                "--epochs", "--batch-size", "--learning-rate", "--momentum", "--weight-decay", "--warmup",
                "--step-every", "--step-factor", "--threads", "--hidden", "--augment-strengths",
                "--label-smoothing", "--ema", "--dropout", "--input-dropout",
            ])
        let problem = ConfigurationProblem(setting: .batchSize, requirement: "must be between 1 and 60000")
        #expect(ErrorMessages.message(for: problem as any Error) == "--batch-size must be between 1 and 60000")
    }

    @Test func trainingErrorsNameTheFlagToChange() {
        #expect(
            ErrorMessages.message(for: TrainingError.diverged(epoch: 2, batch: 7, learningRate: 5) as any Error)
                == "training diverged: the loss blew up (NaN, infinite or above 10000) in epoch 2, batch 7 "
                + "(learning rate 5.0); try a smaller --learning-rate. No model was written.")
        #expect(
            ErrorMessages.message(
                for: TrainingError.trainingSetMismatch(
                    checkpointExamples: 4000,
                    trainingExamples: 60000) as any Error)
                == "invalid training configuration: the checkpoint was taken training on 4000 images, but this data set "
                + "has 60000; resume with the same --data")
    }

    @Test func missingThingsComeWithTheirRemedy() {
        let data = ErrorMessages.message(for: MNISTError.directoryMissing(path: "/x", origin: .explicit) as any Error)
        #expect(data.hasPrefix("The MNIST data folder /x (given with --data) does not exist.\n"))
        #expect(data.contains("point --data DIR or the DIGITS_DATA environment variable"))
        #expect(data.hasSuffix("--data Fixtures/mnist-subset."))
        // A warning that goes on without the data names only what is wrong, not the remedy.
        #expect(
            ErrorMessages.firstLine(for: MNISTError.directoryMissing(path: "/x", origin: .explicit) as any Error)
                == "The MNIST data folder /x (given with --data) does not exist.")
        let defaulted = MNISTError.filesMissing(
            directory: "data/mnist", origin: .defaultLocation,
            missing: [MNISTFile(.train, .images)])
        #expect(
            ErrorMessages.message(for: defaulted as any Error)
                .contains("(the default, as neither --data nor DIGITS_DATA was given) lacks a file:"))

        #expect(
            ErrorMessages.message(for: CheckpointError.missing(folder: "ck") as any Error)
                == "no checkpoint in 'ck' (expected ck/checkpoint.safetensors); "
                + "checkpoints are written after every epoch by `digits train`")
        let configuration = CheckpointError.invalidConfiguration(
            file: "ck/checkpoint.safetensors",
            problem: ConfigurationProblem(setting: .threads, requirement: "must be between 1 and 256"))
        #expect(
            ErrorMessages.message(for: configuration as any Error)
                == "'ck/checkpoint.safetensors' is not a usable checkpoint: its configuration is not one digits train "
                + "accepts (--threads must be between 1 and 256)")
    }

    @Test func errorsWithoutFlagsKeepTheirOwnDescription() {
        let errors: [any Error] = [
            TrainingError.emptyTrainingSet, MNISTError.wrongImageSize(file: "f", rows: 1, columns: 2),
            CheckpointError.invalid(file: "f", problem: "p"),
            ReadingError.unreadablePicture(.fileNotFound(path: "f.png")),
            ReadingError.tooManyPieces(name: "f.png", found: 900, limit: 500),
            ReadingError.tooFragmented(name: "f.png", limit: 4_000_000),
        ]
        for error in errors {
            #expect(ErrorMessages.message(for: error) == "\(error)")
        }
        // A picture that cannot be read says so in the decoder's words, naming the file once.
        #expect(
            ErrorMessages.message(for: ReadingError.unreadablePicture(.fileNotFound(path: "f.png")))
                == "f.png: no such file")
        struct Unrelated: Error {}
        #expect(ErrorMessages.commandLineMessage(for: Unrelated()) == nil)
    }
}
