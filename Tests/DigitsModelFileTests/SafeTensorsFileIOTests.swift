import Foundation
import Testing
import DigitsKit
import DigitsTestSupport
@testable import DigitsModelFile

@Suite struct SafeTensorsFileIOTests {
    @Test func fileWrittenToDiskReadsBackEqual() throws {
        let directory = try TemporaryDirectory()
        let original = try SafeTensorsFileTests.sampleFile()
        try original.write(to: directory.file("model.safetensors"))
        #expect(try directory.read("model.safetensors") == original.encoded())
        #expect(try SafeTensorsFile(contentsOf: directory.file("model.safetensors")) == original)
        #expect(try directory.contents() == ["model.safetensors"])
    }

    @Test func missingFileIsReportedWithTheSystemReason() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("absent.safetensors")
        #expect(throws: SafeTensorsError.unreadable(file: path, reason: "No such file or directory")) {
            try SafeTensorsFile(contentsOf: path)
        }
    }

    @Test func directoryIsNotReadAsAFile() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: SafeTensorsError.notARegularFile(file: directory.path)) {
            try SafeTensorsFile(contentsOf: directory.path)
        }
    }

    @Test func fifoIsNotReadAndDoesNotBlock() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("pipe.safetensors")
        try #require(mkfifo(path, 0o600) == 0)
        #expect(throws: SafeTensorsError.notARegularFile(file: path)) { try SafeTensorsFile(contentsOf: path) }
    }

    @Test func fileLargerThanTheLimitIsRefusedBeforeReading() throws {
        let directory = try TemporaryDirectory()
        let bytes = try SafeTensorsFileTests.sampleFile().encoded()
        try directory.write(bytes, to: "model.safetensors")
        let path = directory.file("model.safetensors")
        let reason = "it is \(bytes.count) bytes, more than the limit of \(bytes.count - 1) bytes"
        #expect(throws: SafeTensorsError.unreadable(file: path, reason: reason)) {
            try SafeTensorsFile(contentsOf: path, maximumFileSize: bytes.count - 1)
        }
        #expect(
            try SafeTensorsFile(contentsOf: path, maximumFileSize: bytes.count) == SafeTensorsFileTests.sampleFile())
    }

    @Test func truncatedFileOnDiskIsRejectedByItsHeaderLength() throws {
        let directory = try TemporaryDirectory()
        let full = try SafeTensorsFileTests.sampleFile().encoded()
        try directory.write(Array(full.prefix(40)), to: "cut.safetensors")
        let headerLength = UInt64(full.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) })
        let path = directory.file("cut.safetensors")
        #expect(throws: SafeTensorsError.headerExceedsFile(file: path, headerLength: headerLength, available: 32)) {
            try SafeTensorsFile(contentsOf: path)
        }
    }

    @Test func fileWithTrailingGarbageOnDiskIsRejected() throws {
        let directory = try TemporaryDirectory()
        let bytes = try SafeTensorsFileTests.sampleFile().encoded()
        try directory.write(bytes + [0], to: "long.safetensors")
        let path = directory.file("long.safetensors")
        let dataLength = bytes.count - 8 - bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(throws: SafeTensorsError.dataLengthMismatch(file: path, expected: dataLength, actual: dataLength + 1)) {
            try SafeTensorsFile(contentsOf: path)
        }
    }

    @Test func unwritableDestinationFailsWithoutTouchingTheOldFile() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.file("models"), withIntermediateDirectories: false)
        #expect(throws: AtomicFileError.targetIsDirectory(path: directory.file("models"))) {
            try SafeTensorsFileTests.sampleFile().write(to: directory.file("models"))
        }
        #expect(try directory.contents() == ["models"])
    }
}
