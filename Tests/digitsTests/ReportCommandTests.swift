import DigitsKit
import Foundation
import Testing

/// `digits report` and `digits train --report` run as a user runs them: the files are there, the
/// pictures decode, and the page's numbers are `digits evaluate --json`'s.
@Suite struct ReportCommandTests {
    /// The numbers a report page states, read back out of its markup.
    struct PageNumbers {
        var accuracy: Double
        var loss: Double
        var correct: Int
        var count: Int
        var confusion: [[Int]]
        var precision: [Double?]
        var recall: [Double?]

        init(html: String) throws {
            func attribute(after marker: String, in text: String) throws -> String {
                let rest = try #require(text.components(separatedBy: marker).dropFirst().first)
                return String(rest.prefix { $0 != "\"" && $0 != "<" })
            }
            func number(_ text: String) throws -> Int {
                try #require(Int(text.replacingOccurrences(of: ",", with: "")))
            }
            accuracy = try #require(Double(try attribute(after: "id=\"accuracy\" data-value=\"", in: html)))
            loss = try #require(Double(try attribute(after: "id=\"loss\" data-value=\"", in: html)))
            correct = try number(try attribute(after: "<span id=\"correct\">", in: html))
            count = try number(try attribute(after: "<span id=\"count\">", in: html))
            confusion = try (0 ..< 10).map { truth in
                try (0 ..< 10).map { predicted in
                    let marker = "data-true=\"\(truth)\" data-predicted=\"\(predicted)\""
                    let rest = try #require(html.components(separatedBy: marker).dropFirst().first)
                    let element = try #require(rest.components(separatedBy: "</text>").first)
                    return try number(String(element.split(separator: ">").last ?? ""))
                }
            }
            let rows = html.components(separatedBy: "<tr><th>").dropFirst(2)  // past the header row
            func cellValue(_ kind: String, _ row: String) -> Double? {
                let marker = "class=\"\(kind)\" data-value=\""
                guard let rest = row.components(separatedBy: marker).dropFirst().first else { return nil }
                return Double(rest.prefix { $0 != "\"" })
            }
            precision = rows.map { cellValue("precision", $0) }
            recall = rows.map { cellValue("recall", $0) }
        }
    }

