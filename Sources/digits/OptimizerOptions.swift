import ArgumentParser
import DigitsKit

/// How long and how hard `digits train` optimises: epochs, batch size and the SGD settings.
struct OptimizerOptions: ParsableArguments, TrainingSettingsGroup {
    @Option(help: "Passes over the training set. (default: \(DefaultText.configuration.epochs))")
    var epochs: Int?

    @Option(help: "Examples per SGD step. (default: \(DefaultText.configuration.batchSize))")
    var batchSize: Int?

    @Option(
        help:
            "Peak learning rate, reached after warmup. (default: \(DefaultText.number(DefaultText.configuration.learningRate)))"
    )
    var learningRate: Double?

    @Option(help: "SGD momentum, in [0, 1). (default: \(DefaultText.number(DefaultText.configuration.momentum)))")
    var momentum: Double?

    @Option(help: "L2 weight decay on weights. (default: \(DefaultText.number(DefaultText.configuration.weightDecay)))")
    var weightDecay: Double?

    var flagsGiven: [(flag: String, given: Bool)] {
        [
            ("--epochs", epochs != nil), ("--batch-size", batchSize != nil), ("--learning-rate", learningRate != nil),
            ("--momentum", momentum != nil), ("--weight-decay", weightDecay != nil),
        ]
    }

    func apply(to configuration: inout TrainingConfiguration) {
        if let epochs { configuration.epochs = epochs }
        if let batchSize { configuration.batchSize = batchSize }
        if let learningRate { configuration.learningRate = learningRate }
        if let momentum { configuration.momentum = momentum }
        if let weightDecay { configuration.weightDecay = weightDecay }
    }
}
