import DigitsKit

#if canImport(Glibc)
import Glibc
#endif

/// Reads standard input whole, refusing more than `limit` bytes.
enum StandardInput {
    struct TooLarge: Error, CustomStringConvertible {
        let limit: Int
        var description: String { "standard input holds more than \(Format.bytes(limit)), more than any PNG digits reads" }
    }

    static func readAll(limit: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                break
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0 ..< count])
            if bytes.count > limit { throw TooLarge(limit: limit) }
        }
        return bytes
    }
}
