import DigitsKit

/// Standard input, read whole.
enum StandardInput {
    /// Standard input held more than the limit.
    struct TooLarge: Error, CustomStringConvertible {
        let limit: Int
        var description: String {
            "standard input holds more than \(Format.bytes(limit)), more than any PNG digits reads"
        }
    }

    /// The bytes of standard input, refusing more than `limit`.
    static func readAll(limit: Int) throws -> [UInt8] {
        do {
            return try FileSystem.contents(ofDescriptor: 0, name: "standard input", limit: limit)
        } catch .tooLarge {
            throw TooLarge(limit: limit)
        }
    }
}
