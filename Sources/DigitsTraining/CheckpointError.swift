/// A checkpoint that cannot be resumed from.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The folder holds no checkpoint file.
    case missing(folder: String)
    /// The file holds a configuration no run accepts.
    case invalidConfiguration(file: String, problem: ConfigurationProblem)
    /// The file is there but unusable.
    case invalid(file: String, problem: String)

    /// A message naming the folder or file and what is wrong.
    public var description: String {
        switch self {
        case let .missing(folder):
            "no checkpoint in '\(folder)' (expected \(TrainingCheckpoint.path(inFolder: folder)))"
        case let .invalidConfiguration(file, problem):
            "'\(file)' is not a usable checkpoint: its configuration is not valid (\(problem))"
        case let .invalid(file, problem):
            "'\(file)' is not a usable checkpoint: \(problem)"
        }
    }
}
