import ArgumentParser
import DigitsKit

/// `digits read`: the number in each PNG, digit by digit, with where each digit is.
struct Read: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read the number in each PNG picture: every digit, left to right, row by row.",
        discussion: """
            Finds the ink as classify does, breaks it into separate marks, groups them into rows \
            (read top to bottom, one line of text each) and splits each row into digits (read left \
            to right). Each digit is classified exactly as `digits classify` classifies a picture \
            of one digit; marks of one digit are joined (a 5 with its top stroke apart), and \
            where the ink holds several digits it is cut apart where the pieces read better than \
            the whole, as judged by the model and by a digit verifier built into digits (it tells \
            one whole digit from two run together or part of one, and is used with any --model). \
            A row in which digits touch or overlap is instead read whole, without cutting, by two \
            row readers built into digits: convolutional networks that read the row column by \
            column (trained on rows of touching digits; they do not use --model). --no-touching \
            cuts such rows apart where the ink is thinnest, as readers before it did. Prints \
            the number, the confidence that all of it is right (the product of the digits' \
            probabilities), and each digit with its probability and its box in the picture.

            Takes the pictures classify takes: any PNG, dark ink on a light background or light \
            on dark or on a transparent canvas. A folder stands for the .png files in it, in name \
            order; `-` reads one PNG from standard input. A picture without ink reads as nothing, \
            with a warning.

            Limits: the model knows the digits 0 to 9 written one by one as in MNIST, so letters, \
            signs, decimal points and other marks are read as digits too — crop the picture to \
            the number. Digits should be upright, of similar height within a row, and rows well \
            apart. Digits that touch or overlap their neighbours are misread far more often than \
            separate ones (most often as fewer digits than were written): leave a little paper \
            between them. A picture with more than \
            \(SegmentationSettings().maximumPieces) separate marks (a page of text, a noisy photo) \
            is refused rather than read slowly.

            --annotate PATH writes each picture with a frame and the digit read over every digit: \
            green when the model is at least 90% sure, orange from 50%, red below. With one \
            picture PATH is the PNG to write; with several, or a folder, PATH is a folder (made \
            if missing) that gets one <name>-read.png per picture, stdin-read.png for standard \
            input.

            Every file is attempted. Exit status: 0 when all were read, 1 when any failed.
            """
    )

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Print one JSON object per file (JSON Lines) instead of text.")
    var json = false

    @Flag(help: "Also draw each digit as the network saw it (28×28).")
    var show = false

    @Flag(
        inversion: .prefixedNo,
        help: ArgumentHelp(
            "Read rows of touching digits whole with the built-in row readers; with --no-touching, cut them where the ink is thinnest.",
            discussion:
                "The row readers read touching digits right far more often, and far faster; rows of separate digits read the same either way."
        ))
    var touching = true

    @Option(
        help: ArgumentHelp(
            "Write each picture with what was read drawn over it: a PNG file for one picture, a folder for several.",
            valueName: "path"))
    var annotate: String?

    @Argument(
        help: ArgumentHelp(
            "PNG files or folders of them to read (- for standard input).",
            valueName: "file"))
    var files: [String]

    mutating func validate() throws {
        try PictureFiles.validate(files)
        if let annotate {
            guard !annotate.isEmpty else { throw ValidationError("--annotate must name a PNG file or a folder.") }
            _ = try AnnotationTarget(path: annotate, arguments: files, inputs: PictureFiles.expanded(files))
        }
    }

    func run() throws {
        let inputs = PictureFiles.expanded(files)
        // A bad destination is reported before any picture is read, not after each one.
        let target = try annotate.map { try AnnotationTarget(path: $0, arguments: files, inputs: inputs) }
        if let target, let first = inputs.first { try target.prepare(for: first) }
        let (_, modelFile) = try modelOptions.load()
        let reader = NumberReader(
            model: modelFile.model, verifier: try ShippedModel.loadVerifier().model,
            cutScorer: nil, rowReaders: touching ? try ShippedModel.loadRowReaders().map(\.network) : [])
        var failures = 0
        for (index, file) in inputs.enumerated() {
            let name = file == "-" ? "standard input" : file
            do {
                let image = try Self.picture(file, name: name)
                let reading = try reader.read(image, name: name)
                let annotation = target?.path(for: file)
                if let annotation { try ReadingAnnotation(image: image, reading: reading).write(toFile: annotation) }
                if json {
                    print(try jsonLine(ReadingRecord(file: file, reading: reading, annotation: annotation)))
                } else {
                    if index > 0 { print("") }
                    print(ReadingText(file: file, reading: reading, show: show, annotation: annotation).render())
                    if let warning = reading.warning {
                        printError("Warning: \(name): \(warning); the picture looks blank")
                    }
                }
            } catch {
                failures += 1
                let message = ErrorMessages.message(for: error)
                if json {
                    print(try jsonLine(FailureRecord(file: file, error: message)))
                } else {
                    if index > 0 { print("") }
                    printError("Error: \(message)")
                }
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }

    /// The picture in `file`, or on standard input for `-`; `name` labels it in errors.
    private static func picture(_ file: String, name: String) throws -> GrayAlphaImage {
        do {
            guard file == "-" else { return try PNGDecoder.decode(contentsOfFile: file) }
            return try PNGDecoder.decode(try StandardInput.readAll(limit: PNGDecoder.maximumFileSize), name: name)
        } catch let error as PNGError {
            throw ReadingError.unreadablePicture(error)
        }
    }
}
