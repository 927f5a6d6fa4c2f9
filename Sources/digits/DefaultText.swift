import DigitsKit

/// Defaults as the help text shows them, taken from the library so each is written once.
enum DefaultText {
    /// The default configuration the help text describes.
    static let configuration = TrainingConfiguration()

    /// `value` as typed on a command line: `0` rather than `0.0`.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
