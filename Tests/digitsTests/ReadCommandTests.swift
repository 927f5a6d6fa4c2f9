import DigitsKit
import DigitsTestSupport
import Foundation
import Testing

/// `digits read` run as a user runs it, with the shipped model, on numbers composed of clearly
/// written digits of the bundled subset, each in its own cell with a clear gap to the next.
@Suite struct ReadCommandTests {
    /// Writes a composed number (see `TestImages.number`) as `name` in `scratch`; returns its path.
    static func write(
        _ rows: [String], as name: String, in scratch: ScratchFolder, style: TestImages.Style = .darkOnLight
    ) throws -> String {
        let path = scratch.path(name)
        try Data(try TestImages.numberPNG(rows, style: style)).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The lines of a text report that describe one digit each: `  <digit>  <percent>  box …`.
    static func digitLines(_ text: String) -> [Substring] {
        text.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.contains("  box ") }
    }

    @Test func readsTheDigitsLeftToRight() throws {
        let scratch = try ScratchFolder()
        let path = try Self.write(["90210"], as: "zip.png", in: scratch)
        let output = try CommandRunner.run(["read", path])
        #expect(output.status == 0, "\(output.standardError)")
        let lines = output.standardOutput.split(separator: "\n")
        #expect(lines.first?.hasPrefix("\(path): 90210 (confidence ") == true, "\(output.standardOutput)")
        let digits = Self.digitLines(output.standardOutput)
        #expect(digits.map { $0.dropFirst(2).prefix(1) } == ["9", "0", "2", "1", "0"])
        // One row: no row column.
        #expect(digits.allSatisfy { $0.contains("%  box ") && $0.contains(" at (") && !$0.contains("row") })
        #expect(output.standardError.isEmpty)
    }

    @Test func theReadmeSampleReadsAsItsNumber() throws {
        let output = try CommandRunner.run(["read", "Fixtures/digits/number-40917.png"])
        #expect(output.status == 0)
        #expect(output.standardOutput.hasPrefix("Fixtures/digits/number-40917.png: 40917 (confidence "))
        #expect(Self.digitLines(output.standardOutput).count == 5)
    }

    @Test(arguments: [
        ("seven.png", "7"), ("three-transparent.png", "3"), ("four-off-centre.png", "4"), ("two-28px.png", "2"),
        ("six-chalkboard.png", "6"),
    ])
    func samplePicturesOfOneDigitReadAsThatDigit(file: String, text: String) throws {
        let output = try CommandRunner.run(["read", "--json", "Fixtures/digits/" + file])
        #expect(output.status == 0)
        #expect(try Self.records(output).first?["text"] as? String == text)
    }

