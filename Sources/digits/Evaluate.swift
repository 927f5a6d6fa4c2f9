import ArgumentParser
import DigitsKit

/// `digits evaluate`: accuracy, loss, per-class precision and recall, and the confusion matrix.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure a model on the MNIST test set (or the training set).",
        discussion: """
            Prints the accuracy, the mean cross-entropy loss, each digit's precision (of the \
            images predicted as that digit, how many were it) and recall (of the images of that \
            digit, how many were found), and the confusion matrix, whose rows are the true \
            digits and columns the predictions.
            """
    )

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var threadOptions: ThreadOptions

    @Option(help: "Which split to evaluate on: test or train.")
    var split: MNISTSplit = .test

    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    func validate() throws {
        try threadOptions.check()
    }

    func run() throws {
        let (modelSource, modelFile) = try modelOptions.load()
        let directory = try dataOptions.directory(for: [split])
        let data = try directory.load(split)
        let clock = ContinuousClock()
        let started = clock.now
        let report = Evaluator(threadCount: threadOptions.count)
            .evaluate(modelFile.model, on: data)
        let seconds = (clock.now - started).seconds

        if json {
            print(
                try jsonLine(
                    EvaluationRecord(
                        report: report, model: modelSource.description, data: directory.path,
                        split: split.rawValue, seconds: seconds)))
            return
        }
        let architecture = modelFile.model.layerSizes.map(String.init).joined(separator: "-")
        print("Model: \(modelSource) (\(architecture), \(modelFile.model.hiddenActivation.rawValue))")
        print(
            "Data:  \(directory.path), \(Format.count(data.count)) \(split.rawValue) images, evaluated in \(Format.duration(seconds))"
        )
        print("")
        print(
            "Accuracy \(Format.percent(report.accuracy)) (\(Format.count(report.correct)) of \(Format.count(report.count))), "
                + "mean loss \(Format.fixed(report.loss, decimals: 4))")
        print("")
        var perClass = TextTable(header: ["digit", "precision", "recall", "images"])
        for digit in 0 ..< report.classCount {
            perClass.append([
                String(digit), report.precision(of: digit).map { Format.percent($0) } ?? "–",
                report.recall(of: digit).map { Format.percent($0) } ?? "–",
                Format.count(report.confusion[digit].reduce(0, +)),
            ])
        }
        print(perClass.render())
        print("")
        print("Confusion matrix (rows: true digit, columns: predicted digit)")
        var confusion = TextTable(header: ["true"] + (0 ..< report.classCount).map(String.init))
        for digit in 0 ..< report.classCount {
            confusion.append([String(digit)] + report.confusion[digit].map { String($0) })
        }
        print(confusion.render())
    }

    private struct EvaluationRecord: Encodable {
        var accuracy: Double
        var count: Int
        var correct: Int
        var loss: Double
        var confusion: [[Int]]
        var precision: [Double?]
        var recall: [Double?]
        var model: String
        var data: String
        var split: String
        var seconds: Double

        init(report: EvaluationReport, model: String, data: String, split: String, seconds: Double) {
            accuracy = report.accuracy
            count = report.count
            correct = report.correct
            loss = report.loss
            confusion = report.confusion
            precision = (0 ..< report.classCount).map(report.precision(of:))
            recall = (0 ..< report.classCount).map(report.recall(of:))
            self.model = model
            self.data = data
            self.split = split
            self.seconds = seconds
        }
    }
}

extension MNISTSplit: ExpressibleByArgument {}
