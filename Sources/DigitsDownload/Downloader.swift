import DigitsData

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Something that happened during a download, for the caller to show.
public enum DownloadEvent: Sendable, Equatable {
    /// `file` is already at `path` with the right content, so it is not fetched.
    case alreadyPresent(file: String, path: String)
    /// Fetching `url` started; `resumingAt` bytes were already on disk from an earlier try.
    case started(file: String, url: String, resumingAt: Int)
    /// `received` bytes of `file` are on disk, of `total` when the server said.
    case progress(file: String, received: Int, total: Int?)
    /// One mirror failed; the next one is tried.
    case failed(file: String, attempt: MirrorAttempt)
    /// `file` was verified and saved at `path`.
    case finished(file: String, path: String, url: String, bytes: Int)
}

/// Fetches a data set's files into a folder, each from the first mirror that gives a verified copy.
///
/// Each file is streamed to `.<name>.gz.part` in the folder while it is decompressed and hashed,
/// and renamed to `<name>.gz` only once complete and matching its SHA-256, so the folder never
/// holds a half-written data file. A partial file left by a body cut short or a stall is resumed
/// with a `Range` request; one that proved wrong is deleted.
public struct Downloader {
    /// What to fetch.
    public var dataSet: DataSet
    /// The folder to fill; created if missing.
    public var directory: String
    /// Base URLs, tried in order for each file.
    public var mirrors: [String]
    /// Seconds without a byte after which a mirror is abandoned.
    public var timeout: Int = 30
    /// Whether to fetch files that are already present and valid.
    public var force = false
    /// Redirects followed before a mirror is abandoned.
    public var maximumRedirects = 5
    /// Polled during transfers; true stops the download and removes partial files.
    public var shouldStop: @Sendable () -> Bool = { false }

    /// A downloader of `dataSet` into `directory` from `mirrors`.
    public init(dataSet: DataSet, directory: String, mirrors: [String]) {
        self.dataSet = dataSet
        self.directory = directory
        self.mirrors = mirrors
    }

    /// Fetches every file that is missing or invalid (every file with `force`), reporting each
    /// step to `events`. Returns the number of files fetched.
    @discardableResult
    public func run(events: (DownloadEvent) -> Void = { _ in }) throws(DownloadError) -> Int {
        guard !mirrors.isEmpty else { throw .noMirrors }
        try makeDirectory(directory)
        var fetched = 0
        var loaded = false
        for file in dataSet.files {
            if !force, let path = validExistingPath(of: file) {
                events(.alreadyPresent(file: file.name, path: path))
                continue
            }
            if !loaded {
                if let reason = HTTPTransfer.loadLibrary() { throw .httpUnavailable(detail: reason) }
                loaded = true
            }
            try withoutActuallyEscaping(events) { (events) throws(DownloadError) in
                try fetch(file, events: events)
            }
            fetched += 1
        }
        return fetched
    }

    /// The path of `file` in the folder, plain or gzip, when its content is right.
    public func validExistingPath(of file: DataSetFile) -> String? {
        [file.name, file.compressedName].lazy.map(path).first { Self.hasContent(of: file, at: $0) }
    }

