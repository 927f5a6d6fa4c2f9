import ArgumentParser
import DigitsKit

/// Whether and how strongly `digits train` distorts its training images.
struct AugmentationOptions: ParsableArguments, TrainingSettingsGroup {
    @Flag(
        help: ArgumentHelp(
            "Distort every training image on the fly, differently in every epoch: rotation, scaling, shear, shift, an elastic distortion, thicker or thinner strokes, blur and noise."
        ))
    var augment = false

    @Option(
        help: ArgumentHelp(
            "Change distortion strengths (implies --augment): comma-separated key=value pairs, keys \(Augmentation.Strength.allCases.map(\.rawValue).joined(separator: ", ")); 0 turns one off. (default: \(StrengthList.defaultText))",
            valueName: "spec"))
    var augmentStrengths: StrengthList?

    var flagsGiven: [(flag: String, given: Bool)] {
        [("--augment", augment), ("--augment-strengths", augmentStrengths != nil)]
    }

    func apply(to configuration: inout TrainingConfiguration) {
        guard augment || augmentStrengths != nil else { return }
        var settings = Augmentation()
        for (strength, value) in augmentStrengths?.values ?? [] { settings[strength] = value }
        configuration.augmentation = settings
    }
}

/// `rotate=10,elastic=0`: strengths by name, as `--augment-strengths` takes them.
struct StrengthList: ExpressibleByArgument {
    var values: [(Augmentation.Strength, Double)]

    init?(argument: String) {
        var values: [(Augmentation.Strength, Double)] = []
        for pair in argument.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2,
                let strength = Augmentation.Strength(rawValue: parts[0].trimmingCharacters(in: " ")),
                let value = Double(parts[1].trimmingCharacters(in: " ")), value.isFinite
            else { return nil }
            values.append((strength, value))
        }
        self.values = values
    }

    /// `value` without a trailing ".0".
    private static func shortest(_ value: Double) -> String {
        let text = String(value)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// The default strengths, written as a specification.
    static var defaultText: String {
        let defaults = Augmentation()
        return Augmentation.Strength.allCases.map { "\($0.rawValue)=\(shortest(defaults[$0]))" }
            .joined(separator: ",")
    }
}
