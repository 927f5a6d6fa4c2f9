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

/// Defaults as the help text shows them, taken from the library so each is written once.
enum DefaultText {
    /// The default configuration the help text describes.
    static let configuration = TrainingConfiguration()

    /// `value` as typed on a command line: `0` rather than `0.0`.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
