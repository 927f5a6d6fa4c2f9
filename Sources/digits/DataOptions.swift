import ArgumentParser
import DigitsKit

/// Where the MNIST files come from, and whether they may be downloaded; shared by `train` and
/// `evaluate`.
struct DataOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Folder holding the MNIST IDX files (gzipped or raw).",
            discussion: """
                Default: $DIGITS_DATA, else ./data/mnist if it exists, else the per-user cache \
                ($XDG_CACHE_HOME/digits/mnist, else ~/.cache/digits/mnist). When the default folder \
                lacks MNIST, it is downloaded there first. The bundled subset is Fixtures/mnist-subset.
                """,
            valueName: "dir"))
    var data: String?

    @Flag(help: "Never download MNIST; fail when the data folder lacks it. (DIGITS_OFFLINE=1 does the same.)")
    var noDownload = false

    /// The environment variable that, set to 1, turns automatic downloads off.
    static let offlineVariable = "DIGITS_OFFLINE"

    /// The data folder, checked to hold `splits`.
    ///
    /// When no folder was named (neither `--data` nor `$DIGITS_DATA`) and the default folder lacks
    /// MNIST, MNIST is downloaded into it first, saying so on standard error, unless downloads are
    /// turned off; a folder somebody named is never filled behind their back.
    func directory(for splits: [MNISTSplit] = MNISTSplit.allCases) throws -> MNISTDirectory {
        let environment = Environment.current
        let chosen = MNISTDirectory.choose(explicit: data, environment: environment)
        do {
            return try chosen.checked(for: splits)
        } catch {
            // The folder is missing or lacks some files: the only things `checked` reports.
            guard chosen.isDefault, !offline(environment) else { throw error }
            printError(
                "MNIST is not in \(chosen.path) yet; downloading it there "
                    + "(--no-download or \(Self.offlineVariable)=1 turns this off).")
            try Download.fetch(into: chosen.path, mirrors: [], timeout: 30, force: false, report: printError)
            return try chosen.checked(for: splits)
        }
    }

    /// The data folder for a resumed run: as named (`--data` or `$DIGITS_DATA`), else the one its
    /// checkpoint recorded, else as for a fresh run.
    func directory(resuming recorded: TrainingOrigin?) throws -> MNISTDirectory {
        let named = data != nil || !(Environment.current[MNISTDirectory.environmentVariable] ?? "").isEmpty
        guard let recorded, !named else { return try directory() }
        return try MNISTDirectory(path: recorded.dataFolder, origin: .recorded).checked()
    }

    /// Whether automatic downloads are off.
    private func offline(_ environment: [String: String]) -> Bool {
        noDownload || environment[Self.offlineVariable] == "1"
    }
}
