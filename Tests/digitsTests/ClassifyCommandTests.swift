import Foundation
import Testing

/// `digits classify` run as a user runs it, from the package root with the shipped model.
@Suite struct ClassifyCommandTests {
    @Test func readmeExamplePrintsSeven() throws {
        let output = try CommandRunner.run(["classify", "Fixtures/digits/seven.png"])
        #expect(output.status == 0)
        let lines = output.standardOutput.split(separator: "\n")
        #expect(lines.first?.hasPrefix("Fixtures/digits/seven.png: 7 (") == true)
        // The ten digits, one line each, with the prediction marked.
        #expect(lines.count == 11)
        #expect(lines.filter { $0.hasSuffix("←") }.count == 1)
    }

    @Test func aCopiedExecutableCarriesItsModel() throws {
        // The binary alone in an empty folder, run from another folder: no checkout to find.
        let binFolder = try ScratchFolder()
        let workFolder = try ScratchFolder()
        let copy = binFolder.url.appendingPathComponent("digits")
        try FileManager.default.copyItem(at: CommandRunner.executable, to: copy)
        let seven = CommandRunner.packageRoot.appendingPathComponent("Fixtures/digits/seven.png").path
        let output = try CommandRunner.run(
            ["classify", seven], in: workFolder.url, environment: ["DIGITS_MODEL": ""], executable: copy)
        #expect(output.status == 0, "\(output.standardError)")
        #expect(output.standardOutput.hasPrefix(seven + ": 7 ("), "\(output.standardOutput)")
    }

    @Test(arguments: [
        ("seven.png", 7), ("three-transparent.png", 3), ("four-off-centre.png", 4),
        ("two-28px.png", 2), ("five-palette.png", 5), ("nine-scan-16bit.png", 9),
        ("six-chalkboard.png", 6),
    ])
    func sampleImagesClassifyAsTheirDigit(file: String, digit: Int) throws {
        let output = try CommandRunner.run(["classify", "--json", "Fixtures/digits/" + file])
        #expect(output.status == 0)
        let record = try #require(try Self.records(output).first)
        #expect(record["prediction"] as? Int == digit)
    }

    @Test func jsonLinesCarryProbabilitiesThatSumToOne() throws {
        let files = ["Fixtures/digits/seven.png", "Fixtures/digits/two-28px.png"]
        let output = try CommandRunner.run(["classify", "--json", "--top", "3"] + files)
        #expect(output.status == 0)
        let records = try Self.records(output)
        #expect(records.map { $0["file"] as? String } == files)
        for record in records {
            let probabilities = try #require(record["probabilities"] as? [Double])
            #expect(probabilities.count == 10)
            #expect(abs(probabilities.reduce(0, +) - 1) < 1e-5)
            let prediction = try #require(record["prediction"] as? Int)
            #expect(probabilities.firstIndex(of: probabilities.max()!) == prediction)
            #expect(abs((record["confidence"] as? Double ?? -1) - probabilities[prediction]) < 1e-6)
            #expect((record["top"] as? [[String: Any]])?.count == 3)
        }
    }

    @Test func everyFileIsAttemptedAndFailuresExitWithOne() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.url
        let text = folder.appendingPathComponent("notes.png")
        try Data("just some text\n".utf8).write(to: text)
        let empty = folder.appendingPathComponent("empty.png")
        try Data().write(to: empty)
        let seven = try Data(contentsOf: CommandRunner.packageRoot.appendingPathComponent("Fixtures/digits/seven.png"))
        let truncated = folder.appendingPathComponent("truncated.png")
        try seven.prefix(seven.count / 2).write(to: truncated)

        let emptyFolder = folder.appendingPathComponent("no-pictures")
        try FileManager.default.createDirectory(at: emptyFolder, withIntermediateDirectories: true)
        let files = [
            text.path, "Fixtures/digits/seven.png", empty.path, folder.appendingPathComponent("missing.png").path,
            emptyFolder.path, truncated.path,
        ]
        let output = try CommandRunner.run(["classify", "--json"] + files)
        #expect(output.status == 1)
        let records = try Self.records(output)
        #expect(records.map { $0["file"] as? String } == files)
        #expect(records[1]["prediction"] as? Int == 7)
        for index in [0, 2, 3, 4, 5] {
            let message = try #require(records[index]["error"] as? String, "file \(files[index]) should fail")
            #expect(message.contains(files[index]), "the message names the file: \(message)")
        }
        // The human form prints the good result and an error per bad file.
        let human = try CommandRunner.run(["classify"] + files)
        #expect(human.status == 1)
        #expect(human.standardOutput.contains("seven.png: 7"))
        #expect(human.standardError.components(separatedBy: "Error:").count - 1 == 5)
    }

    @Test func aFolderStandsForItsPNGFilesInNameOrder() throws {
        let output = try CommandRunner.run(["classify", "--json", "Fixtures/digits"])
        #expect(output.status == 0)
        let files = try Self.records(output).compactMap { $0["file"] as? String }
        #expect(files.count == 10)
        #expect(files == files.sorted())
        #expect(files.allSatisfy { $0.hasPrefix("Fixtures/digits/") && $0.hasSuffix(".png") })
    }

    @Test func standardInputIsReadWithADash() throws {
        let seven = try Data(contentsOf: CommandRunner.packageRoot.appendingPathComponent("Fixtures/digits/seven.png"))
        let output = try CommandRunner.run(["classify", "--json", "-"], input: seven)
        #expect(output.status == 0)
        let record = try #require(try Self.records(output).first)
        #expect(record["file"] as? String == "-")
        #expect(record["prediction"] as? Int == 7)
    }

    @Test func aBlankPictureIsClassifiedWithAWarning() throws {
        // A valid 1×1 white PNG, built with the project's own encoder through the command line's
        // sibling: the library is linked into the tests.
        let scratch = try ScratchFolder()
        let folder = scratch.url
        let blank = folder.appendingPathComponent("blank.png")
        try Data(TestImages.whitePNG).write(to: blank)
        let output = try CommandRunner.run(["classify", "--json", blank.path])
        #expect(output.status == 0)
        let record = try #require(try Self.records(output).first)
        #expect(record["warning"] as? String == "no ink found")
        let human = try CommandRunner.run(["classify", blank.path])
        #expect(human.standardOutput.contains("no ink found"))
    }

    @Test func showDrawsTheNormalisedInput() throws {
        let output = try CommandRunner.run(["classify", "--show", "Fixtures/digits/seven.png"])
        #expect(output.status == 0)
        let pictureRows = output.standardOutput.split(separator: "\n").filter { $0.hasPrefix("  |") }
        #expect(pictureRows.count == 28)
        #expect(pictureRows.contains { $0.contains("█") })
    }

    @Test(arguments: [
        ["classify"], ["classify", "--top", "0", "x.png"], ["classify", "--top", "11", "x.png"],
        ["classify", "-", "-"], ["classify", "--bogus", "x.png"],
    ])
    func badFlagsExitWithTheUsageStatus(arguments: [String]) throws {
        let output = try CommandRunner.run(arguments)
        #expect(output.status == 64)
        #expect(output.standardError.contains("Usage") || output.standardError.contains("Error"))
    }

    @Test func aMissingModelIsReportedWithWhereItWasLookedFor() throws {
        let output = try CommandRunner.run([
            "classify", "--model", "/nonexistent/model.safetensors",
            "Fixtures/digits/seven.png",
        ])
        #expect(output.status != 0)
        #expect(output.standardError.contains("/nonexistent/model.safetensors"))
    }

    static func records(_ output: CommandRunner.Output) throws -> [[String: Any]] {
        try output.standardOutput.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }
}
