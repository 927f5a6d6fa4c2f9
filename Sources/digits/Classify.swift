import ArgumentParser
import DigitsKit

/// `digits classify`: which digit each PNG shows, with the ten class probabilities.
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Say which digit each PNG picture shows.",
        discussion: """
            Reads any PNG (gray, colour, palette, 16-bit, interlaced, transparent), normalises it \
            the way MNIST's digits were made — ink found and made light on black, cropped, scaled \
            to fit 20×20 and centred by its centre of mass in 28×28 — and prints the model's \
            probability for each digit. A folder stands for the .png files in it, in name order; \
            `-` reads one PNG from standard input.

            Every file is attempted. Exit status: 0 when all were classified, 1 when any failed.
            """
    )

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Print one JSON object per file (JSON Lines) instead of text.")
    var json = false

    @Option(help: ArgumentHelp("Show only the k most likely digits, most likely first.", valueName: "k"))
    var top: Int?

    @Flag(help: "Also draw the normalised 28×28 input the network saw.")
    var show = false

    @Argument(
        help: ArgumentHelp(
            "PNG files or folders of them to classify (- for standard input).",
            valueName: "file"))
    var files: [String]

    mutating func validate() throws {
        try PictureFiles.validate(files)
        if let top, !(1 ... 10).contains(top) { throw ValidationError("--top must be between 1 and 10.") }
    }

    func run() throws {
        let (_, modelFile) = try modelOptions.load()
        let classifier = DigitClassifier(model: modelFile.model)
        var failures = 0
        var first = true
        try classifier.classify(PictureFiles.expanded(files)) { file in
            file == "-"
                ? try PNGDecoder.decode(
                    try StandardInput.readAll(limit: PNGDecoder.maximumFileSize), name: "standard input")
                : try PNGDecoder.decode(contentsOfFile: file)
        } report: { file, answer in
            if !json && !first { print("") }
            first = false
            switch answer {
            case .success(let result):
                if json {
                    print(try jsonLine(ClassificationRecord(file: file, result: result, top: top)))
                } else {
                    print(ClassificationText(file: file, result: result, top: top, show: show).render())
                }
            case .failure(let error):
                failures += 1
                if json {
                    print(try jsonLine(FailureRecord(file: file, error: "\(error)")))
                } else {
                    printError("Error: \(error)")
                }
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }
}
