import ArgumentParser
import DigitsKit

/// How `digits train` moves the learning rate: warmup, then a decay.
struct ScheduleOptions: ParsableArguments, TrainingSettingsGroup {
    /// The decays, by the names the flag takes.
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case cosine, step, constant

        /// The kind of `decay`.
        init(_ decay: LearningRateSchedule.Decay) {
            switch decay {
            case .cosine: self = .cosine
            case .step: self = .step
            case .constant: self = .constant
            }
        }
    }

    /// The step decay's settings when the flags leave them out.
    private static let step = LearningRateSchedule.Decay.defaultStep

    @Option(help: "Learning-rate decay after warmup. (default: \(Kind(DefaultText.configuration.decay).rawValue))")
    var schedule: Kind?

    @Option(
        help: ArgumentHelp(
            "Linear warmup length in epochs, may be fractional. (default: \(DefaultText.number(DefaultText.configuration.warmupEpochs)))",
            valueName: "epochs"))
    var warmup: Double?

    @Option(help: "With --schedule step: epochs between decays. (default: \(step.everyEpochs))")
    var stepEvery: Int?

    @Option(help: "With --schedule step: factor applied at each decay. (default: \(DefaultText.number(step.factor)))")
    var stepFactor: Double?

    var flagsGiven: [(flag: String, given: Bool)] {
        [
            ("--schedule", schedule != nil), ("--warmup", warmup != nil), ("--step-every", stepEvery != nil),
            ("--step-factor", stepFactor != nil),
        ]
    }

    func apply(to configuration: inout TrainingConfiguration) {
        if let warmup { configuration.warmupEpochs = warmup }
        switch schedule {
        case nil: break
        case .cosine: configuration.decay = .cosine
        case .constant: configuration.decay = .constant
        case .step:
            configuration.decay = .step(
                everyEpochs: stepEvery ?? Self.step.everyEpochs,
                factor: stepFactor ?? Self.step.factor)
        }
    }
}
