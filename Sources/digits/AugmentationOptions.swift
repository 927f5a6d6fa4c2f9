import ArgumentParser
import DigitsKit

/// Whether and how strongly `digits train` distorts its training images.
struct AugmentationOptions: ParsableArguments, TrainingSettingsGroup {
    /// The distortion's starting point, before `--augment-strengths` changes it.
    enum Level: String, EnumerableFlag {
        case augment, noAugment

        static func help(for value: Level) -> ArgumentHelp? {
            switch value {
            case .augment:
                "Distort training images at full strength, differently in every epoch: rotation, scaling, shear, shift, an elastic distortion, thicker or thinner strokes, blur and noise (for long runs). Without it, training uses light distortion: \(StrengthList.text(Augmentation.light))."
            case .noAugment: "Train on the images exactly as they are."
            }
        }
    }

    @Flag var level: Level?

    @Option(
        help: ArgumentHelp(
            "Change distortion strengths: comma-separated key=value pairs with the keys \(Augmentation.Strength.allCases.map(\.rawValue).joined(separator: ", ")); 0 turns one off. Starts from the light distortion, or the full one with --augment (\(StrengthList.text(Augmentation()))).",
            valueName: "spec"))
    var augmentStrengths: StrengthList?

    var flagsGiven: [(flag: String, given: Bool)] {
        [("--augment or --no-augment", level != nil), ("--augment-strengths", augmentStrengths != nil)]
    }

    func validate() throws {
        if level == .noAugment, augmentStrengths != nil {
            throw ValidationError("--augment-strengths sets distortions that --no-augment turns off; drop one of them.")
        }
    }

    func apply(to configuration: inout TrainingConfiguration) {
        switch level {
        case .noAugment: configuration.augmentation = nil
        case .augment: configuration.augmentation = Augmentation()
        case nil: break
        }
        guard let strengths = augmentStrengths?.values else { return }
        var settings = configuration.augmentation ?? .light
        for (strength, value) in strengths { settings[strength] = value }
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

    /// `settings` written as a specification, strengths of 0 left out (σ only with an elastic field).
    static func text(_ settings: Augmentation) -> String {
        Augmentation.Strength.allCases.filter { settings[$0] != 0 && ($0 != .sigma || settings.elasticAlpha != 0) }
            .map { "\($0.rawValue)=\(DefaultText.number(settings[$0]))" }.joined(separator: ",")
    }
}
