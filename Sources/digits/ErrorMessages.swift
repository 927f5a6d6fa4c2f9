import DigitsKit

/// The library's errors in the command line's words.
///
/// The library names settings, files and facts; this is the one place that turns them into the
/// flags that set them and the remedies a user can type.
enum ErrorMessages {
    /// The `digits train` flag that sets `setting`.
    static func flag(for setting: ConfigurationProblem.Setting) -> String {
        switch setting {
        case .epochs: "--epochs"
        case .batchSize: "--batch-size"
        case .learningRate: "--learning-rate"
        case .momentum: "--momentum"
        case .weightDecay: "--weight-decay"
        case .warmup: "--warmup"
        case .stepEvery: "--step-every"
        case .stepFactor: "--step-factor"
        case .threads: "--threads"
        case .hidden: "--hidden"
        case .augmentation: "--augment-strengths"
        case .labelSmoothing: "--label-smoothing"
        case .averaging: "--ema"
        case .dropout: "--dropout"
        case .inputDropout: "--input-dropout"
        }
    }

    /// The problem named by its flag, e.g. "--epochs must be between 1 and 10000".
    static func message(for problem: ConfigurationProblem) -> String {
        "\(flag(for: problem.setting)) \(problem.requirement)"
    }

    /// The message for one of the library's errors, in the command line's words where it needs
    /// them; nil for any other error (the argument parser's own, say), which reports itself.
    static func commandLineMessage(for error: any Error) -> String? {
        switch error {
        case let problem as ConfigurationProblem:
            message(for: problem)
        case let error as TrainingError:
            message(for: error)
        case let error as MNISTError:
            message(for: error)
        case let error as CheckpointError:
            message(for: error)
        default:
            nil
        }
    }

    /// What the user sees for `error`.
    static func message(for error: any Error) -> String {
        commandLineMessage(for: error) ?? "\(error)"
    }

    /// The first line of `message(for:)`: what went wrong, without the remedy, for a warning
    /// that goes on with less (a report without its test-set parts, say).
    static func firstLine(for error: any Error) -> String {
        String(message(for: error).prefix { $0 != "\n" })
    }

    private static func message(for error: TrainingError) -> String {
        switch error {
        case .diverged:
            "\(error); try a smaller --learning-rate. No model was written."
        case let .invalidConfiguration(problem):
            "invalid training configuration: \(message(for: problem))"
        case .trainingSetMismatch:
            "\(error); resume with the same --data"
        case .emptyTrainingSet, .interrupted:
            error.description
        }
    }

    private static func message(for error: MNISTError) -> String {
        switch error {
        case let .directoryMissing(path, origin):
            "The MNIST data folder \(path) (\(phrase(origin))) does not exist.\n" + howToGetData(into: path, origin)
        case let .filesMissing(directory, origin, missing):
            "The MNIST data folder \(directory) (\(phrase(origin))) lacks "
                + (missing.count == 1 ? "a file" : "\(missing.count) files") + ":\n"
                + missing.map { "  \($0.standardName): looked for " + $0.acceptedNames.joined(separator: ", ") }
                .joined(separator: "\n")
                + "\n" + howToGetData(into: directory, origin)
        case .idx, .wrongLayout, .wrongImageSize, .countMismatch, .labelOutOfRange:
            error.description
        }
    }

    private static func message(for error: CheckpointError) -> String {
        switch error {
        case .missing:
            error.description + "; checkpoints are written after every epoch by `digits train`"
        case let .invalidConfiguration(file, problem):
            "'\(file)' is not a usable checkpoint: its configuration is not one digits train accepts "
                + "(\(message(for: problem)))"
        case .invalid:
            error.description
        }
    }

    /// How the data folder was chosen, in the flags' words.
    private static func phrase(_ origin: MNISTDirectory.Origin) -> String {
        switch origin {
        case .explicit: "given with --data"
        case .environment: "from the \(MNISTDirectory.environmentVariable) environment variable"
        case .defaultLocation: "the default, as neither --data nor \(MNISTDirectory.environmentVariable) was given"
        case .recorded: "recorded in the checkpoint being resumed"
        case .userCache:
            "the per-user cache, as neither --data nor \(MNISTDirectory.environmentVariable) was given "
                + "and \(MNISTDirectory.defaultPath) does not exist"
        case .given: "as given"
        }
    }

    /// What to do when the data is not in `folder`.
    private static func howToGetData(into folder: String, _ origin: MNISTDirectory.Origin) -> String {
        let download =
            switch origin {
            case .defaultLocation, .userCache:
                "Run `digits download` to fetch MNIST into \(folder) (it was not fetched automatically because "
                    + "--no-download or \(DataOptions.offlineVariable)=1 was given),"
            case .explicit, .environment, .given, .recorded:
                "Run `digits download --to \(folder)` to fetch MNIST there,"
            }
        return """
            \(download) or put its four standard files, gzipped (.gz) or not:
              \(MNISTFile.all.map(\.standardName).joined(separator: ", "))
            into a folder and point --data DIR or the \(MNISTDirectory.environmentVariable) environment variable \
            at it.
            To train on the small subset bundled with digits instead, run from the digits checkout with \
            --data \(MNISTDirectory.bundledSubsetPath).
            """
    }
}
