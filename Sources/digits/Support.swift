import DigitsKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The process environment, read once per command.
enum Environment {
    static var current: [String: String] { ProcessInfo.processInfo.environment }
}

/// Encodes a value as one line of JSON with sorted keys.
func jsonLine<Value: Encodable>(_ value: Value) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
