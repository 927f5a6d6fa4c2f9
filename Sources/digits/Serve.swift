import ArgumentParser
import DigitsKit

#if canImport(Glibc)
import Glibc
#endif

/// `digits serve`: the draw-a-digit page and the classifier over HTTP.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a page to draw digits on, and the classifier as JSON over HTTP.",
        discussion: """
            Open the printed address in a browser: draw a digit with a mouse, finger or pen (or \
            drop a PNG) and watch the probabilities, the 28×28 input and the hidden layers \
            change as you draw. Tick "Whole number" to read a number written side by side.

            The same over HTTP: POST /classify with a PNG body answers the JSON object of \
            `classify --json` (add ?explain=1 for the normalised input and each hidden layer's \
            outputs); POST /read answers the object of `read --json`; GET /model the model's \
            shape and training history; GET /health. Each request is logged on standard error.

            Safe by default: it listens on 127.0.0.1 only, unless --host says otherwise; request \
            bodies over 8 MiB are refused (413) unread; a client that stays idle, or takes longer \
            than --timeout to send a request, is disconnected. Ctrl-C or SIGTERM stops it.
            """
    )

    @Option(
        help: ArgumentHelp(
            "The address to listen on: an IP address, or localhost. 0.0.0.0 opens it to other machines.",
            valueName: "address"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("The TCP port (0: pick a free one, and print it).", valueName: "port"))
    var port = 8080

    @Option(
        help: ArgumentHelp(
            "Seconds a connection may stay idle, and a client may take to send one request.", valueName: "seconds"))
    var timeout = 10.0

    @OptionGroup var modelOptions: ModelOptions

    @Option(
        help: ArgumentHelp(
            "The MNIST folder whose test set GET /report evaluates the model on, before serving. (default: the folder `digits evaluate` would use, if it holds the test set; serve never downloads)",
            valueName: "dir"))
    var data: String?

    mutating func validate() throws {
        guard (0 ... 65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        do {
            try DigitServer.validate(host: host)
        } catch {
            throw ValidationError("--host: \(error).")
        }
        guard timeout.isFinite, timeout >= 0.1, timeout <= 3600 else {
            throw ValidationError("--timeout must be between 0.1 and 3600 seconds.")
        }
    }

    func run() throws {
        let (source, modelFile) = try modelOptions.load()
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.timeout = timeout
        if !configuration.isLoopback {
            printError(
                "Warning: listening on \(host): other machines that can reach this one can use the server, "
                    + "which has no authentication. Leave out --host to serve this machine only.")
        }
        let report = try Self.report(
            of: modelFile, named: source.description, data: data, environment: Environment.current)
        let routes = ServerRoutes(
            modelFile: modelFile, modelName: source.description, verifier: try ShippedModel.loadVerifier().model,
            cutScorer: nil, rowReaders: try ShippedModel.loadRowReaders().map(\.network), report: report.page.files)
        let running: RunningServer
        do {
            running = try DigitServer(configuration: configuration, routes: routes).start()
        } catch {
            throw CommandFailure("cannot serve: \(error)" + (error.isAddressInUse ? "; pick another --port" : ""))
        }
        InterruptSignal.catchInterrupts()
        print("Serving \(running.url) (model: \(source)). Press Ctrl-C to stop.")
        print(Self.describe(report, at: running.url + "report/"))
        fflush(nil)
        // How long stopping takes, from the moment the signal is seen to the last connection closed.
        let clock = ContinuousClock()
        let signalled = Locked<ContinuousClock.Instant?>(nil)
        running.runBlocking {
            guard InterruptSignal.received != nil else { return false }
            signalled.withLock { if $0 == nil { $0 = clock.now } }
            return true
        }
        let seconds = signalled.withLock { $0 }.map { (clock.now - $0).seconds } ?? 0
        printError("Stopped in \(Format.fixed(seconds, decimals: 2)) s.")
    }

    /// `GET /report`'s page, and why it lacks the test-set parts when it does.
    struct ServedReport {
        /// `digits report`'s page for the served model.
        var page: ReportPage
        /// Why the page has no test-set parts (no test set in the default folder, or one that
        /// cannot be read); nil when it has them.
        var withoutTestSet: String?
    }

    /// `GET /report`'s page: `digits report`'s page for the served model, with the test-set parts
    /// when the data folder holds the test set. It is made before serving, so no request waits
    /// for it and a test set that cannot be read stops the command before it listens. A folder
    /// named with --data or $DIGITS_DATA must hold the test set; a default one may not, and then
    /// the page leaves those parts out and says why.
    ///
    /// - Parameter environment: the process environment, which picks the default folder.
    static func report(
        of modelFile: ModelFile, named name: String, data: String?, environment: [String: String]
    ) throws -> ServedReport {
        let directory = MNISTDirectory.choose(explicit: data, environment: environment)
        var testSet: MNISTDataSet?
        var withoutTestSet: String?
        if directory.isDefault {
            do {
                testSet = try directory.checked(for: [.test]).load(.test)
            } catch .directoryMissing, .filesMissing {
                withoutTestSet = "no MNIST test set in \(directory.path)"
            } catch {
                // A damaged or unreadable test set is named as such, not taken for a missing one.
                withoutTestSet = ErrorMessages.firstLine(for: error)
            }
        } else {
            testSet = try directory.checked(for: [.test]).load(.test)
        }
        let page = try ReportPage(
            modelFile: modelFile, testSet: testSet,
            settings: ReportSettings(modelName: name, dataName: testSet == nil ? nil : directory.path))
        return ServedReport(page: page, withoutTestSet: withoutTestSet)
    }

    /// The line that says where the report is and what it holds.
    static func describe(_ report: ServedReport, at url: String) -> String {
        if let evaluation = report.page.evaluation {
            return "Report: \(url) (test accuracy \(Format.percent(evaluation.accuracy)) "
                + "on \(Format.count(evaluation.count)) test images)"
        }
        let reason = report.withoutTestSet.map { ": " + $0 } ?? ""
        return "Report: \(url) (without the test-set parts\(reason); name an MNIST folder with --data)"
    }
}

extension ServerError {
    /// Whether the port is taken, so the remedy is another --port.
    fileprivate var isAddressInUse: Bool {
        if case .addressInUse = self { true } else { false }
    }
}
