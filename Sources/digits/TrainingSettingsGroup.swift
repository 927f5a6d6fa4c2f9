import DigitsKit

/// A group of `digits train` options that set part of the training configuration.
///
/// `--resume` continues a run exactly as it was configured, so `Train` refuses every option such
/// a group reports as given.
protocol TrainingSettingsGroup {
    /// The group's flags, each with whether it was given on the command line, in help order.
    var flagsGiven: [(flag: String, given: Bool)] { get }

    /// Sets what the given options say in `configuration`, leaving the rest at its defaults.
    func apply(to configuration: inout TrainingConfiguration)
}
