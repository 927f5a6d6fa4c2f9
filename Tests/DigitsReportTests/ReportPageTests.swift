import Foundation
import Testing
import DigitsKit
import DigitsTestSupport

#if canImport(FoundationXML)
import FoundationXML
#endif

@testable import DigitsReport

/// The report page made in memory: its files, what the page says in each situation, and writing
/// it to a folder.
@Suite struct ReportPageTests {
    static let testSet = Result { try MNISTDirectory(path: DataTestSupport.subsetDirectory).load(.test) }

    /// A small trained-looking model: random weights, a two-epoch history and a summary.
    static func modelFile(history: Bool = true, summary: Bool = true) throws -> ModelFile {
        var generator = SplitMix64(seed: 11)
        let model = MLP(inputCount: 784, hidden: [20], outputCount: 10, activation: .relu, generator: &generator)
        let epochs = [
            EpochMetrics(
                epoch: 1, trainLoss: 1.2, trainAccuracy: 0.6, testLoss: 0.9, testAccuracy: 0.7, learningRate: 0.05,
                trainSeconds: 1, evaluationSeconds: 0.1, imagesPerSecond: 4000),
            EpochMetrics(
                epoch: 2, trainLoss: 0.1, trainAccuracy: 0.97, testLoss: 0.3, testAccuracy: 0.91, learningRate: 0.01,
                trainSeconds: 1, evaluationSeconds: 0.1, imagesPerSecond: 4000),
        ]
        let record = TrainingSummary(
            configuration: TrainingConfiguration(), epochs: 2, testAccuracy: 0.91, testLoss: 0.3,
            trainingExamples: 4000, testExamples: 1000, command: "digits train --epochs 2 <&>",
            trainingDataFingerprint: "0123456789abcdef")
        return try ModelFile(model: model, training: summary ? record : nil, history: history ? epochs : [])
    }

    static func html(_ page: ReportPage) -> String {
        String(decoding: page.file(named: "index.html")!.bytes, as: UTF8.self)
    }

    /// Whether `html` parses as XML: every element closed and nested, every `&` a reference.
    static func isWellFormed(_ html: String) -> Bool {
        XMLParser(data: Data(html.utf8)).parse()
    }

    @Test func aReportWithATestSetHasThePageTheWeightsAndTheWrongDigits() throws {
        let data = try Self.testSet.get()
        let page = try ReportPage(
            modelFile: try Self.modelFile(), testSet: data,
            settings: ReportSettings(
                modelName: "m.safetensors", dataName: "subset", wrongDigitCount: 12, threadCount: 2))
        #expect(
            page.files.map(\.name) == ["index.html", "weights.png"]
                + (1 ... 12).map { ReportPage.wrongDigitName(rank: $0 - 1) })
        #expect(page.files[0].contentType == "text/html; charset=utf-8")
        #expect(page.files.dropFirst().allSatisfy { $0.contentType == "image/png" })
        let weights = try PNGDecoder.decode(page.file(named: "weights.png")!.bytes)
        #expect(weights.width == 5 * 28 + 4 && weights.height == 4 * 28 + 3)  // 20 units: 5 × 4 tiles
        for (rank, wrong) in page.wrongDigits.enumerated() {
            let picture = try PNGDecoder.decode(page.file(named: ReportPage.wrongDigitName(rank: rank))!.bytes)
            #expect(picture.width == 28 && picture.height == 28)
            #expect(picture.gray == Array(data.pixels(ofImage: wrong.index)))
        }
        #expect(page.wrongDigits == WrongDigits.mostConfident(page.wrongDigits, limit: 12))

