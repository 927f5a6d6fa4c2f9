import Foundation
import Testing
import DigitsKit
@testable import DigitsImaging

/// Each kind of bad input gives its own error with a message naming the file, and nothing hangs,
/// crashes or allocates for pixels that are not there.
@Suite struct PNGBadInputTests {
    /// A small valid PNG to damage: 16×16 8-bit gray.
    static func validPNG() throws -> [UInt8] {
        let pixels = (0 ..< 256).map { UInt8(ImagingTestSupport.scrambled($0, bound: 256)) }
        return try PNGEncoder.encode(pixels: pixels, width: 16, height: 16, layout: .gray)
    }

    /// Offset of the first byte of the chunk of `type` (its length field) in a PNG stream.
    static func offsetOfChunk(_ type: String, in bytes: [UInt8]) -> Int? {
        var offset = 8
        while offset + 8 <= bytes.count {
            let length = bytes[offset ..< offset + 4].reduce(0) { $0 << 8 | Int($1) }
            if bytes[offset + 4 ..< offset + 8].elementsEqual(type.utf8) {
                return offset
            }
            offset += 12 + length
        }
        return nil
    }

    /// Writes `bytes` to `name` in a fresh temporary directory, runs `body` with the path, cleans up.
    static func withFile(_ name: String, _ bytes: [UInt8], _ body: (String) throws -> Void) throws {
        let directory = try ImagingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try body(path)
    }

    /// The error `PNGDecoder.decode(contentsOfFile:)` throws for `path`, or nil if it decodes.
    static func decodeError(_ path: String) -> PNGError? {
        do {
            _ = try PNGDecoder.decode(contentsOfFile: path)
            return nil
        } catch {
            return error
        }
    }

    @Test func missingFileIsReportedAsNotFound() throws {
        let directory = try ImagingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("absent.png").path

        let error = try #require(Self.decodeError(path))
        #expect(error == .fileNotFound(path: path))
        #expect(error.description == "\(path): no such file")
    }

    @Test func directoryIsRefused() throws {
        let directory = try ImagingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("folder.png").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)

