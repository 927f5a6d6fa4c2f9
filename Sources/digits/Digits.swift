import ArgumentParser
import DigitsKit

@main
struct Digits: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train and use a handwritten-digit classifier (an MLP on MNIST).",
        subcommands: [Train.self, Evaluate.self, Walkthrough.self]
    )
}