    /// `digits evaluate --json` for `model` on the subset: the object, and its text.
    static func evaluate(_ model: String?) throws -> (object: [String: Any], text: String) {
        let output = try CommandRunner.run(
            ["evaluate", "--data", "Fixtures/mnist-subset", "--json"] + (model.map { ["--model", $0] } ?? []),
            environment: ["DIGITS_MODEL": ""])
        #expect(output.status == 0, "\(output.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any]
        return (try #require(object), output.standardOutput)
    }

    /// The numbers of `key` in a JSON text, one or a list, read from their digits by `Double(_:)`:
    /// `JSONSerialization` can round the last digit of a fraction differently, and the page is
    /// held to the exact value.
    static func jsonNumbers(_ key: String, in text: String) throws -> [Double?] {
        let rest = try #require(text.components(separatedBy: "\"\(key)\":").dropFirst().first)
        let value =
            rest.hasPrefix("[")
            ? String(rest.dropFirst().prefix { $0 != "]" }) : String(rest.prefix { $0 != "," && $0 != "}" })
        return value.split(separator: ",").map { Double($0) }
    }

    /// Checks that the report in `folder` holds its files, that they decode, and that its numbers
    /// are `evaluation`'s; the first layer's weights are a square of `tilesPerSide`² tiles.
    static func checkReport(
        in folder: String, matches evaluation: (object: [String: Any], text: String), tilesPerSide: Int
    ) throws {
        let html = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)
        let weights = try PNGDecoder.decode(contentsOfFile: folder + "/weights.png")
        let side = tilesPerSide * 28 + tilesPerSide - 1  // 28×28 tiles, 1-px gaps
        #expect(weights.width == side && weights.height == side)
        let pictures = html.components(separatedBy: "src=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(pictures.filter { $0 == "weights.png" }.count == 1)
        for name in pictures where name != "weights.png" {
            #expect(name.hasPrefix("wrong-"))
            let digit = try PNGDecoder.decode(contentsOfFile: folder + "/" + name)
            #expect(digit.width == 28 && digit.height == 28)
        }
        let numbers = try PageNumbers(html: html)
        #expect([numbers.accuracy] == (try jsonNumbers("accuracy", in: evaluation.text)))
        #expect([numbers.loss] == (try jsonNumbers("loss", in: evaluation.text)))
        #expect(numbers.correct == evaluation.object["correct"] as? Int)
        #expect(numbers.count == evaluation.object["count"] as? Int)
        #expect(numbers.confusion == evaluation.object["confusion"] as? [[Int]])
        #expect(numbers.precision == (try jsonNumbers("precision", in: evaluation.text)))
        #expect(numbers.recall == (try jsonNumbers("recall", in: evaluation.text)))
        #expect(numbers.precision.count == 10)
        let wrong = numbers.count - numbers.correct
        #expect(pictures.count - 1 == min(wrong, 36))
    }

    @Test func theShippedModelsReportHasEvaluatesNumbers() throws {
        let scratch = try ScratchFolder()
        let output = try CommandRunner.run(
            ["report", "--data", "Fixtures/mnist-subset", "--output", scratch.path("report")],
            environment: ["DIGITS_MODEL": ""])
        #expect(output.status == 0, "\(output.standardError)")
        #expect(output.standardOutput.hasPrefix("Report: \(scratch.path("report"))/index.html ("))
        // The shipped model's 1,024 first-layer units.
        try Self.checkReport(in: scratch.path("report"), matches: try Self.evaluate(nil), tilesPerSide: 32)
        let html = try String(contentsOfFile: scratch.path("report/index.html"), encoding: .utf8)
        #expect(html.contains("built-in (mnist-mlp.safetensors)"))
        #expect(html.components(separatedBy: "class=\"chart\"").count - 1 == 3)  // its recorded history
    }

    @Test func trainWithReportWritesTheSameReportAsReportOnTheModel() throws {
        let scratch = try ScratchFolder()
        let model = scratch.path("one.safetensors")
        let train = try CommandRunner.run([
            "train", "--data", "Fixtures/mnist-subset", "--epochs", "1", "--output", model,
            "--report", scratch.path("trained"), "--threads", "2",
        ])
        #expect(train.status == 0, "\(train.standardError)")
        #expect(train.standardOutput.contains("Report: \(scratch.path("trained"))/index.html ("))
        let evaluation = try Self.evaluate(model)
        // The default network's 256.
        try Self.checkReport(in: scratch.path("trained"), matches: evaluation, tilesPerSide: 16)

        let report = try CommandRunner.run([
            "report", "--model", model, "--data", "Fixtures/mnist-subset", "--output", scratch.path("again"),
            "--wrong", "5",
        ])
        #expect(report.status == 0, "\(report.standardError)")
        let again = try String(contentsOfFile: scratch.path("again/index.html"), encoding: .utf8)
        let numbers = try PageNumbers(html: again)
        #expect(numbers.confusion == evaluation.object["confusion"] as? [[Int]])
        #expect(again.components(separatedBy: "src=\"wrong-").count - 1 == 5)
        // A fresh model records its command, its data's checksums, and its one epoch as charts.
        #expect(again.contains("digits train --data Fixtures/mnist-subset --epochs 1"))
        #expect(again.contains("(the test set it was trained with)"))
        #expect(!again.contains("not recorded"))
    }

    @Test func withoutATestSetTheReportIsWrittenWithAWarning() throws {
        let scratch = try ScratchFolder()
        let output = try CommandRunner.run(
            ["report", "--output", "out"], in: scratch.url,
            environment: ["DIGITS_DATA": "", "DIGITS_MODEL": "", "XDG_CACHE_HOME": scratch.path("cache")])
        #expect(output.status == 0, "\(output.standardError)")
        #expect(output.standardError.contains("Warning: no test set to evaluate: "))
        let html = try String(contentsOfFile: scratch.path("out/index.html"), encoding: .utf8)
        #expect(html.contains("id=\"no-test-set\""))
        #expect(html.components(separatedBy: "class=\"chart\"").count - 1 == 3)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: scratch.path("out")).sorted() == [
                "index.html", "weights.png",
            ])
    }

    @Test func aNamedDataFolderThatIsMissingIsAnError() throws {
        let scratch = try ScratchFolder()
        let output = try CommandRunner.run([
            "report", "--data", scratch.path("nothing"), "--output", scratch.path("out"),
        ])
        #expect(output.status != 0)
        #expect(output.standardError.contains("nothing"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out/index.html")))
    }

    @Test func badFlagsAndDestinationsAreRefused() throws {
        let scratch = try ScratchFolder()
        let wrong = try CommandRunner.run(["report", "--wrong", "401", "--output", scratch.path("out")])
        #expect(wrong.status == 64)
        #expect(wrong.standardError.contains("--wrong must be between 0 and 400"))
        let missing = try CommandRunner.run(["report"])
        #expect(missing.status == 64)

        try Data([1]).write(to: scratch.url.appendingPathComponent("file"))
        let onFile = try CommandRunner.run(
            ["report", "--data", "Fixtures/mnist-subset", "--output", scratch.path("file")])
        #expect(onFile.status != 0)
        #expect(onFile.standardError.contains("it is a file, not a folder"))

        // Training refuses a report folder it could not write before it trains.
        let train = try CommandRunner.run([
            "train", "--data", "Fixtures/mnist-subset", "--epochs", "50", "--output", scratch.path("m.safetensors"),
            "--report", scratch.path("file/sub"),
        ])
        #expect(train.status != 0)
        #expect(train.standardError.contains("cannot make the report folder"))
        #expect(!train.standardOutput.contains("epoch 1/"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("m.safetensors")))
    }
}
