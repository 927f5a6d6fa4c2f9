import ArgumentParser
import DigitsKit

#if canImport(Glibc)
import Glibc
#endif

@main
struct Digits: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digits",
        abstract: "Train and use a handwritten-digit classifier (an MLP on MNIST).",
        discussion: """
            Start with `digits classify Fixtures/digits/seven.png` to classify a picture with the \
            shipped model, `digits read Fixtures/digits/number-40917.png` to read a whole number, \
            `digits train` to train your own, and `digits walkthrough` to follow the math of one \
            training step through the code.
            """,
        version: "0.1.0",
        subcommands: [
            Classify.self, Read.self, Serve.self, Train.self, Evaluate.self, Report.self, Download.self,
            Walkthrough.self,
        ]
    )

    /// Runs the command; failures that carry their own exit status (an interrupted training run
    /// exits with 130, as interrupted programs do) keep it, and the library's errors are reported
    /// in the command line's words.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            printError("Error: \(failure.description)")
            Glibc.exit(failure.exitCode)
        } catch {
            if let message = ErrorMessages.commandLineMessage(for: error) {
                printError("Error: \(message)")
                Glibc.exit(ExitCode.failure.rawValue)
            }
            exit(withError: error)
        }
    }
}
