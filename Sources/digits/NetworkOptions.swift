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

    @Option(
        help: ArgumentHelp(
            "Cross-entropy's label smoothing ε in [0, 1): the target is 1 − ε on the label plus ε spread over all ten classes. The training loss shown is the smoothed one. (default: 0)",
            valueName: "ε"))
    var labelSmoothing: Double?

    @Option(
        help: ArgumentHelp(
            "The probability p in [0, 1) of dropping each hidden unit of each example while training; the rest are scaled by 1/(1 − p). Needs relu. (default: 0)",
            valueName: "p"))
    var dropout: Double?

    @Option(
        help: ArgumentHelp(
            "The probability p in [0, 1) of dropping each input pixel while training. (default: 0)", valueName: "p"))
    var inputDropout: Double?

    var flagsGiven: [(flag: String, given: Bool)] {
        [
            ("--hidden", hidden != nil), ("--activation", activation != nil), ("--loss", loss != nil),
            ("--label-smoothing", labelSmoothing != nil), ("--dropout", dropout != nil),
            ("--input-dropout", inputDropout != nil),
        ]
    }

    func apply(to configuration: inout TrainingConfiguration) {
        if let hidden { configuration.hidden = hidden.sizes }
        if let activation { configuration.activation = activation }
        if let loss { configuration.loss = loss }
        if let labelSmoothing { configuration.labelSmoothing = labelSmoothing }
        if dropout != nil || inputDropout != nil {
            configuration.dropout = Dropout(hidden: Float(dropout ?? 0), input: Float(inputDropout ?? 0))
        }
    }
}
