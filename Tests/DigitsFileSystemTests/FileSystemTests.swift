import Foundation
import Testing
import DigitsKit
import DigitsTestSupport
@testable import DigitsFileSystem

#if canImport(Glibc)
import Glibc
#endif

/// The shared whole-file read: regular files come back whole, everything else is refused with an
/// error naming the path, and nothing blocks or allocates beyond the limit.
@Suite struct FileSystemTests {
    /// Permission bits do not stop the superuser, so tests of them only mean something for others.
    static let isSuperuser = geteuid() == 0

    /// The error `FileSystem.contents(ofFile:limit:)` throws for `path`, or nil if it reads.
    static func readError(_ path: String, limit: Int = 1 << 20) -> FileSystemError? {
        do {
            _ = try FileSystem.contents(ofFile: path, limit: limit)
            return nil
        } catch {
            return error
        }
    }

    @Test func regularFileIsReadWhole() throws {
        let directory = try TemporaryDirectory()
        let bytes = (0 ..< 200_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try directory.write(bytes, to: "data.bin")
        #expect(try FileSystem.contents(ofFile: directory.file("data.bin"), limit: bytes.count) == bytes)
    }

    @Test func emptyFileReadsAsNoBytes() throws {
        let directory = try TemporaryDirectory()
        try directory.write([], to: "empty")
        #expect(try FileSystem.contents(ofFile: directory.file("empty"), limit: 0) == [])
    }

    @Test func missingFileIsNotFound() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("absent.bin")
        #expect(Self.readError(path) == .notFound(path: path))
        let belowFile = directory.file("plain/inner.bin")
        try directory.write([1], to: "plain")
        #expect(Self.readError(belowFile) == .notFound(path: belowFile))
    }

    @Test func directoryIsRefused() throws {
        let directory = try TemporaryDirectory()
        #expect(Self.readError(directory.path) == .isDirectory(path: directory.path))
    }

    @Test func fifoIsRefusedWithoutWaitingForAWriter() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("pipe")
        try #require(mkfifo(path, 0o600) == 0)
        // Were the FIFO opened for a blocking read, this call would never return.
        #expect(Self.readError(path) == .notRegularFile(path: path))
    }

    @Test func characterDeviceIsRefused() {
        #expect(Self.readError("/dev/zero") == .notRegularFile(path: "/dev/zero"))
    }

    @Test func fileOverTheLimitIsRefusedBeforeReading() throws {
        let directory = try TemporaryDirectory()
        try directory.write([UInt8](repeating: 5, count: 101), to: "big.bin")
        let path = directory.file("big.bin")
        #expect(Self.readError(path, limit: 100) == .tooLarge(path: path, size: 101, limit: 100))
        #expect(try FileSystem.contents(ofFile: path, limit: 101).count == 101, "the limit itself is allowed")
    }

    @Test func sparseFileClaimingTerabytesIsRefusedWithoutAllocating() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("sparse.bin")
        try directory.write([1], to: "sparse.bin")
        try #require(truncate(path, off_t(1) << 40) == 0)
        #expect(Self.readError(path, limit: 1 << 30) == .tooLarge(path: path, size: 1 << 40, limit: 1 << 30))
    }

    @Test(.disabled(if: isSuperuser, "the superuser may read any file"))
    func unreadableFileGivesTheSystemReason() throws {
        let directory = try TemporaryDirectory()
        try directory.write([1, 2], to: "secret.bin")
        let path = directory.file("secret.bin")
        #expect(chmod(path, 0o000) == 0)
        let error = try #require(Self.readError(path))
        #expect(error == .unreadable(path: path, code: EACCES))
        #expect(error.description == "cannot read '\(path)': Permission denied")
    }

    @Test func messagesNameThePathAndTheReason() {
        #expect(
            FileSystemError.notFound(path: "a/b.bin").description
                == "cannot read 'a/b.bin': No such file or directory")
        #expect(FileSystemError.isDirectory(path: "models").description == "cannot read 'models': it is a directory")
        #expect(
            FileSystemError.notRegularFile(path: "/dev/zero").description
                == "cannot read '/dev/zero': it is not a regular file (a pipe, device or socket)")
        #expect(
            FileSystemError.tooLarge(path: "x.png", size: 300, limit: 256).description
                == "cannot read 'x.png': it is 300 bytes, more than the limit of 256 bytes")
    }

    // MARK: contents(ofDescriptor:name:limit:)

    /// Writes `count` bytes into a pipe from another thread and reads the other end with `limit`.
    static func readPipe(count: Int, limit: Int) throws -> Result<[UInt8], FileSystemError> {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let (readEnd, writeEnd) = (ends[0], ends[1])
        let bytes = (0 ..< count).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let writer = Thread {
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { write(writeEnd, $0.baseAddress! + offset, $0.count - offset) }
                if written <= 0 { break }
                offset += written
            }
            close(writeEnd)
        }
        writer.start()
        let result = Result { () throws(FileSystemError) in
            try FileSystem.contents(ofDescriptor: readEnd, name: "standard input", limit: limit)
        }
        // Drain what the read left, so the writer never writes into a closed pipe (SIGPIPE).
        var rest = [UInt8](repeating: 0, count: 1 << 16)
        while rest.withUnsafeMutableBytes({ read(readEnd, $0.baseAddress, $0.count) }) > 0 {}
        close(readEnd)
        return result
    }

    @Test func aStreamIsReadToItsEnd() throws {
        let result = try Self.readPipe(count: 300_000, limit: 300_000)
        #expect(try result.get() == (0 ..< 300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        #expect(try Self.readPipe(count: 0, limit: 10).get() == [])
    }

    @Test func aStreamOverTheLimitIsRefusedNamingIt() throws {
        let result = try Self.readPipe(count: 300_000, limit: 100_000)
        guard case let .failure(.tooLarge(name, size, limit)) = result else {
            Issue.record("expected tooLarge, got \(result)")
            return
        }
        #expect(name == "standard input" && size > limit && limit == 100_000)
    }

    // MARK: isFile, isDirectory

    @Test func pathsAreToldApart() throws {
        let directory = try TemporaryDirectory()
        try directory.write([1], to: "plain")
        try #require(mkfifo(directory.file("pipe"), 0o600) == 0)

        #expect(FileSystem.isFile(directory.file("plain")))
        #expect(FileSystem.isFile(directory.file("pipe")), "a FIFO is found, so reading it can say why it is refused")
        #expect(!FileSystem.isFile(directory.path))
        #expect(!FileSystem.isFile(directory.file("absent")))

        #expect(FileSystem.isDirectory(directory.path))
        #expect(!FileSystem.isDirectory(directory.file("plain")))
        #expect(!FileSystem.isDirectory(directory.file("absent")))
    }
}
