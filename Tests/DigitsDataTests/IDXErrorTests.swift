import Testing
import DigitsKit
import DigitsTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Each kind of bad IDX input gives its own error, built here byte by byte.
@Suite struct IDXErrorTests {
    /// A valid uint8 header for dimensions 2×3 (six payload bytes expected).
    private let header2x3: [UInt8] = [0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3]

    private func decode(_ bytes: [UInt8], limit: Int = IDXArray.defaultDecompressedLimit) throws(IDXError) {
        _ = try IDXArray(decoding: bytes, source: "bad.idx", decompressedLimit: limit)
    }

    @Test func wrongMagicIsReported() {
        #expect(throws: IDXError.badMagic(file: "bad.idx", found: [0x50, 0x4B, 3, 4])) {
            try decode([0x50, 0x4B, 3, 4, 0, 0])
        }
        #expect(throws: IDXError.badMagic(file: "bad.idx", found: [0, 1, 8, 1])) {
            try decode([0, 1, 8, 1, 0, 0, 0, 0])
        }
    }

    @Test func unknownTypeCodeIsReported() {
        #expect(throws: IDXError.unsupportedDataType(file: "bad.idx", code: 0x0A)) {
            try decode([0, 0, 0x0A, 1, 0, 0, 0, 1, 0])
        }
    }

    @Test func zeroDimensionsAreReported() {
        #expect(throws: IDXError.noDimensions(file: "bad.idx")) {
            try decode([0, 0, 0x08, 0])
        }
    }

    @Test func headerCutShortIsReported() {
        #expect(throws: IDXError.truncatedHeader(file: "bad.idx", needed: 4, actual: 0)) { try decode([]) }
        #expect(throws: IDXError.truncatedHeader(file: "bad.idx", needed: 4, actual: 3)) { try decode([0, 0, 8]) }
        #expect(throws: IDXError.truncatedHeader(file: "bad.idx", needed: 12, actual: 10)) {
            try decode(Array(header2x3.prefix(10)))
        }
    }

    @Test func dimensionProductOverflowingIntIsReported() {
        let huge: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
        let bytes: [UInt8] = [0, 0, 0x0E, 3] + huge + huge + huge
        let max = Int(UInt32.max)
        #expect(throws: IDXError.sizeOverflow(file: "bad.idx", dimensions: [max, max, max])) { try decode(bytes) }
    }

    @Test func payloadShorterThanDeclaredIsTruncated() {
        #expect(throws: IDXError.truncatedPayload(file: "bad.idx", expected: 6, actual: 5)) {
            try decode(header2x3 + [1, 2, 3, 4, 5])
        }
    }

    @Test func hugeDeclaredSizeOverFewBytesIsTruncatedWithoutAllocating() {
        // 65535 × 65535 × 8 bytes declared (about 32 GiB), ten present.
        let bytes: [UInt8] = [0, 0, 0x0E, 2, 0, 0, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF] + [UInt8](repeating: 1, count: 10)
        #expect(throws: IDXError.truncatedPayload(file: "bad.idx", expected: 65535 * 65535 * 8, actual: 10)) {
            try decode(bytes)
        }
    }

    @Test func payloadLongerThanDeclaredHasTrailingBytes() {
        #expect(throws: IDXError.trailingBytes(file: "bad.idx", expected: 6, actual: 7)) {
            try decode(header2x3 + [1, 2, 3, 4, 5, 6, 7])
        }
    }

    @Test func truncatedGzipIsReported() {
        let compressed = (header2x3 + [1, 2, 3, 4, 5, 6]).withGzip
        #expect(throws: IDXError.gzip(.truncated(file: "bad.idx"))) {
            try decode(Array(compressed.dropLast(3)))
        }
    }

    @Test func gzipExpandingPastTheLimitIsRefused() {
        let payload = [UInt8](repeating: 0, count: 1 << 20)
        let bomb = IDXArray(dataType: .uint8, dimensions: [1 << 20], bytes: payload).encoded(gzip: true)
        #expect(throws: IDXError.gzip(.outputOverLimit(file: "bad.idx", limit: 4096))) {
            try decode(bomb, limit: 4096)
        }
    }

    @Test func errorsInsideGzipContentAreTheSameAsInRawContent() {
        #expect(throws: IDXError.trailingBytes(file: "bad.idx", expected: 6, actual: 7)) {
            try decode((header2x3 + [1, 2, 3, 4, 5, 6, 7]).withGzip)
        }
    }

    @Test func missingFileIsReported() throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            let path = directory + "/nothing-here-idx1-ubyte"
            #expect(throws: IDXError.fileMissing(file: path)) { try IDXArray(contentsOfFile: path) }
            let nested = directory + "/no-folder/file"
            #expect(throws: IDXError.fileMissing(file: nested)) { try IDXArray(contentsOfFile: nested) }
        }
    }

    @Test func directoryInsteadOfAFileIsUnreadable() throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            #expect(throws: IDXError.unreadable(file: directory, reason: "it is a directory")) {
                try IDXArray(contentsOfFile: directory)
            }
        }
    }

    @Test func fifoIsRefusedWithoutWaitingForAWriter() throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            let path = directory + "/train-labels-idx1-ubyte"
            try #require(mkfifo(path, 0o600) == 0)
            let reason = "it is not a regular file (a pipe, device or socket)"
            #expect(throws: IDXError.unreadable(file: path, reason: reason)) { try IDXArray(contentsOfFile: path) }
        }
    }

    @Test func fileLargerThanTheLimitIsRefusedBeforeReading() throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            let path = directory + "/labels.idx"
            try IDXArray(dimensions: [100], values: [UInt8](repeating: 1, count: 100)).write(toFile: path)
            let reason = "it is 108 bytes, more than the limit of 107 bytes"
            #expect(throws: IDXError.unreadable(file: path, reason: reason)) {
                try IDXArray(contentsOfFile: path, decompressedLimit: 107)
            }
            #expect(try IDXArray(contentsOfFile: path, decompressedLimit: 108).count == 100)
        }
    }

    @Test func writingIntoAMissingFolderIsUnwritable() throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            let path = directory + "/no-folder/out.idx"
            let error = try #require(throws: IDXError.self) {
                try IDXArray(dimensions: [1], values: [UInt8(1)]).write(toFile: path)
            }
            guard case .unwritable(file: path, _) = error else {
                Issue.record("expected .unwritable, got \(error)")
                return
            }
        }
    }

    @Test(arguments: [
        IDXError.fileMissing(file: "dir/f.idx"), .unreadable(file: "dir/f.idx", reason: "r"),
        .unwritable(file: "dir/f.idx", reason: "r"),
        .gzip(.truncated(file: "dir/f.idx")), .gzip(.outputOverLimit(file: "dir/f.idx", limit: 1)),
        .gzip(.corrupt(file: "dir/f.idx", detail: "d")), .gzip(.trailingGarbage(file: "dir/f.idx", offset: 1)),
        .gzip(.notGzip(file: "dir/f.idx")), .gzip(.zlibFailure(file: "dir/f.idx", status: -4, message: "m")),
        .truncatedHeader(file: "dir/f.idx", needed: 4, actual: 0),
        .truncatedHeader(file: "dir/f.idx", needed: 8, actual: 5),
        .badMagic(file: "dir/f.idx", found: [1, 2]), .unsupportedDataType(file: "dir/f.idx", code: 7),
        .noDimensions(file: "dir/f.idx"),
        .sizeOverflow(file: "dir/f.idx", dimensions: [1, 2]),
        .truncatedPayload(file: "dir/f.idx", expected: 2, actual: 1),
        .trailingBytes(file: "dir/f.idx", expected: 1, actual: 2),
    ])
    func everyMessageNamesTheFile(error: IDXError) {
        #expect(error.description.contains("dir/f.idx"), "\(error.description)")
    }

    @Test func messagesSayWhatIsWrong() {
        #expect(IDXError.badMagic(file: "x", found: [0x50, 0x4B]).description.contains("50 4B"))
        #expect(IDXError.unsupportedDataType(file: "x", code: 0x0A).description.contains("0A"))
        #expect(IDXError.truncatedPayload(file: "x", expected: 6, actual: 5).description.contains("truncated"))
        #expect(IDXError.gzip(.outputOverLimit(file: "x", limit: 4096)).description.contains("4096"))
    }
}

extension Array where Element == UInt8 {
    fileprivate var withGzip: [UInt8] { Gzip.compress(self) }
}