        let error = try #require(Self.decodeError(path))
        #expect(error == .isDirectory(path: path))
        #expect(error.description.hasPrefix(path))
    }

    @Test func fifoIsRefusedWithoutWaitingForAWriter() throws {
        let directory = try ImagingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("pipe.png").path
        try #require(mkfifo(path, 0o600) == 0)

        // Were the FIFO opened for a blocking read, this call would never return.
        let error = try #require(Self.decodeError(path))
        #expect(error == .notRegularFile(path: path))
    }

    @Test func emptyFileIsReportedAsEmpty() throws {
        try Self.withFile("empty.png", []) { path in
            let error = try #require(Self.decodeError(path))
            #expect(error == .empty(name: path))
            #expect(error.description.contains("empty"))
        }
    }

    @Test func textFileNamedPNGIsNotAPNGFile() throws {
        try Self.withFile("notes.png", Array("Remember to buy milk.\nAnd eggs.\n".utf8)) { path in
            let error = try #require(Self.decodeError(path))
            #expect(error == .notPNG(name: path, looksLike: "text"))
            #expect(error.description == "\(path): not a PNG file (it looks like text)")
        }
    }

    @Test func jpegFileNamedPNGIsNotAPNGFile() throws {
        // The start of a JFIF file: SOI, APP0 "JFIF".
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
        try Self.withFile("photo.png", jpeg + [UInt8](repeating: 0x55, count: 200)) { path in
            let error = try #require(Self.decodeError(path))
            #expect(error == .notPNG(name: path, looksLike: "a JPEG image"))
            #expect(error.description.contains("not a PNG file"))
            #expect(error.description.contains("JPEG"))
        }
    }

    @Test func binaryJunkIsNotAPNGFileWithoutAGuess() throws {
        try Self.withFile("junk.png", [0x00, 0x01, 0x02, 0x03, 0xFE, 0xFD, 0x80, 0x81, 0x00, 0x00]) { path in
            #expect(Self.decodeError(path) == .notPNG(name: path, looksLike: nil))
        }
    }

    @Test func signatureDamagedByLineEndingConversionIsCalledThat() throws {
        var bytes = try Self.validPNG()
        bytes.remove(at: 4)  // "\r\n" → "\n", as a text-mode transfer does
        let error = try #require(throws: PNGError.self) { try PNGDecoder.decode(bytes, name: "upload.png") }
        guard case .corrupt(let name, let detail) = error else {
            Issue.record("expected .corrupt, got \(error)")
            return
        }
        #expect(name == "upload.png")
        #expect(detail.contains("text-mode"))
    }

    @Test(arguments: [0.1, 0.5, 0.9])
    func fileCutShortIsReportedAsTruncated(fraction: Double) throws {
        let bytes = try Self.validPNG()
        let cut = Array(bytes.prefix(Int(Double(bytes.count) * fraction)))
        try Self.withFile("cut.png", cut) { path in
            let error = try #require(Self.decodeError(path))
            guard case .truncated(let name, _) = error else {
                Issue.record("expected .truncated, got \(error)")
                return
            }
            #expect(name == path)
            #expect(error.description.contains("truncated"))
        }
    }

    @Test func fileMissingOnlyItsEndChunkStillDecodes() throws {
        // Browsers and libpng accept a stream whose image data is complete but whose IEND is lost.
        let bytes = try Self.validPNG()
        let iend = try #require(Self.offsetOfChunk("IEND", in: bytes))
        #expect(try PNGDecoder.decode(Array(bytes[..<iend])) == PNGDecoder.decode(bytes))
    }

    @Test func fileCutBetweenImageDataChunksIsTruncated() throws {
        // The same image with its compressed data split over two IDAT chunks, cut after the first.
        let bytes = try Self.validPNG()
        let idat = try #require(Self.offsetOfChunk("IDAT", in: bytes))
        let length = bytes[idat ..< idat + 4].reduce(0) { $0 << 8 | Int($1) }
        let data = Array(bytes[idat + 8 ..< idat + 8 + length])
        let head = Array(bytes[..<idat]) + ImagingTestSupport.chunk("IDAT", Array(data[..<(length / 2)]))
        let tail = ImagingTestSupport.chunk("IDAT", Array(data[(length / 2)...])) + ImagingTestSupport.chunk("IEND", [])
        let whole = head + tail
        #expect(try PNGDecoder.decode(whole) == PNGDecoder.decode(bytes))

        let error = try #require(throws: PNGError.self) { try PNGDecoder.decode(head, name: "cut.png") }
        guard case .truncated(let name, _) = error else {
            Issue.record("expected .truncated, got \(error)")
            return
        }
        #expect(name == "cut.png")
    }

    @Test func fileEndingBeforeItsImageDataIsTruncated() throws {
        let bytes = try Self.validPNG()
        let idat = try #require(Self.offsetOfChunk("IDAT", in: bytes))
        let error = try #require(throws: PNGError.self) { try PNGDecoder.decode(Array(bytes[..<idat]), name: "a.png") }
        guard case .truncated(_, let detail) = error else {
            Issue.record("expected .truncated, got \(error)")
            return
        }
        #expect(detail.contains("before any image data"))
    }

    @Test func signatureAloneIsTruncated() throws {
        let partial = Array(PNGDecoder.signature.prefix(5))
        let error = try #require(throws: PNGError.self) { try PNGDecoder.decode(partial, name: "a.png") }
        guard case .truncated = error else {
            Issue.record("expected .truncated, got \(error)")
            return
        }
    }

    @Test(arguments: ["IHDR", "IDAT"])
    func badChecksumIsReportedAsDamage(chunk: String) throws {
        var bytes = try Self.validPNG()
        let offset = try #require(Self.offsetOfChunk(chunk, in: bytes))
        let length = bytes[offset ..< offset + 4].reduce(0) { $0 << 8 | Int($1) }
        bytes[offset + 8 + length] ^= 0x40  // the stored CRC, so only the checksum is wrong
        try Self.withFile("flipped.png", bytes) { path in
            let error = try #require(Self.decodeError(path))
            guard case .corrupt(let name, let detail) = error else {
                Issue.record("expected .corrupt, got \(error)")
                return
            }
            #expect(name == path)
            #expect(detail.contains("CRC"))
            #expect(error.description.hasPrefix("\(path): damaged PNG file"))
        }
    }

    @Test func hugeDeclaredImageIsRefusedFromItsHeaderAlone() throws {
        // A well-formed stream whose IHDR (with a correct CRC) declares 100000×100000 8-bit gray:
        // ten gigapixels, which must be refused before any pixel buffer is allocated.
        let header = ImagingTestSupport.bigEndian(100_000) + ImagingTestSupport.bigEndian(100_000) + [8, 0, 0, 0, 0]
        let emptyZlibStream: [UInt8] = [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]
        let bytes =
            PNGDecoder.signature + ImagingTestSupport.chunk("IHDR", header)
            + ImagingTestSupport.chunk("IDAT", emptyZlibStream) + ImagingTestSupport.chunk("IEND", [])

        let start = ContinuousClock.now
        let error = try #require(throws: PNGError.self) { try PNGDecoder.decode(bytes, name: "huge.png") }
        let elapsed = ContinuousClock.now - start

        let limit = PNGDecoder.maximumPixelCount
        #expect(error == .imageTooLarge(name: "huge.png", width: 100_000, height: 100_000, limit: limit))
        #expect(error.description.contains("100000×100000"))
        #expect(elapsed < .seconds(1))
    }

    @Test func limitAdmitsFortyMegapixelPhotos() {
        #expect(PNGDecoder.maximumPixelCount >= 40_000_000)
    }

    @Test func fileLargerThanTheLimitIsRefusedBeforeReading() throws {
        let directory = try ImagingTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("enormous.png").path
        // A sparse file: it claims more than the limit without using the disk space.
        try #require(FileManager.default.createFile(atPath: path, contents: Data(PNGDecoder.signature)))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(PNGDecoder.maximumFileSize + 1))
        try handle.close()

        let error = try #require(Self.decodeError(path))
        let limit = PNGDecoder.maximumFileSize
        #expect(error == .fileTooLarge(name: path, bytes: limit + 1, limit: limit))
    }
}

extension PNGBadInputTests {
    @Test func damagedCompressedDataIsReportedAsDamage() throws {
        var bytes = try Self.validPNG()
        let offset = try #require(Self.offsetOfChunk("IDAT", in: bytes))
        bytes[offset + 8] ^= 0xFF  // the zlib header byte
        let error = try #require(throws: PNGError.self) { try PNGDecoder.decode(bytes, name: "a.png") }
        guard case .corrupt(let name, let detail) = error else {
            Issue.record("expected .corrupt, got \(error)")
            return
        }
        #expect(name == "a.png")
        #expect(!detail.isEmpty)
    }
}
