import Testing
import DigitsKit
import DigitsTestSupport

@Suite struct GzipTests {
    private let text = Array("digits: a handwritten-digit classifier, trained on MNIST. ".utf8)

    @Test func compressedBytesDecompressToTheOriginal() throws {
        for original in [[], text, DataTestSupport.pseudoRandomBytes(count: 300_000, seed: 7)] {
            let compressed = Gzip.compress(original)
            #expect(Gzip.isGzip(compressed))
            #expect(try Gzip.decompress(compressed, limit: 1 << 20, source: "sample") == original)
        }
    }

    @Test func compressionIsDeterministicAndStampsNoTime() {
        let first = Gzip.compress(text, level: 9)
        #expect(first == Gzip.compress(text, level: 9))
        #expect(Array(first[4 ..< 8]) == [0, 0, 0, 0], "MTIME must be zero")
    }

    @Test func multiMemberStreamDecompressesToTheConcatenationOfItsMembers() throws {
        let parts = [text, DataTestSupport.pseudoRandomBytes(count: 70_000, seed: 1), [], Array("end".utf8)]
        let stream = parts.flatMap { Gzip.compress($0) }
        #expect(try Gzip.decompress(stream, limit: 1 << 20, source: "multi.gz") == parts.flatMap { $0 })
    }

    @Test func zeroPaddingAfterTheLastMemberIsIgnored() throws {
        let padded = Gzip.compress(text) + [UInt8](repeating: 0, count: 512)
        #expect(try Gzip.decompress(padded, limit: 1 << 20, source: "padded.gz") == text)
    }

    @Test func otherBytesAfterTheLastMemberAreRejected() {
        let member = Gzip.compress(text)
        #expect(throws: GzipError.trailingGarbage(file: "junk.gz", offset: member.count)) {
            try Gzip.decompress(member + Array("junk".utf8), limit: 1 << 20, source: "junk.gz")
        }
    }

    @Test func bombOverTheLimitIsRefused() {
        // 64 MiB of zeros squeeze into about 64 KiB.
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 64 << 20), level: 9)
        #expect(bomb.count < 1 << 17)
        #expect(throws: GzipError.outputOverLimit(file: "bomb.gz", limit: 1 << 20)) {
            try Gzip.decompress(bomb, limit: 1 << 20, source: "bomb.gz")
        }
    }

    @Test func outputExactlyAtTheLimitIsAccepted() throws {
        let original = DataTestSupport.pseudoRandomBytes(count: 1000, seed: 3)
        #expect(try Gzip.decompress(Gzip.compress(original), limit: 1000, source: "exact.gz") == original)
        #expect(throws: GzipError.outputOverLimit(file: "exact.gz", limit: 999)) {
            try Gzip.decompress(Gzip.compress(original), limit: 999, source: "exact.gz")
        }
    }

    @Test func streamCutAnywhereIsReportedAsTruncated() {
        let compressed = Gzip.compress(DataTestSupport.pseudoRandomBytes(count: 5000, seed: 11))
        // Inside the 10-byte header, inside the deflate data, and inside the 8-byte trailer.
        for length in [2, 5, 10, compressed.count / 2, compressed.count - 8, compressed.count - 1] {
            #expect(throws: GzipError.truncated(file: "cut.gz"), "cut to \(length) bytes") {
                try Gzip.decompress(Array(compressed.prefix(length)), limit: 1 << 20, source: "cut.gz")
            }
        }
    }

    @Test func damagedChecksumIsReportedAsCorrupt() throws {
        var compressed = Gzip.compress(text)
        compressed[compressed.count - 8] ^= 0xFF  // first byte of the CRC-32
        let error = try #require(throws: GzipError.self) {
            try Gzip.decompress(compressed, limit: 1 << 20, source: "crc.gz")
        }
        guard case .corrupt(let file, _) = error else {
            Issue.record("expected .corrupt, got \(error)")
            return
        }
        #expect(file == "crc.gz")
        #expect(error.description.contains("crc.gz"))
    }

    @Test func forgedSizeTrailerIsRejectedNotTrusted() throws {
        var compressed = Gzip.compress(text)
        // ISIZE claims 4 GiB - 1; the data is checked against it, never sized from it.
        compressed.replaceSubrange(compressed.count - 4 ..< compressed.count, with: [0xFF, 0xFF, 0xFF, 0xFF])
        let error = try #require(throws: GzipError.self) {
            try Gzip.decompress(compressed, limit: Int.max, source: "isize.gz")
        }
        guard case .corrupt = error else {
            Issue.record("expected .corrupt, got \(error)")
            return
        }
    }

    @Test func invalidDeflateDataIsReportedAsCorrupt() throws {
        // A valid gzip header followed by a deflate block of reserved type 3.
        let bytes: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF, 0xFF]
        let error = try #require(throws: GzipError.self) {
            try Gzip.decompress(bytes, limit: 1 << 20, source: "bad.gz")
        }
        guard case .corrupt(file: "bad.gz", _) = error else {
            Issue.record("expected .corrupt, got \(error)")
            return
        }
    }

    @Test func bytesWithoutTheMagicAreNotGzip() {
        #expect(!Gzip.isGzip([0x1F]))
        #expect(!Gzip.isGzip([0, 0, 8, 1]))
        #expect(throws: GzipError.notGzip(file: "raw")) {
            try Gzip.decompress([0, 0, 8, 1], limit: 100, source: "raw")
        }
    }
}
