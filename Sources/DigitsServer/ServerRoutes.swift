import Dispatch
import DigitsClassifier
import DigitsFileSystem
import DigitsImaging
import DigitsModel
import DigitsModelFile
import DigitsReading
import DigitsTensor
import Synchronization

/// What the server answers to each request: the routes, each a thin step from the request to
/// the library and from its answer to JSON. Pure: the report's files are made before serving.
///
/// | route | answer |
/// |---|---|
/// | `GET /` | the draw-a-digit page |
/// | `POST /classify` | a PNG body classified: `ClassificationRecord` as JSON; `?explain=1` adds the 28×28 input and the hidden layers' outputs |
/// | `POST /read` | a PNG body read as a number: `ReadingRecord` as JSON |
/// | `GET /model` | the model's shape, training record and history |
/// | `GET /report/…` | the training report's files, when the routes were given them |
/// | `GET /health` | `{"status":"ok"}` |
///
/// `HEAD` is answered wherever `GET` is. A known path with another method gets 405, any other
/// path 404, a body that is not a PNG 400, each with `{"error": …}`.
public struct ServerRoutes: Sendable {
    /// The classifier behind `/classify`.
    public let classifier: DigitClassifier
    /// The reader behind `/read`.
    public let reader: NumberReader
    /// The JSON answered to `/model`.
    let modelJSON: String
    /// The report's files, if there is a report to serve.
    let report: [MediaFile]?

    /// What uploads are called in answers and error messages.
    public static let uploadName = "upload"

    /// Routes serving `modelFile`, described as `modelName` (a path, or the built-in model's name),
    /// whose reader judges its candidate digits with `verifier` (see `NumberReader.verifier`) and
    /// places cuts between touching digits with `cutScorer` (see `NumberReader.cutScorer`) and
    /// reads rows of touching digits whole with `rowReaders` (see `NumberReader.rowReaders`), and
    /// serves the `report`'s files under `/report/`, when given.
    public init(
        modelFile: ModelFile, modelName: String, verifier: MLP?, cutScorer: MLP?,
        rowReaders: [ConvolutionalNetwork] = [], report: [MediaFile]? = nil
    ) {
        classifier = DigitClassifier(model: modelFile.model)
        reader = NumberReader(model: modelFile.model, verifier: verifier, cutScorer: cutScorer, rowReaders: rowReaders)
        modelJSON = Self.describe(modelFile, name: modelName)
        self.report = report
    }

    /// The methods each path answers, for 405's `Allow`.
    static let methods: [String: [String]] = [
        "/": ["GET", "HEAD"], "/classify": ["POST"], "/read": ["POST"], "/model": ["GET", "HEAD"],
        "/health": ["GET", "HEAD"], "/report": ["GET", "HEAD"],
    ]

    /// The answer to `request`.
    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        let method = request.method == "HEAD" ? "GET" : request.method
        let isReport = request.path == "/report" || request.path.hasPrefix("/report/")
        let routePath = isReport ? "/report" : request.path
        guard let allowed = Self.methods[routePath] else {
            return .error(404, "no such page: \(request.path)")
        }
        guard allowed.contains(request.method) else {
            var response = HTTPResponse.error(
                405, "\(request.method) is not allowed on \(routePath); use \(allowed.joined(separator: " or "))")
            response.headers.append(("Allow", allowed.joined(separator: ", ")))
            return response
        }
        switch (method, routePath) {
        case ("GET", "/"):
            return HTTPResponse(
                status: 200, contentType: "text/html; charset=utf-8",
                headers: [("Cache-Control", "no-cache")] + Self.pageHeaders, body: Array(DrawingPage.html.utf8))
        case ("POST", "/classify"):
            let explain = Self.isTrue(request.queryValue("explain"))
            return await Self.offPool { classify(request.body, explain: explain) }
        case ("POST", "/read"):
            return await Self.offPool { read(request.body) }
        case ("GET", "/model"):
            return .json(text: modelJSON)
        case ("GET", "/health"):
            return .json(text: #"{"status":"ok"}"#)
        default:
            return reportFile(request.path)
        }
    }

