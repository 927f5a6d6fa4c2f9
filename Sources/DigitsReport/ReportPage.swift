#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import DigitsData
import DigitsFileSystem
import DigitsImaging
import DigitsModelFile
import DigitsTensor
import DigitsTraining

/// A report on a model as a self-contained web page: `index.html` and the PNG pictures it shows,
/// made in memory, to be written to a folder or served as they are.
///
/// The page shows the model card (architecture, parameters, how it was trained), the training
/// history as SVG line charts, the first layer's weights as tiles, and, when a test set is
/// given, the evaluation (`digits evaluate`'s numbers, by the same `Evaluator`), the confusion
/// matrix as a heat map and the test digits the model gets most confidently wrong. It needs no
/// network and no JavaScript, and it refers to its pictures by their plain names, so it opens
/// from a folder and works served under any path.
public struct ReportPage: Sendable {
    /// The page first (`index.html`), then its pictures.
    public var files: [MediaFile]
    /// The evaluation the page shows, or nil when no test set was given.
    public var evaluation: EvaluationReport?
    /// The wrong digits the page shows, most confident first.
    public var wrongDigits: [WrongDigit]

    /// The name of the page itself.
    public static let indexName = "index.html"
    /// The name of the first layer's weight tiles.
    public static let weightsName = "weights.png"

    /// Makes the report for `modelFile`, evaluating it on `testSet` when one is given. Reads and
    /// writes no files.
    ///
    /// A model file without a history (an old file) gets a line saying so instead of charts, and
    /// a training record that cannot be read is reported on the page rather than thrown.
    ///
    /// - Throws: `ReportError` for settings out of range or a model that does not take 28×28
    ///   pictures; `PNGError` if a picture cannot be encoded.
    public init(modelFile: ModelFile, testSet: MNISTDataSet?, settings: ReportSettings) throws {
        guard ReportSettings.wrongDigitRange.contains(settings.wrongDigitCount) else {
            throw ReportError.wrongDigitCountOutOfRange(settings.wrongDigitCount)
        }
        guard TrainingConfiguration.threadRange.contains(settings.threadCount) else {
            throw ReportError.threadCountOutOfRange(settings.threadCount)
        }
        let model = modelFile.model
        guard model.inputCount == MNISTDataSet.pixelsPerImage else {
            throw ReportError.notAPictureModel(inputs: model.inputCount)
        }

        var files: [MediaFile] = []
        let layer = model.layers[0]
        // One file pixel per weight (the page enlarges it): a 256-unit layer is about 460×460.
        let tiles = WeightTiles(layer: layer, scale: 1, gap: 1)
        files.append(
            MediaFile(
                name: Self.weightsName, contentType: "image/png",
                bytes: try tiles.png())
        )

        if let testSet {
            let pool = ThreadPool(threadCount: settings.threadCount)
            evaluation = Evaluator(pool: pool).evaluate(model, on: testSet)
            wrongDigits = WrongDigits.mostConfident(
                WrongDigits.all(model, on: testSet, pool: pool), limit: settings.wrongDigitCount)
            for (rank, wrong) in wrongDigits.enumerated() {
                files.append(
                    MediaFile(
                        name: Self.wrongDigitName(rank: rank), contentType: "image/png",
                        bytes: try PNGEncoder.encode(
                            pixels: Array(testSet.pixels(ofImage: wrong.index)), width: MNISTDataSet.imageSide,
                            height: MNISTDataSet.imageSide, layout: .gray)))
            }
        } else {
            evaluation = nil
            wrongDigits = []
        }

        let html = ReportHTML(
            modelFile: modelFile, settings: settings, testSet: testSet, evaluation: evaluation,
            wrongDigits: wrongDigits, tiles: tiles
        ).render()
        files.insert(
            MediaFile(name: Self.indexName, contentType: "text/html; charset=utf-8", bytes: Array(html.utf8)), at: 0)
        self.files = files
    }

    /// The name of the picture of the wrong digit at `rank` (0 for the most confident):
    /// `wrong-001.png`, `wrong-002.png`, …
    public static func wrongDigitName(rank: Int) -> String {
        let number = String(rank + 1)
        return "wrong-" + String(repeating: "0", count: max(0, 3 - number.count)) + number + ".png"
    }

    /// The file called `name`, if the report has one.
    public func file(named name: String) -> MediaFile? {
        files.first { $0.name == name }
    }

    /// The total size of the report's files, in bytes.
    public var byteCount: Int { files.reduce(0) { $0 + $1.bytes.count } }

    /// Writes every file into `folder`, each atomically (a reader never sees half a file), making
    /// the folder (and missing folders above it) first. Files of an earlier report that this one
    /// does not have are left alone.
    ///
    /// - Throws: `ReportError` when `folder` is a file, cannot be made, or a file cannot be written.
    public func write(to folder: String) throws(ReportError) {
        try Self.makeFolder(folder)
        for file in files {
            do {
                try AtomicFile.write(file.bytes, to: Self.path(of: file.name, in: folder))
            } catch {
                throw .cannotWrite(error)
            }
        }
    }

    /// The path of `name` inside `folder`.
    public static func path(of name: String, in folder: String) -> String {
        (folder.hasSuffix("/") ? folder : folder + "/") + name
    }

    /// Checks, without writing anything, that a report could be written into `folder`: it is a
    /// writable folder, or it is missing and the nearest existing folder above it is writable.
    /// Meant to be asked before a long job whose report goes there.
    public static func checkWritable(folder: String) throws(ReportError) {
        guard !folder.isEmpty else { throw .cannotMakeFolder(path: folder, reason: "the path is empty") }
        if FileSystem.isDirectory(folder) {
            do {
                try AtomicFile.checkWritable(path(of: indexName, in: folder))
            } catch {
                throw .cannotWrite(error)
            }
            return
        }
        if FileSystem.isFile(folder) { throw .folderIsNotAFolder(path: folder) }
        // Missing: whatever part of it exists must be a folder we may make folders in.
        var existing = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        repeat {
            if let slash = existing.lastIndex(of: "/") {
                existing = slash == existing.startIndex ? "/" : String(existing[..<slash])
            } else {
                existing = "."
            }
        } while !FileSystem.isDirectory(existing) && !FileSystem.isFile(existing) && existing != "/" && existing != "."
        guard FileSystem.isDirectory(existing) else {
            throw .cannotMakeFolder(path: folder, reason: "'\(existing)' is not a folder")
        }
        do {
            // A file inside `existing` can be made exactly when a folder can.
            try AtomicFile.checkWritable(path(of: indexName, in: existing))
        } catch {
            throw .cannotMakeFolder(path: folder, reason: error.reason)
        }
    }

    /// Makes `folder` and any missing folders above it.
    static func makeFolder(_ folder: String) throws(ReportError) {
        if FileSystem.isDirectory(folder) { return }
        if FileSystem.isFile(folder) { throw .folderIsNotAFolder(path: folder) }
        try checkWritable(folder: folder)
        // Each missing folder from the top down; one made meanwhile by someone else is no error.
        var prefix = folder.hasPrefix("/") ? "/" : ""
        for component in folder.split(separator: "/") {
            prefix += component
            if !FileSystem.isDirectory(prefix), mkdir(prefix, 0o777) != 0, errno != EEXIST {
                throw .cannotMakeFolder(path: folder, reason: String(cString: strerror(errno)))
            }
            prefix += "/"
        }
    }
}
