#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns `errno` values into the system's own wording, e.g. "No space left on device", so that
/// every file error tells the user what the operating system said.
enum SystemErrorText {
    /// The text `strerror` gives for `code`, or "error <code>" if it gives none.
    static func message(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