    @Test func jsonCarriesTheTextAndEveryDigitWithItsBoxAndProbabilities() throws {
        let scratch = try ScratchFolder()
        let files = [
            try Self.write(["90210"], as: "zip.png", in: scratch),
            try Self.write(["4097"], as: "meter.png", in: scratch),
        ]
        let output = try CommandRunner.run(["read", "--json"] + files)
        #expect(output.status == 0, "\(output.standardError)")
        let records = try Self.records(output)
        #expect(records.map { $0["file"] as? String } == files)
        #expect(records.map { $0["text"] as? String } == ["90210", "4097"])
        for record in records {
            #expect(
                Set(record.keys) == ["file", "text", "confidence", "width", "height", "digits"],
                "no warning or annotation unless there is one")
            let width = try #require(record["width"] as? Int)
            let height = try #require(record["height"] as? Int)
            let text = try #require(record["text"] as? String)
            #expect(height == 2 * 20 + 84 && width == 2 * 20 + 84 * text.count)
            let digits = try #require(record["digits"] as? [[String: Any]])
            #expect(digits.count == text.count)
            var product = 1.0
            var right = 0
            for (digit, character) in zip(digits, text) {
                #expect(Set(digit.keys) == ["digit", "confidence", "box", "row", "probabilities"])
                let probabilities = try #require(digit["probabilities"] as? [Double])
                #expect(probabilities.count == 10)
                #expect(abs(probabilities.reduce(0, +) - 1) < 1e-5)
                let value = try #require(digit["digit"] as? Int)
                #expect(value == character.wholeNumberValue)
                #expect(probabilities.firstIndex(of: probabilities.max()!) == value)
                let confidence = try #require(digit["confidence"] as? Double)
                #expect(abs(confidence - probabilities[value]) < 1e-6)
                #expect(confidence > 0.9)
                product *= confidence
                #expect(digit["row"] as? Int == 0)
                let box = try #require(digit["box"] as? [Int])
                #expect(box.count == 4)
                // Inside the picture, and to the right of the digit before.
                #expect(box[0] >= right && box[1] >= 0 && box[2] > 0 && box[3] > 0)
                #expect(box[0] + box[2] <= width && box[1] + box[3] <= height)
                right = box[0] + box[2]
            }
            #expect(abs((record["confidence"] as? Double ?? -1) - product) < 1e-4)
        }
    }

    @Test func twoRowsReadAsTwoLinesTopToBottom() throws {
        let scratch = try ScratchFolder()
        let path = try Self.write(["234", "567"], as: "grid.png", in: scratch)
        let json = try CommandRunner.run(["read", "--json", path])
        #expect(json.status == 0)
        let record = try #require(try Self.records(json).first)
        #expect(record["text"] as? String == "234\n567")
        let digits = try #require(record["digits"] as? [[String: Any]])
        #expect(digits.map { $0["row"] as? Int } == [0, 0, 0, 1, 1, 1])

        let text = try CommandRunner.run(["read", path])
        let lines = text.standardOutput.split(separator: "\n")
        #expect(lines.count >= 2)
        #expect(lines[0].hasPrefix("\(path): 234 (confidence "))
        // The second row's text sits under the first's.
        #expect(lines[1] == String(repeating: " ", count: "\(path): ".count) + "567")
        let rows = Self.digitLines(text.standardOutput).map {
            $0.split(separator: " ").suffix(2).joined(separator: " ")
        }
        #expect(rows == ["row 1", "row 1", "row 1", "row 2", "row 2", "row 2"])
    }

    @Test(arguments: [TestImages.Style.lightOnDark, .transparent])
    func lightOnDarkAndTransparentPicturesReadAlike(style: TestImages.Style) throws {
        let scratch = try ScratchFolder()
        let path = try Self.write(["4097"], as: "number.png", in: scratch, style: style)
        let output = try CommandRunner.run(["read", "--json", path])
        #expect(output.status == 0)
        #expect(try Self.records(output).first?["text"] as? String == "4097")
    }

    @Test func standardInputIsReadWithADash() throws {
        let output = try CommandRunner.run(["read", "--json", "-"], input: Data(try TestImages.numberPNG(["371"])))
        #expect(output.status == 0, "\(output.standardError)")
        let record = try #require(try Self.records(output).first)
        #expect(record["file"] as? String == "-")
        #expect(record["text"] as? String == "371")
    }

    @Test func aFolderStandsForItsPNGFilesInNameOrder() throws {
        let scratch = try ScratchFolder()
        _ = try Self.write(["12"], as: "b.png", in: scratch)
        _ = try Self.write(["34"], as: "a.png", in: scratch)
        try Data("not a picture".utf8).write(to: scratch.url.appendingPathComponent("notes.txt"))
        let output = try CommandRunner.run(["read", "--json", scratch.url.path])
        #expect(output.status == 0)
        let records = try Self.records(output)
        #expect(records.map { ($0["file"] as? String)?.split(separator: "/").last } == ["a.png", "b.png"])
        #expect(records.map { $0["text"] as? String } == ["34", "12"])
    }

    @Test func aPictureWithoutInkReadsAsNothingWithAWarning() throws {
        let scratch = try ScratchFolder()
        let blank = scratch.path("blank.png")
        try Data(TestImages.whitePNG).write(to: URL(fileURLWithPath: blank))
        let output = try CommandRunner.run(["read", "--json", blank])
        #expect(output.status == 0)
        let record = try #require(try Self.records(output).first)
        #expect(record["text"] as? String == "")
        #expect(record["confidence"] as? Double == 0)
        #expect((record["digits"] as? [Any])?.isEmpty == true)
        #expect(record["warning"] as? String == "no ink found")

        let human = try CommandRunner.run(["read", blank])
        #expect(human.status == 0)
        #expect(human.standardOutput == "\(blank): no digits read\n")
        #expect(human.standardError.hasPrefix("Warning: \(blank): no ink found"))
    }

    @Test func everyFileIsAttemptedAndFailuresExitWithOne() throws {
        let scratch = try ScratchFolder()
        let good = try Self.write(["58"], as: "good.png", in: scratch)
        let bytes = try TestImages.numberPNG(["58"])
        let truncated = scratch.path("truncated.png")
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: truncated))
        let damaged = scratch.path("damaged.png")
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0xFF
        try Data(flipped).write(to: URL(fileURLWithPath: damaged))
        let text = scratch.path("notes.png")
        try Data("just some text\n".utf8).write(to: URL(fileURLWithPath: text))
        let huge = scratch.path("huge.png")
        try Data(TestImages.hugePNG).write(to: URL(fileURLWithPath: huge))
        let missing = scratch.path("missing.png")
        let files = [truncated, good, damaged, text, huge, missing]

        let output = try CommandRunner.run(["read", "--json"] + files)
        #expect(output.status == 1)
        let records = try Self.records(output)
        #expect(records.map { $0["file"] as? String } == files)
        #expect(records[1]["text"] as? String == "58")
        for index in [0, 2, 3, 4, 5] {
            let message = try #require(records[index]["error"] as? String, "\(files[index]) should fail")
            #expect(message.hasPrefix(files[index] + ": "), "the message names the file: \(message)")
            #expect(Set(records[index].keys) == ["file", "error"])
        }
        #expect((records[0]["error"] as? String)?.contains("truncated") == true)
        #expect((records[2]["error"] as? String)?.contains("damaged PNG file") == true)
        #expect((records[3]["error"] as? String)?.contains("it looks like text") == true)
        #expect((records[4]["error"] as? String)?.contains("larger than the limit") == true)
        #expect((records[5]["error"] as? String)?.hasSuffix("no such file") == true)

        let human = try CommandRunner.run(["read"] + files)
        #expect(human.status == 1)
        #expect(human.standardOutput.contains("good.png: 58 (confidence "))
        #expect(human.standardError.components(separatedBy: "Error: ").count - 1 == 5)
    }

    @Test func aPictureOfCountlessMarksIsRefusedNotReadSlowly() throws {
        // A dot of 2×2 pixels every 4 pixels, inside a clean border: 2,304 separate marks, far more
        // than any number has.
        var image = GrayAlphaImage(width: 200, height: 200, gray: 255)
        for y in stride(from: 4, to: 196, by: 4) {
            for x in stride(from: 4, to: 196, by: 4) {
                for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] { image.gray[(y + dy) * 200 + x + dx] = 0 }
            }
        }
        let scratch = try ScratchFolder()
        let path = scratch.path("dots.png")
        try Data(try PNGEncoder.encode(image)).write(to: URL(fileURLWithPath: path))
        let output = try CommandRunner.run(["read", path])
        #expect(output.status == 1)
        #expect(output.standardError.hasPrefix("Error: \(path): the picture holds 2304 separate marks"))
    }

    @Test func showDrawsEachDigitAsTheNetworkSawIt() throws {
        let scratch = try ScratchFolder()
        let path = try Self.write(["47"], as: "47.png", in: scratch)
        let output = try CommandRunner.run(["read", "--show", path])
        #expect(output.status == 0)
        let lines = output.standardOutput.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("  |") }.count == 2 * 28)
        #expect(lines.contains("  digit 1 of 2, read as 4, as the network saw it:"))
        #expect(lines.contains("  digit 2 of 2, read as 7, as the network saw it:"))
    }

    // MARK: --annotate

    @Test func annotateWritesThePictureWithFramesAndTheDigitsRead() throws {
        let scratch = try ScratchFolder()
        let path = try Self.write(["90210"], as: "zip.png", in: scratch)
        let annotated = scratch.path("zip-boxes.png")
        let output = try CommandRunner.run(["read", "--annotate", annotated, path])
        #expect(output.status == 0, "\(output.standardError)")
        #expect(output.standardOutput.hasSuffix("  annotated: \(annotated)\n"))

        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: annotated)))
        #expect(bytes[25] == 2, "an RGB PNG")
        let picture = try PNGDecoder.decode(contentsOfFile: path)
        let decoded = try PNGDecoder.decode(bytes)
        #expect(decoded.width == picture.width && decoded.height == picture.height)
        #expect(decoded.gray != picture.gray)

        // The file holds exactly the library's annotation of what was read, frames in colour.
        let model = try ModelLocator.locate(explicit: nil, environment: ProcessInfo.processInfo.environment).load()
        let reader = NumberReader(
            model: model.model, verifier: try ShippedModel.loadVerifier().model,
            cutScorer: nil, rowReaders: try ShippedModel.loadRowReaders().map(\.network))
        let reading = try reader.read(picture, name: path)
        let expected = ReadingAnnotation(image: picture, reading: reading)
        #expect(try expected.pngBytes() == bytes)
        let colours = (0 ..< expected.width * expected.height).map {
            expected[$0 % expected.width, $0 / expected.width]
        }
        #expect(colours.contains(ReadingAnnotation.confidentColour))
        #expect(colours.contains(ReadingAnnotation.labelColour))
    }

    @Test("read reads a row of touching digits whole with the row readers; --no-touching, cutting by ink, misreads it")
    func touchingReadsWithTheRowReader() throws {
        let scratch = try ScratchFolder()
        // Bundled touching row 1 is the first that the reader cutting by ink misreads and
        // the shipped row readers read right. A retrained model or row reader may read it alike
        // both ways; then one of the expectations fails and another row must be chosen.
        let sample = try ReadingSets.fixtures().sample(.touching, index: 1)
        let path = scratch.path("touching.png")
        try Data(try PNGEncoder.encode(sample.image)).write(to: URL(fileURLWithPath: path))
        for arguments in [["read", path], ["read", "--touching", path]] {
            let output = try CommandRunner.run(arguments)
            #expect(output.status == 0, "\(output.standardError)")
            #expect(output.standardOutput.hasPrefix("\(path): \(sample.text) (confidence "), "\(output.standardOutput)")
        }
        let byInk = try CommandRunner.run(["read", "--no-touching", path])
        #expect(byInk.status == 0, "\(byInk.standardError)")
        #expect(!byInk.standardOutput.hasPrefix("\(path): \(sample.text) ("))
    }

    @Test func annotateWritesEachOfSeveralPicturesIntoAFolder() throws {
        let scratch = try ScratchFolder()
        let first = try Self.write(["12"], as: "first.png", in: scratch)
        let second = try Self.write(["345"], as: "second.PNG", in: scratch)
        let folder = scratch.path("annotated")
        let output = try CommandRunner.run(
            ["read", "--json", "--annotate", folder, first, "-", second], input: Data(try TestImages.numberPNG(["6"])))
        #expect(output.status == 0, "\(output.standardError)")
        let expected = ["first-read.png", "stdin-read.png", "second-read.png"].map { folder + "/" + $0 }
        #expect(try Self.records(output).map { $0["annotation"] as? String } == expected)
        for (file, source) in zip(expected, [first, nil, second]) {
            let annotated = try PNGDecoder.decode(contentsOfFile: file)
            if let source {
                let picture = try PNGDecoder.decode(contentsOfFile: source)
                #expect(annotated.width == picture.width && annotated.height == picture.height)
            }
        }
        // The folder now exists, and is written into again.
        let again = try CommandRunner.run(["read", "--annotate", folder, first, second])
        #expect(again.status == 0)
    }

    @Test func annotateWritesIntoAnExistingFolderForOnePictureToo() throws {
        let scratch = try ScratchFolder()
        let path = try Self.write(["8"], as: "eight.png", in: scratch)
        let output = try CommandRunner.run(["read", "--annotate", scratch.url.path, path])
        #expect(output.status == 0)
        #expect(FileManager.default.fileExists(atPath: scratch.path("eight-read.png")))
    }

    @Test func aBadAnnotateDestinationIsRefusedBeforeAnythingIsRead() throws {
        let scratch = try ScratchFolder()
        let first = try Self.write(["1"], as: "one.png", in: scratch)
        let second = try Self.write(["2"], as: "two.png", in: scratch)
        try FileManager.default.createDirectory(
            at: scratch.url.appendingPathComponent("other"), withIntermediateDirectories: false)
        let twin = try Self.write(["3"], as: "other/one.png", in: scratch)
        // A folder whose a.png would be annotated as its a-read.png, a picture also being read.
        let pictures = scratch.url.appendingPathComponent("pictures")
        try FileManager.default.createDirectory(at: pictures, withIntermediateDirectories: false)
        _ = try Self.write(["4"], as: "pictures/a.png", in: scratch)
        _ = try Self.write(["5"], as: "pictures/a-read.png", in: scratch)

        // Usage errors (64): a file where a folder is needed, two pictures to one name, the input itself.
        let usage: [([String], String)] = [
            (["--annotate", second, first, second], "is a file, but several pictures are read"),
            (["--annotate", scratch.path("out"), first, twin], "would both be annotated as"),
            (["--annotate", first, first], "is the picture being read"),
            (["--annotate", pictures.path, pictures.path], "over a picture being read"),
        ]
        for (arguments, message) in usage {
            let output = try CommandRunner.run(["read"] + arguments)
            #expect(output.status == 64, "\(arguments)")
            #expect(output.standardError.contains(message), "\(output.standardError)")
            #expect(output.standardOutput.isEmpty)
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out")), "nothing made for a refused run")

        // Destinations that cannot be written (1).
        let unwritable: [([String], String)] = [
            (["--annotate", scratch.path("missing/out.png"), first], "cannot write the annotated picture"),
            (["--annotate", scratch.path("missing/deeper"), first, second], "cannot make the folder"),
        ]
        for (arguments, message) in unwritable {
            let output = try CommandRunner.run(["read"] + arguments)
            #expect(output.status == 1, "\(arguments)")
            #expect(output.standardError.hasPrefix("Error: " + message), "\(output.standardError)")
            #expect(output.standardOutput.isEmpty)
        }
    }

    // MARK: Flags and help

    @Test(arguments: [
        ["read"], ["read", "-", "-"], ["read", "--annotate", "", "x.png"], ["read", "--top", "3", "x.png"],
    ])
    func badFlagsExitWithTheUsageStatus(arguments: [String]) throws {
        let output = try CommandRunner.run(arguments)
        #expect(output.status == 64)
        #expect(output.standardError.contains("Usage") || output.standardError.contains("Error"))
    }

    @Test func helpExplainsTheCommandAndItsLimits() throws {
        let root = try CommandRunner.run(["--help"])
        #expect(root.standardOutput.contains("read "))
        let help = try CommandRunner.run(["read", "--help"])
        #expect(help.status == 0)
        for text in ["--annotate", "--json", "--show", "--model", "Limits:", "stdin-read.png"] {
            #expect(help.standardOutput.contains(text), "\(text)")
        }
    }

    static func records(_ output: CommandRunner.Output) throws -> [[String: Any]] {
        try output.standardOutput.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }
}