    /// Whether the file at `path`, decompressed if it is gzip, has `file`'s size and SHA-256.
    public static func hasContent(of file: DataSetFile, at path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var check = ContentCheck(file: file)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var isGzip: Bool?
        var stream: GzipStream?
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return false }
            if count == 0 { break }
            let piece = buffer.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[..<count]) }
            if isGzip == nil {
                isGzip = count >= 2 && buffer[0] == Gzip.magic[0] && buffer[1] == Gzip.magic[1]
                if isGzip == true { stream = try? GzipStream(source: path) }
            }
            if let stream {
                do throws(GzipError) { try stream.feed(piece) { check.add($0) } } catch { return false }
            } else {
                check.add(piece)
            }
            if check.isOverSize { return false }
        }
        if let stream, !stream.isComplete { return false }
        return check.matches
    }

    // MARK: - One file

    private func fetch(_ file: DataSetFile, events: @escaping (DownloadEvent) -> Void) throws(DownloadError) {
        let finalPath = path(file.compressedName)
        let partPath = path("." + file.compressedName + ".part")
        var attempts: [MirrorAttempt] = []
        for mirror in mirrors {
            let url = (mirror.hasSuffix("/") ? mirror : mirror + "/") + file.compressedName
            var outcome = try attempt(file, url: url, partPath: partPath, events: events)
            if case .failure(.httpStatus(416)) = outcome {
                // The partial file cannot be continued here; start this mirror afresh.
                unlink(partPath)
                outcome = try attempt(file, url: url, partPath: partPath, events: events)
            }
            switch outcome {
            case .success(let bytes):
                try install(partPath, as: finalPath)
                // The plain name is looked for before the .gz one; a wrong file there would hide this one.
                let plain = path(file.name)
                if access(plain, F_OK) == 0 && !Self.hasContent(of: file, at: plain) { unlink(plain) }
                events(.finished(file: file.name, path: finalPath, url: url, bytes: bytes))
                return
            case .failure(let failure):
                if !failure.keepsPartialFile { unlink(partPath) }
                let record = MirrorAttempt(url: url, failure: failure)
                attempts.append(record)
                events(.failed(file: file.name, attempt: record))
            }
        }
        var kept: String?
        var status = stat()
        if stat(partPath, &status) == 0 {
            if status.st_size > 0 { kept = partPath } else { unlink(partPath) }
        }
        throw .allMirrorsFailed(file: file.name, attempts: attempts, keptPartial: kept)
    }

    /// One try at `url`, continuing the partial file when there is one.
    private func attempt(
        _ file: DataSetFile, url: String, partPath: String, events: @escaping (DownloadEvent) -> Void
    ) throws(DownloadError) -> Result<Int, DownloadFailure> {
        let descriptor = open(partPath, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .fileSystem(path: partPath, operation: "creating", code: errno)
        }
        var isOpen = true
        defer { if isOpen { close(descriptor) } }

        var state = TransferState(file: file, limit: dataSet.maximumDownloadSize)
        // Bytes from an earlier try must still make sense as the start of the file.
        if !state.replay(descriptor) {
            guard ftruncate(descriptor, 0) == 0 else {
                throw .fileSystem(path: partPath, operation: "truncating", code: errno)
            }
            state = TransferState(file: file, limit: dataSet.maximumDownloadSize)
        }
        let resumeAt = state.received
        events(.started(file: file.name, url: url, resumingAt: resumeAt))

        let transfer = HTTPTransfer(
            url: url, rangeStart: resumeAt > 0 ? resumeAt : nil, timeout: timeout,
            maximumRedirects: maximumRedirects)
        transfer.shouldStop = shouldStop
        var localFailure: DownloadError?
        transfer.onHead = { head in
            if let failure = state.accept(head, askedFrom: resumeAt) {
                state.failure = failure
                return false
            }
            if state.received == 0 && resumeAt > 0 {
                // The server sent the whole file instead of the rest: start over.
                guard ftruncate(descriptor, 0) == 0 else {
                    localFailure = .fileSystem(path: partPath, operation: "truncating", code: errno)
                    return false
                }
            }
            return true
        }
        transfer.onBody = { bytes in
            if let error = writeAll(bytes, to: descriptor) {
                localFailure = .fileSystem(path: partPath, operation: "writing", code: error)
                return false
            }
            guard state.take(bytes) else { return false }
            events(.progress(file: file.name, received: state.received, total: state.expectedTotal))
            return true
        }
        let outcome = transfer.perform()
        if let localFailure { throw localFailure }
        if transfer.aborted && shouldStop() {
            close(descriptor)
            isOpen = false
            unlink(partPath)
            throw .interrupted
        }
        if let failure = state.failure { return .failure(failure) }
        if transfer.stalled { return .failure(.stalled(seconds: timeout)) }
        if outcome.code == 0, let head = transfer.deliverHeadIfNeeded(),
            let failure = state.accept(head, askedFrom: resumeAt)
        {
            return .failure(failure)
        }
        if let failure = Self.failure(for: outcome, state: state, timeout: timeout, redirects: maximumRedirects) {
            return .failure(failure)
        }
        if let failure = state.verdict() { return .failure(failure) }
        guard fsync(descriptor) == 0 else {
            throw .fileSystem(path: partPath, operation: "flushing", code: errno)
        }
        return .success(state.received)
    }

    /// The failure a finished transfer stands for, or nil when it completed.
    static func failure(
        for outcome: HTTPOutcome, state: TransferState, timeout: Int, redirects: Int
    ) -> DownloadFailure? {
        switch Int(outcome.code) {
        case 0:
            return (200 ... 299).contains(outcome.status) ? nil : .httpStatus(outcome.status)
        case 5, 6: return .hostNotFound(detail: outcome.message)
        case 7: return .cannotConnect(detail: outcome.message)
        case 47: return .tooManyRedirects(limit: redirects)
        case 28:
            return state.received == 0 && outcome.status == 0 && outcome.message.contains("onnect")
                ? .cannotConnect(detail: outcome.message) : .stalled(seconds: timeout)
        case 18, 56:
            return .cutShort(received: state.received, expected: state.expectedTotal)
        case 52: return .transfer(detail: "closed the connection without answering")
        default: return .transfer(detail: outcome.message)
        }
    }

    // MARK: - Files

    private func path(_ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Renames the verified partial file into place and flushes the folder.
    private func install(_ partPath: String, as finalPath: String) throws(DownloadError) {
        guard rename(partPath, finalPath) == 0 else {
            let code = errno
            unlink(partPath)
            throw .fileSystem(path: finalPath, operation: "renaming the verified file to", code: code)
        }
        let folder = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
    }

    /// Creates `directory` and any missing parents.
    private func makeDirectory(_ directory: String) throws(DownloadError) {
        var status = stat()
        if stat(directory, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw .fileSystem(path: directory, operation: "using as a folder", code: ENOTDIR)
            }
            return
        }
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += component + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw .fileSystem(path: directory, operation: "creating the folder", code: errno)
            }
        }
    }
}

/// Writes all of `bytes`; returns errno on failure.
private func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32? {
    var done = 0
    while done < bytes.count {
        let count = write(descriptor, bytes.baseAddress! + done, bytes.count - done)
        if count > 0 {
            done += count
        } else if count < 0 && errno == EINTR {
            continue
        } else {
            return count < 0 ? errno : EIO
        }
    }
    return nil
}

/// The system's wording for `code`.
func errorText(_ code: Int32) -> String {
    strerror(code).map { String(cString: $0) } ?? "error \(code)"
}
