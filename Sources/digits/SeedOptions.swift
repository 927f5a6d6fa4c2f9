import ArgumentParser
import DigitsKit

/// The seed behind `digits train`'s initialisation and shuffling.
struct SeedOptions: ParsableArguments, TrainingSettingsGroup {
    @Option(
        help: ArgumentHelp(
            "Seed for initialisation and shuffling; the same seed and thread count always give the same model. "
                + "(default: \(DefaultText.configuration.seed))"))
    var seed: UInt64?

    var flagsGiven: [(flag: String, given: Bool)] { [("--seed", seed != nil)] }

    func apply(to configuration: inout TrainingConfiguration) {
        if let seed { configuration.seed = seed }
    }
}
