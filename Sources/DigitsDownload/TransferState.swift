import DigitsData

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The decompressed size and SHA-256 of content as it arrives, checked against one file.
struct ContentCheck {
    let file: DataSetFile
    private var hash = SHA256()
    private(set) var size = 0

    init(file: DataSetFile) {
        self.file = file
    }

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        size += bytes.count
        if size <= file.size { hash.update(bytes) }
    }

    /// Whether more bytes arrived than the file has.
    var isOverSize: Bool { size > file.size }
    /// The digest so far.
    var digest: String { SHA256.hexString(hash.finalize()) }
    /// Whether the content is exactly the file.
    var matches: Bool { size == file.size && digest == file.sha256 }
}

/// What one transfer has received and what it makes of it: the compressed bytes are counted
/// against the bound, decompressed and hashed as they come.
struct TransferState {
    private let limit: Int
    private var check: ContentCheck
    private var stream: GzipStream?
    /// Compressed bytes on disk.
    private(set) var received = 0
    /// The full compressed size, when the server said.
    private(set) var expectedTotal: Int?
    /// Why the transfer was abandoned, when it was for what came in.
    var failure: DownloadFailure?
    private var isHTML = false

    init(file: DataSetFile, limit: Int) {
        self.limit = limit
        check = ContentCheck(file: file)
        stream = try? GzipStream(source: file.compressedName)
    }

    /// Feeds the bytes already in the partial file at `descriptor`; false when they are not a
    /// plausible start of the file (the caller then starts afresh).
    mutating func replay(_ descriptor: Int32) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset: off_t = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return false }
            if count == 0 { return true }
            offset += off_t(count)
            let ok = buffer.withUnsafeBytes { take(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            if !ok { return false }
        }
    }

    /// Judges a response's head; the failure when it cannot be the file (or its rest).
    mutating func accept(_ head: HTTPResponseHead, askedFrom start: Int) -> DownloadFailure? {
        switch head.status {
        case 200:
            if start > 0 { self = TransferState(file: check.file, limit: limit) }
        case 206 where start > 0:
            guard head.contentRangeStart == start else { return .badRange(asked: start, given: head.contentRangeStart) }
        default:
            return .httpStatus(head.status)
        }
        if let length = head.contentLength {
            expectedTotal = received + length
            if received + length > limit { return .tooLarge(limit: limit) }
        }
        isHTML = head.contentType?.hasPrefix("text/html") ?? false
        return nil
    }

    /// Takes the next piece of the body; false (with `failure` set) when it cannot be the file.
    mutating func take(_ bytes: UnsafeRawBufferPointer) -> Bool {
        received += bytes.count
        if received > limit {
            failure = .tooLarge(limit: limit)
            return false
        }
        guard let stream else {
            failure = .transfer(detail: "could not start decompressing")
            return false
        }
        do throws(GzipError) {
            var check = self.check
            defer { self.check = check }
            try stream.feed(bytes) { check.add($0) }
        } catch {
            switch error {
            case .notGzip:
                let looksLikeHTML = bytes.first.map { $0 == UInt8(ascii: "<") } ?? false
                failure = isHTML || looksLikeHTML ? .htmlPage : .notGzip
            default:
                failure = .corrupt(detail: error.description)
            }
            return false
        }
        if check.isOverSize {
            failure = .contentTooLarge(size: check.file.size)
            return false
        }
        return true
    }

    /// After a complete transfer: nil when the content is the file, else what is wrong with it.
    func verdict() -> DownloadFailure? {
        guard let stream, stream.isComplete else {
            return .cutShort(received: received, expected: nil)
        }
        if check.matches { return nil }
        return .checksumMismatch(expected: check.file.sha256, actual: check.digest, size: check.size)
    }
}
