import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `digits serve`'s page in a real browser: headless Chromium, driven through Selenium by
/// `Tests/Browser/draw_digits.py`, draws a 1 with a mouse and a 0 with a finger on the pad and
/// reads the predictions off the page. Screenshots go to `.build/browser-screenshots/`.
///
/// Needs python3 with Selenium, `chromium` and `chromedriver`; without them the test is skipped
/// with that message, unless `DIGITS_BROWSER_TESTS=required` (as CI sets it), which makes their
/// absence a failure.
@Suite struct BrowserTests {
    static let script = CommandRunner.packageRoot.appendingPathComponent("Tests/Browser/draw_digits.py")
    static let screenshots = CommandRunner.packageRoot.appendingPathComponent(".build/browser-screenshots")

    /// Why the browser test cannot run here, or nil when it can.
    static let missing: String? = {
        func found(_ command: String) -> Bool {
            (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").contains {
                FileManager.default.isExecutableFile(atPath: "\($0)/\(command)")
            }
        }
        if !found("python3") { return "python3 is not installed" }
        if !found("chromium") && !found("chromium-browser") { return "chromium is not installed" }
        if !found("chromedriver") { return "chromedriver is not installed (Debian: chromium-driver)" }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import selenium"]
        check.standardOutput = FileHandle.nullDevice
        check.standardError = FileHandle.nullDevice
        guard (try? check.run()) != nil else { return "python3 cannot be started" }
        check.waitUntilExit()
        return check.terminationStatus == 0 ? nil : "Selenium is not installed (pip install selenium)"
    }()

    static var required: Bool { ProcessInfo.processInfo.environment["DIGITS_BROWSER_TESTS"] == "required" }

    static var canRun: Bool {
        guard let missing else { return true }
        if !required { print("Browser test skipped: \(missing).") }
        return required
    }

    @Test(.enabled(if: canRun, "needs python3 with Selenium, chromium and chromedriver"))
    func drawingAOneAndAZeroOnThePageShowsThoseDigits() async throws {
        if let missing = Self.missing {
            Issue.record("DIGITS_BROWSER_TESTS=required, but \(missing)")
            return
        }
        let server = try ServeProcess()
        let driver = Process()
        let output = Pipe(), errors = Pipe()
        driver.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        driver.arguments = [
            "python3", Self.script.path, "http://127.0.0.1:\(server.port)/", Self.screenshots.path,
        ]
        driver.standardOutput = output
        driver.standardError = errors
        try driver.run()
        // Read both pipes to the end before waiting, so a chatty driver cannot fill one and stall.
        async let printed = output.fileHandleForReading.readToEnd()
        async let complained = errors.fileHandleForReading.readToEnd()
        let (answer, messages) = (try await printed ?? Data(), try await complained ?? Data())
        driver.waitUntilExit()
        let stopped = try await server.stop(with: SIGINT)
        #expect(stopped.status == 0)

        // The server's log of every request goes with a failure, so its side can be seen too.
        let errorText = String(decoding: messages, as: UTF8.self) + "\nserver log:\n" + server.log
        try #require(driver.terminationStatus == 0, "the browser driver failed: \(errorText)")
        let result = try #require(
            try JSONSerialization.jsonObject(with: answer) as? [String: Any], "no answer: \(errorText)")
        #expect(result["one"] as? String == "1", "a drawn 1 was read as \(result["one"] ?? "nothing")")
        #expect(result["zero"] as? String == "0", "a drawn 0 was read as \(result["zero"] ?? "nothing")")
        for path in result["screenshots"] as? [String] ?? [] {
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }
}
