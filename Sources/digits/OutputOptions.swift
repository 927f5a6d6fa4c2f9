import ArgumentParser
import DigitsKit

/// Where `digits train` writes the model and its checkpoints, and which run it continues.
struct OutputOptions: ParsableArguments {
    /// The model path when none is given.
    static let defaultOutput = "model.safetensors"

    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "Where to write the model. (default: \(defaultOutput))",
            valueName: "path"))
    var output: String?

    @Option(
        help: ArgumentHelp(
            "How the model file stores its weights: f32 as trained, or f16 for a file half the size "
                + "(each weight rounded to 11 significant bits; the test accuracy recorded is the rounded "
                + "model's). Checkpoints always keep f32.",
            valueName: "precision"))
    var outputPrecision: ModelFile.Precision = .float32

    @Option(
        help: ArgumentHelp(
            "Folder for the per-epoch checkpoint. (default: the output path with .checkpoint)",
            valueName: "dir"))
    var checkpoint: String?

    @Flag(help: "Write no checkpoints.")
    var noCheckpoint = false

    @Option(help: ArgumentHelp("Continue the run whose checkpoint is in this folder.", valueName: "dir"))
    var resume: String?

    /// The model path to write: as given, else the one the resumed run recorded, else the default.
    func modelPath(recorded: TrainingOrigin?) -> String {
        output ?? recorded?.modelPath ?? Self.defaultOutput
    }

    /// The checkpoint folder: as given, else the resumed run's, else beside the model; nil with
    /// `--no-checkpoint`.
    func checkpointFolder(forModel modelPath: String) -> String? {
        noCheckpoint ? nil : (checkpoint ?? resume ?? TrainingRun.defaultCheckpointFolder(forModel: modelPath))
    }

    /// Refuses an empty output path and contradicting checkpoint options. (`Train.validate()` calls
    /// this after checking the settings, so that the messages keep their order.)
    func check() throws {
        if output?.isEmpty == true { throw ValidationError("--output must name a file.") }
        if noCheckpoint && checkpoint != nil {
            throw ValidationError("--checkpoint and --no-checkpoint contradict each other.")
        }
    }
}
