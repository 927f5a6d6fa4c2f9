import DigitsKit
import Foundation
import DigitsTestSupport
import Testing

// The code of the article "Classifying a PNG from Swift code" (ClassifyingAPNG.md), block by block;
// `articleAndTestAgree` fails when the two drift apart.

/// A classifier using the model file at `path`, or, without a path, the model the `digits`
/// command would use: `$DIGITS_MODEL`, else the built-in `Models/mnist-mlp.safetensors`.
func makeClassifier(modelPath path: String? = nil) throws -> DigitClassifier {
    let source = ModelLocator.locate(explicit: path, environment: ProcessInfo.processInfo.environment)
    let modelFile = try source.load()
    return DigitClassifier(model: modelFile.model)
}

/// One line about the digit in the PNG file at `path`, e.g. `seven.png: 7 (99%; then 2, 3)`.
func describeDigit(inFile path: String, using classifier: DigitClassifier) throws -> String {
    let result = try classifier.classify(contentsOfFile: path)
    if let warning = result.warning {
        return "\(path): \(warning)"
    }
    let runnersUp = result.top(3).dropFirst().map { String($0.digit) }
    let sure = Format.percent(Double(result.confidence), decimals: 0)
    return "\(path): \(result.prediction) (\(sure); then \(runnersUp.joined(separator: ", ")))"
}

/// The digit in PNG bytes received from elsewhere, or nil when there is none to read.
func digit(inUpload bytes: [UInt8], using classifier: DigitClassifier) -> Int? {
    do {
        let result = try classifier.classify(pngBytes: bytes, name: "upload")
        return result.warning == nil ? result.prediction : nil
    } catch {
        print("upload refused: \(error)")  // a PNGError, naming the input and what is wrong
        return nil
    }
}

@Suite struct ClassifyingAPNGTests {
    let root = DataTestSupport.packageRoot

    @Test func articleAndTestAgree() throws {
        #expect(try ArticleCode.swiftBlocks(ofArticle: "ClassifyingAPNG").count >= 3)
        #expect(try ArticleCode.blocks(ofArticle: "ClassifyingAPNG", missingFrom: #filePath) == [])
    }

    @Test func classifiesTheSevenFixture() throws {
        let classifier = try makeClassifier(modelPath: root + "/Models/mnist-mlp.safetensors")
        let line = try describeDigit(inFile: root + "/Fixtures/digits/seven.png", using: classifier)
        #expect(line.hasPrefix(root + "/Fixtures/digits/seven.png: 7 ("), "\(line)")
        #expect(line.contains("%; then "), "\(line)")
    }

    @Test func classifiesBytesAndRefusesNonPNG() throws {
        let classifier = try makeClassifier(modelPath: root + "/Models/mnist-mlp.safetensors")
        let seven = Array(try Data(contentsOf: URL(fileURLWithPath: root + "/Fixtures/digits/seven.png")))
        #expect(digit(inUpload: seven, using: classifier) == 7)
        #expect(digit(inUpload: Array("not a picture".utf8), using: classifier) == nil)
    }

    @Test func blankPictureGetsAWarning() throws {
        let classifier = try makeClassifier(modelPath: root + "/Models/mnist-mlp.safetensors")
        let blank = try PNGEncoder.encode(
            pixels: [UInt8](repeating: 255, count: 28 * 28), width: 28, height: 28,
            layout: .gray)
        #expect(digit(inUpload: blank, using: classifier) == nil)
        try DataTestSupport.withTemporaryDirectory { folder in
            try DataTestSupport.write(blank, to: folder + "/blank.png")
            #expect(
                try describeDigit(inFile: folder + "/blank.png", using: classifier)
                    == folder + "/blank.png: no ink found")
        }
    }
}
