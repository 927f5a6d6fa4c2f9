import ArgumentParser
import DigitsKit

/// `digits walkthrough`: the design notes' worked example, computed by the library's own layers.
struct Walkthrough: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "walkthrough",
        abstract: "Follow the design notes' worked example through the real code.",
        discussion: """
            Prints the two-layer candy-bar network from the design notes — forward pass, backward \
            pass and one SGD step — with every value and shape as computed by DigitsKit's own \
            Dense layers and SGD optimiser.
            """
    )

    func run() {
        print(CandyBarWalkthrough().text())
    }
}
