import ArgumentParser
import DigitsKit

/// How many threads to compute on; shared by `train` and `evaluate`.
struct ThreadOptions: ParsableArguments, TrainingSettingsGroup {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Threads to compute on. (default: all cores)",
            valueName: "n"))
    var threads: Int?

    /// The threads to use: as given, else one per core.
    var count: Int { threads ?? ThreadPool.processorCount }

    /// Refuses a thread count outside what the library accepts. (`train` leaves this to the
    /// configuration's own check, which words it its way.)
    func check() throws {
        guard TrainingConfiguration.threadRange.contains(count) else {
            throw ValidationError("--threads must be between 1 and 256, not \(count).")
        }
    }

    var flagsGiven: [(flag: String, given: Bool)] { [("--threads", threads != nil)] }

    func apply(to configuration: inout TrainingConfiguration) {
        if let threads { configuration.threads = threads }
    }
}
