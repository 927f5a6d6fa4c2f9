#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The process environment, read once per command.
enum Environment {
    static var current: [String: String] { ProcessInfo.processInfo.environment }
}
