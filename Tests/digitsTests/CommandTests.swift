import Testing

@Suite struct CommandTests {
    @Test func helpNamesTheTool() throws {
        let output = try CommandRunner.run(["--help"])
        #expect(output.status == 0)
        #expect(output.standardOutput.contains("handwritten-digit classifier"))
    }
}
