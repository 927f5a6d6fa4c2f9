import DigitsKit
import DigitsServer
import DigitsTestSupport
import Foundation
import Testing

/// The routes on their own, without sockets: what each path and method is answered.
@Suite struct ServerRoutesTests {
    static let modelFile = try! ShippedModel.load()
    static let verifier = try! ShippedModel.loadVerifier().model
    static let rowReaders = try! ShippedModel.loadRowReaders().map(\.network)
    static let routes = ServerRoutes(
        modelFile: modelFile, modelName: "built-in (mnist-mlp.safetensors)", verifier: verifier,
        cutScorer: nil, rowReaders: rowReaders)
    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: DataTestSupport.packageRoot + "/Fixtures/digits/" + name)))
    }
    static func json(_ response: HTTPResponse) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
    }

    @Test func thePageHasTheElementsABrowserTestDrives() async {
        let response = await Self.routes.respond(to: HTTPRequest(method: "GET", path: "/"))
        #expect(response.status == 200)
        #expect(response.contentType == "text/html; charset=utf-8")
        let page = String(decoding: response.body, as: UTF8.self)
        for id in [
            "pad", "clear", "upload", "prediction", "confidence", "probabilities", "input-28", "layers",
            "mode-number", "reading",
        ] {
            #expect(page.contains("id=\"\(id)\""), "missing #\(id)")
        }
        #expect(page.contains("data-state=\"idle\""))
        #expect(page.contains("toBlob"))
    }

    @Test func classifyAnswersWhatClassifyJSONPrints() async throws {
        let png = try Self.fixture("seven.png")
        let response = await Self.routes.respond(to: HTTPRequest(method: "POST", path: "/classify", body: png))
        #expect(response.status == 200)
        #expect(response.contentType == "application/json")
        let expected = ClassificationRecord(
            file: "upload", result: try DigitClassifier(model: Self.modelFile.model).classify(pngBytes: png, name: "x"),
            top: nil)
        #expect(response == HTTPResponse.json(expected))
        #expect(Self.json(response)?["prediction"] as? Int == 7)
        #expect(Self.json(response)?["input"] == nil)
    }

    @Test func explainAddsTheInputAndEachHiddenLayersOutputs() async throws {
        let png = try Self.fixture("seven.png")
        let response = await Self.routes.respond(
            to: HTTPRequest(method: "POST", path: "/classify", query: [("explain", "1")], body: png))
        let json = try #require(Self.json(response))
        let input = try #require(json["input"] as? [Double])
        let hidden = try #require(json["hidden"] as? [[Double]])
        #expect(input.count == 784)
        #expect(input.allSatisfy { (0 ... 1).contains($0) } && input.contains { $0 > 0.5 })
        #expect(hidden.map(\.count) == [1024, 512])
        // ReLU layers: nothing negative, and some units on.
        #expect(hidden.allSatisfy { layer in layer.allSatisfy { $0 >= 0 } && layer.contains { $0 > 0 } })
    }

    @Test func readAnswersWhatReadJSONPrints() async throws {
        let png = try Self.fixture("number-40917.png")
        let response = await Self.routes.respond(to: HTTPRequest(method: "POST", path: "/read", body: png))
        #expect(response.status == 200)
        let reader = NumberReader(
            model: Self.modelFile.model, verifier: Self.verifier, cutScorer: nil, rowReaders: Self.rowReaders)
        let reading = try reader.read(pngBytes: png, name: "upload")
        #expect(response == HTTPResponse.json(ReadingRecord(file: "upload", reading: reading, annotation: nil)))
        #expect(Self.json(response)?["text"] as? String == "40917")
    }

    @Test(arguments: ["/classify", "/read"])
    func aBodyThatIsNotAPNGGets400WithTheReason(path: String) async {
        let response = await Self.routes.respond(
            to: HTTPRequest(method: "POST", path: path, body: Array("hello, this is text".utf8)))
        #expect(response.status == 400)
        #expect(Self.json(response)?["error"] as? String == "upload: not a PNG file (it looks like text)")
        let empty = await Self.routes.respond(to: HTTPRequest(method: "POST", path: path))
        #expect(empty.status == 400)
    }

    @Test func unknownPathsGet404AndWrongMethods405WithAllow() async {
        let missing = await Self.routes.respond(to: HTTPRequest(method: "GET", path: "/etc/passwd"))
        #expect(missing.status == 404)
        #expect(Self.json(missing)?["error"] as? String == "no such page: /etc/passwd")
        let traversal = await Self.routes.respond(to: HTTPRequest(method: "GET", path: "/../README.md"))
        #expect(traversal.status == 404)
        let wrong = await Self.routes.respond(to: HTTPRequest(method: "GET", path: "/classify"))
        #expect(wrong.status == 405)
        #expect(wrong.headers.contains { $0 == ("Allow", "POST") })
        let delete = await Self.routes.respond(to: HTTPRequest(method: "DELETE", path: "/"))
        #expect(delete.status == 405)
    }

    @Test func modelAndHealthAnswerJSON() async throws {
        let model = await Self.routes.respond(to: HTTPRequest(method: "GET", path: "/model"))
        let json = try #require(Self.json(model))
        #expect(json["architecture"] as? String == "784-1024-512-10")
        #expect(json["layers"] as? [Int] == [784, 1024, 512, 10])
        #expect(json["parameters"] as? Int == 1_333_770)
        #expect(json["model"] as? String == "built-in (mnist-mlp.safetensors)")
        // Every epoch the shipped model's file records, one entry each.
        let recorded =
            try JSONSerialization.jsonObject(
                with: Data(try #require(Self.modelFile.trainingRecord.history).utf8)) as? [Any]
        #expect(recorded?.isEmpty == false)
        #expect((json["history"] as? [Any])?.count == recorded?.count)
        #expect(json["training"] is [String: Any])
        let health = await Self.routes.respond(to: HTTPRequest(method: "GET", path: "/health"))
        #expect(Self.json(health)?["status"] as? String == "ok")
        let head = await Self.routes.respond(to: HTTPRequest(method: "HEAD", path: "/health"))
        #expect(head.status == 200)
    }

    @Test func withoutAReportTheReportIs404() async {
        let response = await Self.routes.respond(to: HTTPRequest(method: "GET", path: "/report/"))
        #expect(response.status == 404)
        #expect(Self.json(response)?["error"] != nil)
    }

    @Test func theReportsFilesAreServedByExactName() async {
        let routes = ServerRoutes(
            modelFile: Self.modelFile, modelName: "m", verifier: nil, cutScorer: nil,
            report: [
                MediaFile(
                    name: "index.html", contentType: "text/html; charset=utf-8", bytes: Array("<h1>r</h1>".utf8)),
                MediaFile(name: "loss.svg", contentType: "image/svg+xml", bytes: Array("<svg/>".utf8)),
            ])
        let redirect = await routes.respond(to: HTTPRequest(method: "GET", path: "/report"))
        #expect(redirect.status == 301)
        #expect(redirect.headers.contains { $0 == ("Location", "/report/") })
        let index = await routes.respond(to: HTTPRequest(method: "GET", path: "/report/"))
        #expect(index.status == 200 && index.body == Array("<h1>r</h1>".utf8))
        let svg = await routes.respond(to: HTTPRequest(method: "GET", path: "/report/loss.svg"))
        #expect(svg.contentType == "image/svg+xml")
        for path in ["/report/nope.png", "/report/../index.html", "/report/sub/index.html"] {
            let missing = await routes.respond(to: HTTPRequest(method: "GET", path: path))
            #expect(missing.status == 404, "\(path)")
        }
    }
}
