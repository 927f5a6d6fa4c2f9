import ArgumentParser
import DigitsKit

/// `digits report`: a web page about a model — how it trained, what it gets wrong, what its
/// first layer looks for.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a web page about a model: its training, its mistakes and its weights.",
        discussion: """
            Writes FOLDER/index.html and the PNG pictures it shows: the model card (architecture, \
            parameters, the command, time and data it was trained with), charts of loss, accuracy \
            and learning rate per epoch, the confusion matrix as a heat map with each digit's \
            precision and recall, the test digits the model gets wrong most confidently, and the \
            first layer's weights as 28×28 tiles. The page needs no network and no JavaScript: \
            open it from the folder in any browser.

            The numbers are those `digits evaluate` prints for the same model and data. Without a \
            test set at hand (no --data, and none in the default locations), the page is written \
            without the test-set parts, with a warning.
            """
    )

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var threadOptions: ThreadOptions

    @Option(
        name: [.short, .long],
        help: ArgumentHelp("The folder to write the report into (made if missing).", valueName: "dir"))
    var output: String

    @Option(
        help: ArgumentHelp("How many of the most confidently wrong test digits to show (0 to 400).", valueName: "n"))
    var wrong = 36

    func validate() throws {
        try threadOptions.check()
        if output.isEmpty { throw ValidationError("--output must name a folder.") }
        guard ReportSettings.wrongDigitRange.contains(wrong) else {
            throw ValidationError(
                "--wrong must be between 0 and \(ReportSettings.wrongDigitRange.upperBound), not \(wrong).")
        }
    }

    func run() throws {
        try ReportPage.checkWritable(folder: output)
        let (modelSource, modelFile) = try modelOptions.load()
        let directory = try testDirectory()
        let testSet = try directory?.load(.test)
        let page = try ReportPage(
            modelFile: modelFile, testSet: testSet,
            settings: ReportSettings(
                modelName: modelSource.description, dataName: directory?.path, wrongDigitCount: wrong,
                threadCount: threadOptions.count))
        try page.write(to: output)
        print(ReportText.written(page, folder: output))
    }

    /// The folder holding the test set, found (and, when allowed, downloaded) as `evaluate` finds
    /// it; nil, with a warning, when none was named and the default locations have none.
    private func testDirectory() throws -> MNISTDirectory? {
        let chosen = MNISTDirectory.choose(explicit: dataOptions.data, environment: Environment.current)
        guard chosen.isDefault else { return try dataOptions.directory(for: [.test]) }
        do {
            return try dataOptions.directory(for: [.test])
        } catch {
            printError(
                "Warning: no test set to evaluate: \(ErrorMessages.firstLine(for: error))\n"
                    + "  The report leaves out the accuracy, confusion matrix and wrong digits; "
                    + "name the MNIST folder with --data.")
            return nil
        }
    }
}

/// What `digits report` and `digits train --report` print when the report is written.
enum ReportText {
    /// `Report: DIR/index.html (N files, SIZE)`, and what the page holds.
    static func written(_ page: ReportPage, folder: String) -> String {
        var text =
            "Report: \(ReportPage.path(of: ReportPage.indexName, in: folder)) "
            + "(\(page.files.count) file\(page.files.count == 1 ? "" : "s"), \(Format.bytes(page.byteCount)))"
        if let evaluation = page.evaluation {
            text +=
                "\n  test accuracy \(Format.percent(evaluation.accuracy)) on \(Format.count(evaluation.count)) images; "
                + "\(page.wrongDigits.count) of \(Format.count(evaluation.count - evaluation.correct)) wrong digits shown"
        }
        return text + "\n  Open it in a browser; it needs no network."
    }
}
