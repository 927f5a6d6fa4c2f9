import Foundation
import Testing
import DigitsKit
import DigitsTestSupport
@testable import DigitsFileSystem

#if canImport(Glibc)
import Glibc
#endif

@Suite struct AtomicFileTests {
    /// Permission bits do not stop the superuser, so tests of them only mean something for others.
    static let isSuperuser = geteuid() == 0

    /// Whether `chattr +i` works here: an immutable directory refuses new files even to the
    /// superuser, so a failed write can be tested whoever runs the tests.
    static let canMakeDirectoriesImmutable: Bool = {
        guard let directory = try? TemporaryDirectory(), chattr("+i", directory.path) else { return false }
        return chattr("-i", directory.path)
    }()

    /// Runs `chattr flag path`; true if it succeeded.
    static func chattr(_ flag: String, _ path: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        process.arguments = [flag, path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return false
        }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    @Test func writeCreatesANewFile() throws {
        let directory = try TemporaryDirectory()
        try AtomicFile.write([1, 2, 3], to: directory.file("model.bin"))
        #expect(try directory.read("model.bin") == [1, 2, 3])
        #expect(try directory.contents() == ["model.bin"])
    }

    @Test func writeReplacesTheOldFileAndLeavesNoTemporaryFile() throws {
        let directory = try TemporaryDirectory()
        try directory.write(Array(repeating: 9, count: 1000), to: "model.bin")
        try AtomicFile.write([4, 5], to: directory.file("model.bin"))
        #expect(try directory.read("model.bin") == [4, 5])
        #expect(try directory.contents() == ["model.bin"])
    }

    @Test func writeRemovesTemporaryFilesOfKilledWritersButNotOfLiveOnes() throws {
        let directory = try TemporaryDirectory()
        // A process that has finished stands for one killed in the middle of a write.
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let abandoned = ".m.safetensors.tmp-\(finished.processIdentifier)-1f2e"
        let live = ".m.safetensors.tmp-\(getpid())-77aa"
        let unrelated = ".other.tmp-\(finished.processIdentifier)-1f2e"
        for name in [abandoned, live, unrelated] { try directory.write([1, 2, 3], to: name) }

        try AtomicFile.write([9], to: directory.file("m.safetensors"))
        let left = try directory.contents()
        #expect(!left.contains(abandoned))
        #expect(left.contains(live) && left.contains(unrelated))
        #expect(try directory.read("m.safetensors") == [9])
    }

    @Test func writeOfNoBytesMakesAnEmptyFile() throws {
        let directory = try TemporaryDirectory()
        try directory.write([1], to: "empty")
        try AtomicFile.write([], to: directory.file("empty"))
        #expect(try directory.read("empty") == [])
    }

    @Test func writeKeepsThePermissionsOfTheFileItReplaces() throws {
        let directory = try TemporaryDirectory()
        try directory.write([1], to: "private.bin")
        #expect(chmod(directory.file("private.bin"), 0o600) == 0)
        try AtomicFile.write([2], to: directory.file("private.bin"))
        var status = stat()
        #expect(stat(directory.file("private.bin"), &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
    }

    @Test func writeIntoAMissingDirectoryThrowsAndCreatesNothing() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("missing/model.bin")
        #expect(throws: AtomicFileError.directoryMissing(path: path, directory: directory.file("missing"))) {
            try AtomicFile.write([1], to: path)
        }
        #expect(try directory.contents() == [])
    }

    @Test func writeBelowARegularFileThrows() throws {
        let directory = try TemporaryDirectory()
        try directory.write([1], to: "plain")
        let path = directory.file("plain/model.bin")
        #expect(throws: AtomicFileError.notADirectory(path: path, directory: directory.file("plain"))) {
            try AtomicFile.write([1], to: path)
        }
        #expect(try directory.read("plain") == [1])
    }

    @Test func writeOverADirectoryThrowsAndRemovesTheTemporaryFile() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.file("models"), withIntermediateDirectories: false)
        try directory.write([1], to: "models/keep")
        #expect(throws: AtomicFileError.targetIsDirectory(path: directory.file("models"))) {
            try AtomicFile.write([1, 2], to: directory.file("models"))
        }
        #expect(try directory.contents() == ["models"])
        #expect(try directory.read("models/keep") == [1])
    }

    @Test(.disabled(if: isSuperuser, "the superuser may write into read-only directories"))
    func writeIntoAReadOnlyDirectoryThrowsAndLeavesTheOldFile() throws {
        let directory = try TemporaryDirectory()
        try directory.write([1, 2, 3], to: "model.bin")
        #expect(chmod(directory.path, 0o555) == 0)
        defer { chmod(directory.path, 0o755) }
        let path = directory.file("model.bin")
        #expect(throws: AtomicFileError.permissionDenied(path: path, directory: directory.path)) {
            try AtomicFile.write([9], to: path)
        }
        #expect(try directory.read("model.bin") == [1, 2, 3])
        #expect(try directory.contents() == ["model.bin"])
    }

    @Test(.enabled(if: canMakeDirectoriesImmutable, "needs `chattr +i`: the superuser on a file system that has it"))
    func writeIntoAnImmutableDirectoryThrowsAndLeavesTheOldFile() throws {
        let directory = try TemporaryDirectory()
        try directory.write([1, 2, 3], to: "model.bin")
        try #require(Self.chattr("+i", directory.path))
        defer { _ = Self.chattr("-i", directory.path) }
        let path = directory.file("model.bin")
        #expect(throws: AtomicFileError.permissionDenied(path: path, directory: directory.path)) {
            try AtomicFile.write([9], to: path)
        }
        #expect(try directory.read("model.bin") == [1, 2, 3])
        #expect(try directory.contents() == ["model.bin"])
    }

    @Test func pathsThatCannotNameAFileAreRejected() {
        for path in ["", "models/", "/", ".", "models/..", "models/."] {
            #expect(throws: AtomicFileError.invalidPath(path: path)) { try AtomicFile.write([1], to: path) }
            #expect(throws: AtomicFileError.invalidPath(path: path)) { try AtomicFile.checkWritable(path) }
        }
    }

    @Test func pathSplitsIntoDirectoryAndName() {
        #expect(AtomicFile.splitPath("model.bin")! == (".", "model.bin"))
        #expect(AtomicFile.splitPath("/model.bin")! == ("/", "model.bin"))
        #expect(AtomicFile.splitPath("a/b/model.bin")! == ("a/b", "model.bin"))
        #expect(AtomicFile.splitPath("./m")! == (".", "m"))
    }

    // MARK: checkWritable

    @Test func checkWritableAcceptsANewOrExistingFileInAWritableDirectory() throws {
        let directory = try TemporaryDirectory()
        try AtomicFile.checkWritable(directory.file("new.bin"))
        try directory.write([1], to: "old.bin")
        try AtomicFile.checkWritable(directory.file("old.bin"))
        #expect(try directory.contents() == ["old.bin"], "checking writes nothing")
    }

    @Test func checkWritableReportsEachUnwritableDestination() throws {
        let directory = try TemporaryDirectory()
        try directory.write([1], to: "plain")
        try FileManager.default.createDirectory(atPath: directory.file("models"), withIntermediateDirectories: false)

        let missing = directory.file("missing/m.bin")
        #expect(throws: AtomicFileError.directoryMissing(path: missing, directory: directory.file("missing"))) {
            try AtomicFile.checkWritable(missing)
        }
        let belowFile = directory.file("plain/m.bin")
        #expect(throws: AtomicFileError.notADirectory(path: belowFile, directory: directory.file("plain"))) {
            try AtomicFile.checkWritable(belowFile)
        }
        #expect(throws: AtomicFileError.targetIsDirectory(path: directory.file("models"))) {
            try AtomicFile.checkWritable(directory.file("models"))
        }
    }

    @Test(.disabled(if: isSuperuser, "the superuser may write into read-only directories"))
    func checkWritableReportsAReadOnlyDirectory() throws {
        let directory = try TemporaryDirectory()
        #expect(chmod(directory.path, 0o555) == 0)
        defer { chmod(directory.path, 0o755) }
        #expect(throws: AtomicFileError.permissionDenied(path: directory.file("m.bin"), directory: directory.path)) {
            try AtomicFile.checkWritable(directory.file("m.bin"))
        }
    }

    @Test func messagesNameThePathAndTheReason() {
        #expect(
            AtomicFileError.directoryMissing(path: "out/m.bin", directory: "out").description
                == "cannot write 'out/m.bin': the directory 'out' does not exist")
        #expect(
            AtomicFileError.targetIsDirectory(path: "models").description
                == "cannot write 'models': it is a directory")
        #expect(
            AtomicFileError.systemError(path: "m.bin", operation: "writing the data", code: ENOSPC).description
                == "cannot write 'm.bin': writing the data failed: No space left on device")
    }
}
