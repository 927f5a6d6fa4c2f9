import ArgumentParser
import DigitsKit

/// `digits download`: fetches MNIST into a data folder, verified file by file.
struct Download: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download MNIST into a data folder.",
        discussion: """
            Fetches the four MNIST files (about 11 MB) into the folder, trying mirrors in order \
            for each file until one gives a file whose decompressed content has the published \
            SHA-256. Mirrors: the --mirror base URLs if given, else those in $DIGITS_MIRRORS \
            (separated by spaces or commas), else the built-in list (two HTTPS mirrors, then \
            yann.lecun.com). A file is fetched as <mirror>/train-images-idx3-ubyte.gz and so on.

            Files already in the folder with the right content are kept (--force fetches them \
            again). Each file is written under a hidden temporary name and renamed only once \
            verified, so the folder never holds a half-downloaded file; a transfer cut short is \
            resumed from where it stopped. Ctrl-C stops and removes partial files.

            Exit status: 0 when every file is in place, 1 when some file could not be fetched \
            from any mirror, 130 when interrupted.
            """
    )

    @Option(
        help: ArgumentHelp(
            "The folder to download into; created if missing.",
            discussion: """
                Default: the folder `digits train` reads when none is named: $DIGITS_DATA, else \
                ./data/mnist if it exists, else $XDG_CACHE_HOME/digits/mnist, else \
                ~/.cache/digits/mnist.
                """,
            valueName: "folder"))
    var to: String?

    @Option(
        help: ArgumentHelp(
            "A base URL to download from (repeat to give several, tried in order).",
            valueName: "url"))
    var mirror: [String] = []

    @Option(help: ArgumentHelp("Give up on a mirror after this many seconds without data.", valueName: "seconds"))
    var timeout = 30

    @Flag(help: "Download files even when the folder already has them with the right content.")
    var force = false

    mutating func validate() throws {
        guard timeout >= 1 else { throw ValidationError("--timeout must be at least 1 second.") }
        for url in mirror where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("--mirror '\(url)' must be an http:// or https:// URL.")
        }
    }

    func run() throws {
        try Self.fetch(into: to ?? Self.defaultFolder, mirrors: mirror, timeout: timeout, force: force) { print($0) }
    }

    /// The folder `train` and `evaluate` read when none is named: `$DIGITS_DATA`, else
    /// `./data/mnist` if it exists, else the per-user cache.
    static var defaultFolder: String {
        MNISTDirectory.choose(explicit: nil, environment: Environment.current).path
    }

    /// Fetches MNIST into `folder` from `mirrors` (none: `$DIGITS_MIRRORS` or the built-in list),
    /// drawing progress on standard error and handing the closing line to `report`.
    static func fetch(
        into folder: String, mirrors mirrorOptions: [String], timeout: Int, force: Bool, report: (String) -> Void
    ) throws {
        let dataSet = DataSet.mnist
        let (mirrors, origin) = dataSet.mirrors(options: mirrorOptions, environment: Environment.current)
        var downloader = Downloader(dataSet: dataSet, directory: folder, mirrors: mirrors)
        downloader.timeout = timeout
        downloader.force = force
        InterruptSignal.catchInterrupts()
        downloader.shouldStop = { InterruptSignal.received != nil }

        var progress = DownloadProgress()
        do {
            let fetched = try downloader.run { progress.show($0) }
            progress.status.finish()
            report(
                fetched == 0
                    ? "All \(dataSet.files.count) MNIST files are already in \(folder)."
                    : "MNIST is ready in \(folder) (\(fetched) of \(dataSet.files.count) files downloaded).")
        } catch {
            progress.status.clear()
            throw failure(error, origin: origin)
        }
    }

    /// The library's error, with the flags or variables that change the outcome.
    static func failure(_ error: DownloadError, origin: MirrorOrigin) -> CommandFailure {
        switch error {
        case .interrupted:
            return CommandFailure("Download interrupted; no partial files were left behind.", exitCode: 130)
        case .allMirrorsFailed:
            let remedy =
                switch origin {
                case .option: "Check the --mirror URLs, or leave them out to use the built-in mirrors."
                case .environment: "Check \(DataSet.mirrorsVariable), or unset it to use the built-in mirrors."
                case .builtIn: "Check the network connection, or name a mirror with --mirror URL."
                }
            return CommandFailure("\(error)\n\(remedy) Running the command again resumes.")
        case .noMirrors:
            return CommandFailure("No mirrors to download from: give --mirror URL.")
        case .httpUnavailable:
            return CommandFailure("\(error)\nInstall libcurl (e.g. apt-get install libcurl4).")
        case .fileSystem:
            return CommandFailure("\(error)\nChoose another folder with --to.")
        }
    }
}

/// Shows download events: a redrawn progress bar on a terminal, plain lines otherwise.
private struct DownloadProgress {
    var status = StatusLine()
    private var file = ""
    private var startTime = ContinuousClock.now
    private var startBytes = 0

    mutating func show(_ event: DownloadEvent) {
        switch event {
        case .alreadyPresent(let file, let path):
            status.writeLine("\(file): already present and verified (\(path)).")
        case .started(let file, let url, let resumingAt):
            (self.file, startTime, startBytes) = (file, .now, resumingAt)
            status.writeLine(
                "Downloading \(url)" + (resumingAt > 0 ? " (resuming at \(Format.bytes(resumingAt)))" : ""))
        case .progress(_, let received, let total):
            status.update(line(received: received, total: total))
        case .failed(_, let attempt):
            status.clear()
            status.writeLine("  \(attempt.url): \(attempt.failure); trying the next mirror.")
        case .finished(_, let path, _, let bytes):
            status.clear()
            status.writeLine("  saved \(path) (\(Format.bytes(bytes)), SHA-256 verified).")
        }
    }

    /// `name [████░░░░]  4.1 MiB/9.5 MiB  1.2 MiB/s  ETA 5s`, fitted to the terminal.
    private func line(received: Int, total: Int?) -> String {
        let elapsed = startTime.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let rate = seconds > 0 ? Double(received - startBytes) / seconds : 0
        var fields = [total.map { "\(Format.bytes(received))/\(Format.bytes($0))" } ?? Format.bytes(received)]
        if rate > 0 { fields.append("\(Format.bytes(Int(rate)))/s") }
        if let total, rate > 0 { fields.append("ETA " + Format.shortDuration(Double(total - received) / rate)) }
        let fraction = total.map { $0 > 0 ? Double(received) / Double($0) : 1 } ?? 0
        let text = file + " [" + ProgressBar.bar(fraction: fraction, cells: 20) + "]  " + fields.joined(separator: "  ")
        return String(text.prefix(status.columns))
    }
}
