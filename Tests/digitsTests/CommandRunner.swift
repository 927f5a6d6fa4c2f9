import Foundation

/// Runs the built `digits` executable and captures what it prints.
struct CommandRunner {
    /// The result of one run.
    struct Output {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The `digits` binary beside this test bundle (both live in the same build folder).
    static var executable: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        // On Linux the test runner is `<build>/digitsPackageTests.xctest`; elsewhere it sits inside a bundle.
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("digits").path),
            folder.path != "/"
        {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("digits")
    }

    /// The package root, found from this source file's location.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// Runs `digits` (the built one, unless `executable` names a copy) with `arguments` in
    /// `directory` (default: the package root), feeding `input` to standard input.
    static func run(
        _ arguments: [String], in directory: URL? = nil, input: Data? = nil,
        environment: [String: String] = [:], executable: URL = CommandRunner.executable
    ) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? packageRoot
        var env = ProcessInfo.processInfo.environment
        // Tests never reach the internet: a command that would download MNIST by itself fails
        // instead, unless a test sets DIGITS_OFFLINE (and mirrors on 127.0.0.1) itself.
        env["DIGITS_OFFLINE"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe(), inp = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inp
        try process.run()
        if let input { inp.fileHandleForWriting.write(input) }
        try inp.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty process cannot block on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self))
    }
}

/// A fresh folder under the system's temporary folder, removed with everything in it when the
/// value is released.
final class ScratchFolder {
    /// The folder.
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("digits-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The path of `name` inside the folder.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}