    /// Where pictures are decoded and classified: serial queues of their own, one per core, taken
    /// in turn. The connections' reads and writes run on the cooperative pool, so keeping CPU work
    /// off it lets every connection's bytes move while the cores classify (with the work on the
    /// pool, a few requests waited 100 times the median). Serial queues get threads of their own
    /// even when Dispatch's shared pool is busy or blocked, so the work never waits behind
    /// unrelated blocking code in the same process.
    static let workers: [DispatchQueue] = (0 ..< max(1, ThreadPool.processorCount)).map {
        DispatchQueue(label: "digits.serve.work.\($0)", qos: .userInitiated)
    }
    static let nextWorker = Atomic<Int>(0)

    /// `body`'s result, computed on the next of `workers`.
    static func offPool<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
        let turn = nextWorker.add(1, ordering: .relaxed).oldValue
        return await withCheckedContinuation { continuation in
            workers[turn % workers.count].async { continuation.resume(returning: body()) }
        }
    }

    /// Headers that keep the page to its own content: no framing by other sites, no sniffing.
    static let pageHeaders: [(name: String, value: String)] = [
        ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
        (
            "Content-Security-Policy",
            "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' blob: data:"
        ),
    ]

    /// `1`, `true` or `yes` (any case) turn an option on.
    static func isTrue(_ value: String?) -> Bool {
        guard let value else { return false }
        return ["1", "true", "yes", ""].contains(value.lowercased())
    }

    /// `POST /classify`.
    func classify(_ body: [UInt8], explain: Bool) -> HTTPResponse {
        let result: Classification
        do {
            result = try classifier.classify(pngBytes: body, name: Self.uploadName)
        } catch {
            return .error(400, error.description)
        }
        var record = ClassificationRecord(file: Self.uploadName, result: result, top: nil)
        if explain {
            record.input = result.input.pixels
            let input = Matrix(rows: 1, columns: result.input.pixels.count, values: result.input.pixels)
            record.hidden = classifier.model.forwardOutputs(input).dropLast().map(\.storage)
        }
        return .json(record)
    }

    /// `POST /read`.
    func read(_ body: [UInt8]) -> HTTPResponse {
        do {
            let reading = try reader.read(pngBytes: body, name: Self.uploadName)
            return .json(ReadingRecord(file: Self.uploadName, reading: reading, annotation: nil))
        } catch {
            return .error(400, error.description)
        }
    }

    /// `GET /report`, `/report/` and `/report/NAME`.
    func reportFile(_ path: String) -> HTTPResponse {
        guard let report else {
            return .error(404, "this server has no training report; start it with a report to serve one")
        }
        if path == "/report" { return HTTPResponse(status: 301, headers: [("Location", "/report/")]) }
        let name = String(path.dropFirst("/report/".count))
        let wanted = name.isEmpty ? "index.html" : name
        guard let file = report.first(where: { $0.name == wanted }) else {
            return .error(404, "the report has no file called '\(wanted)'")
        }
        return HTTPResponse(status: 200, contentType: file.contentType, headers: Self.pageHeaders, body: file.bytes)
    }

    /// The `/model` answer: the model's shape, where it came from, and its training record and
    /// history as the file holds them (JSON the model-file layer has checked).
    static func describe(_ file: ModelFile, name: String) -> String {
        let model = file.model
        let sizes = model.layerSizes.map(String.init)
        var fields = [
            #""activation":"\#(model.hiddenActivation.rawValue)""#,
            #""architecture":"\#(sizes.joined(separator: "-"))""#,
            #""history":\#(file.trainingRecord.history ?? "null")"#,
            #""layers":[\#(sizes.joined(separator: ","))]"#,
            #""model":\#(jsonString(name))"#,
            #""parameters":\#(model.parameterCount)"#,
            #""training":\#(file.trainingRecord.summary ?? "null")"#,
        ]
        fields.sort()
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// `text` as a JSON string literal.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
