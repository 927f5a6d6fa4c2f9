/// Decides which model a command should use.
///
/// The order: the path named explicitly; else `$DIGITS_MODEL`; else the shipped model, built
/// into the program. Nothing is searched for on disk, so the answer does not depend on the
/// working directory or on where the executable lives.
public enum ModelLocator {
    /// The model to use, given an explicitly named path (or nil) and the environment.
    ///
    /// - Parameters:
    ///   - explicit: a model path the user named, which wins when present.
    ///   - environment: the process environment; a non-empty `DIGITS_MODEL` names a model path.
    public static func locate(explicit: String?, environment: [String: String]) -> ModelSource {
        if let explicit { return .file(explicit) }
        if let fromEnvironment = environment["DIGITS_MODEL"], !fromEnvironment.isEmpty { return .file(fromEnvironment) }
        return .builtIn
    }
}
