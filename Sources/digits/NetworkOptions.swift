import ArgumentParser
import DigitsKit

/// The network `digits train` builds: its hidden layers, their activation and the loss.
struct NetworkOptions: ParsableArguments, TrainingSettingsGroup {
    @Option(
        help: ArgumentHelp(
            "Hidden layer sizes, comma-separated, or \"none\". (default: \(LayerSizes(DefaultText.configuration.hidden).text))",
            valueName: "sizes"))
    var hidden: LayerSizes?

    @Option(help: "Hidden-layer activation. (default: \(DefaultText.configuration.activation.rawValue))")
    var activation: Activation?

    @Option(help: "Loss, computed on the softmax probabilities. (default: \(DefaultText.configuration.loss.rawValue))")
    var loss: Loss?

    var flagsGiven: [(flag: String, given: Bool)] {
        [("--hidden", hidden != nil), ("--activation", activation != nil), ("--loss", loss != nil)]
    }

    func apply(to configuration: inout TrainingConfiguration) {
        if let hidden { configuration.hidden = hidden.sizes }
        if let activation { configuration.activation = activation }
        if let loss { configuration.loss = loss }
    }
}