        let html = Self.html(page)
        #expect(Self.isWellFormed(html))
        // Every picture is on the page by its plain name, and the page names no other file.
        for file in page.files.dropFirst() { #expect(html.contains("src=\"\(file.name)\"")) }
        #expect(html.components(separatedBy: "src=\"").count - 1 == page.files.count - 1)
        // Nothing to fetch: no scripts, and no address but the SVG namespace's.
        #expect(!html.contains("<script"))
        #expect(
            html.components(separatedBy: "://").count
                == html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count)
        #expect(html.components(separatedBy: "<svg").count - 1 == 4)  // three charts and the heat map
        let evaluation = try #require(page.evaluation)
        #expect(evaluation == Evaluator(threadCount: 1).evaluate(try Self.modelFile().model, on: data))
        #expect(html.contains("data-value=\"\(evaluation.accuracy)\">\(Format.percent(evaluation.accuracy))<"))
        #expect(html.contains("digits train --epochs 2 &lt;&amp;&gt;"))
        #expect(html.contains("0123456789abcdef"))
        #expect(html.contains("checksum <em>not recorded</em>"))  // the test data's, which this summary lacks
    }

    @Test func withoutATestSetThePageSaysSoAndKeepsTheRest() throws {
        let page = try ReportPage(
            modelFile: try Self.modelFile(), testSet: nil, settings: ReportSettings(modelName: "m", threadCount: 1))
        #expect(page.files.map(\.name) == ["index.html", "weights.png"])
        #expect(page.evaluation == nil && page.wrongDigits.isEmpty)
        let html = Self.html(page)
        #expect(Self.isWellFormed(html))
        #expect(html.contains("id=\"no-test-set\""))
        #expect(html.components(separatedBy: "class=\"chart\"").count - 1 == 3)
        #expect(!html.contains("class=\"heatmap\""))
    }

    @Test func aModelWithoutAHistoryGetsALineInsteadOfCharts() throws {
        let page = try ReportPage(
            modelFile: try Self.modelFile(history: false, summary: false), testSet: nil,
            settings: ReportSettings(modelName: "old.safetensors", threadCount: 1))
        let html = Self.html(page)
        #expect(Self.isWellFormed(html))
        #expect(html.contains("id=\"no-history\""))
        #expect(!html.contains("class=\"chart\""))
        // The card says what the file does not record.
        #expect(html.contains("<dt>Training command</dt><dd><em>not recorded</em></dd>"))
        #expect(html.contains("<dt>Training time</dt><dd><em>not recorded</em></dd>"))
        #expect(html.contains("<dt>Parameters</dt><dd><span id=\"parameters\">15,910</span>"))
    }

    @Test func anUnreadableTrainingRecordIsReportedOnThePage() throws {
        var file = try Self.modelFile()
        file.trainingRecord = TrainingRecord(summary: #"{"epochs":"two"}"#, history: #"[{"epoch":1}]"#)
        let html = Self.html(try ReportPage(modelFile: file, testSet: nil, settings: ReportSettings(modelName: "m")))
        #expect(Self.isWellFormed(html))
        #expect(html.contains("training record cannot be read"))
        #expect(html.contains("training history cannot be read"))
    }

    @Test func theModelsNameIsEscaped() throws {
        let page = try ReportPage(
            modelFile: try Self.modelFile(), testSet: nil,
            settings: ReportSettings(modelName: "<img src=x onerror=alert(1)>&.safetensors"))
        let html = Self.html(page)
        #expect(Self.isWellFormed(html))
        #expect(!html.contains("<img src=x"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;&amp;.safetensors"))
    }

    @Test func settingsOutOfRangeAreRefused() throws {
        let file = try Self.modelFile()
        #expect(throws: ReportError.wrongDigitCountOutOfRange(401)) {
            try ReportPage(
                modelFile: file, testSet: nil, settings: ReportSettings(modelName: "m", wrongDigitCount: 401))
        }
        #expect(throws: ReportError.threadCountOutOfRange(0)) {
            try ReportPage(modelFile: file, testSet: nil, settings: ReportSettings(modelName: "m", threadCount: 0))
        }
    }

    @Test func writingMakesTheFolderAndPutsEveryFileInIt() throws {
        let scratch = try TemporaryDirectory()
        let page = try ReportPage(
            modelFile: try Self.modelFile(), testSet: try Self.testSet.get(),
            settings: ReportSettings(modelName: "m", wrongDigitCount: 3, threadCount: 1))
        let folder = scratch.file("a/b/report")
        try ReportPage.checkWritable(folder: folder)
        try page.write(to: folder)
        for file in page.files {
            #expect(Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file.name))) == file.bytes)
        }
        // Writing again over it replaces the files.
        try page.write(to: folder + "/")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == page.files.map(\.name).sorted())
    }

    @Test func aFileWhereTheFolderShouldBeIsReportedBeforeAndWhenWriting() throws {
        let scratch = try TemporaryDirectory()
        try scratch.write([1, 2, 3], to: "taken")
        let page = try ReportPage(
            modelFile: try Self.modelFile(), testSet: nil, settings: ReportSettings(modelName: "m"))
        #expect(throws: ReportError.folderIsNotAFolder(path: scratch.file("taken"))) {
            try ReportPage.checkWritable(folder: scratch.file("taken"))
        }
        #expect(throws: ReportError.folderIsNotAFolder(path: scratch.file("taken"))) {
            try page.write(to: scratch.file("taken"))
        }
        #expect(
            throws: ReportError.cannotMakeFolder(
                path: scratch.file("taken/sub"), reason: "'\(scratch.file("taken"))' is not a folder")
        ) {
            try ReportPage.checkWritable(folder: scratch.file("taken/sub"))
        }
        #expect(ReportError.folderIsNotAFolder(path: "x").description.contains("it is a file, not a folder"))
    }

    @Test(.disabled(if: geteuid() == 0, "the superuser may write anywhere"))
    func aReadOnlyFolderIsReportedBeforeAnythingIsWritten() throws {
        let scratch = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: scratch.file("locked"), withIntermediateDirectories: false)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: scratch.file("locked"))
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: scratch.file("locked"))
        }
        #expect(throws: ReportError.self) { try ReportPage.checkWritable(folder: scratch.file("locked")) }
        #expect(throws: ReportError.self) { try ReportPage.checkWritable(folder: scratch.file("locked/new")) }
    }
}
