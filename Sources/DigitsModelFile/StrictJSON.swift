/// A small, strict JSON (RFC 8259) parser for safetensors headers.
///
/// A parser of our own, rather than `JSONDecoder`, because the header must be checked more
/// tightly than a general decoder does: duplicate keys are an error (a decoder keeps one of
/// them silently), integers must be exact and non-negative, key order is kept, and nesting
/// depth is capped so that a hostile header cannot exhaust the stack.
enum StrictJSON {
    /// A parsed JSON value. Objects keep their keys in file order.
    indirect enum Value {
        case object([(key: String, value: Value)])
        case array([Value])
        case string(String)
        /// The number's literal text, e.g. `"12"`, `"-1.5e3"`; see `nonNegativeInt`.
        case number(String)
        case bool(Bool)
        case null

        /// What kind of value this is, for error messages ("expected an array, found a string").
        var kindDescription: String {
            switch self {
            case .object: "an object"
            case .array: "an array"
            case .string: "a string"
            case .number: "a number"
            case .bool: "a boolean"
            case .null: "null"
            }
        }
    }

    /// Why a header is not valid JSON, with the byte offset (from the start of the JSON text)
    /// where the problem was found.
    struct ParseError: Error, Equatable, CustomStringConvertible {
        var offset: Int
        var message: String
        /// The key named twice, when that is the problem.
        var repeatedKey: String? = nil

        var description: String { "at byte \(offset): \(message)" }
    }

    /// The deepest nesting of objects and arrays accepted; a safetensors header needs 3.
    static let maximumDepth = 64

    /// Parses `bytes` as exactly one JSON value, optionally surrounded by whitespace.
    ///
    /// The bytes are expected to be valid UTF-8 already (checked by the caller); string
    /// contents are decoded from them as such.
    static func parse(_ bytes: some Collection<UInt8>) throws(ParseError) -> Value {
        var parser = Parser(bytes: Array(bytes))
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.position < parser.bytes.count {
            throw parser.error("unexpected \(parser.describeCurrentByte()) after the end of the JSON value")
        }
        return value
    }

    /// A cursor over the JSON text.
    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        func error(_ message: String) -> ParseError {
            ParseError(offset: position, message: message)
        }

        func describeCurrentByte() -> String {
            guard position < bytes.count else { return "end of text" }
            let byte = bytes[position]
            if byte >= 0x21 && byte < 0x7F {
                return "character '\(Character(Unicode.Scalar(byte)))'"
            }
            return "byte 0x" + String(byte, radix: 16, uppercase: true)
        }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws(ParseError) {
            guard position < bytes.count, bytes[position] == byte else {
                throw error("expected \(what), found \(describeCurrentByte())")
            }
            position += 1
        }

        mutating func parseValue(depth: Int) throws(ParseError) -> Value {
            guard position < bytes.count else { throw error("expected a value, found end of text") }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"): return .number(try parseNumber())
            case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try parseLiteral("null"); return .null
            default: throw error("expected a value, found \(describeCurrentByte())")
            }
        }

        mutating func parseLiteral(_ literal: String) throws(ParseError) {
            let start = position
            for expected in literal.utf8 {
                guard position < bytes.count, bytes[position] == expected else {
                    position = start
                    throw error("invalid literal (expected '\(literal)')")
                }
                position += 1
            }
        }

        mutating func parseObject(depth: Int) throws(ParseError) -> Value {
            guard depth <= StrictJSON.maximumDepth else {
                throw error("nesting deeper than \(StrictJSON.maximumDepth) levels")
            }
            position += 1  // "{"
            var members: [(key: String, value: Value)] = []
            var seenKeys = Set<String>()
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                let keyOffset = position
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw error("expected a string key, found \(describeCurrentByte())")
                }
                let key = try parseString()
                guard seenKeys.insert(key).inserted else {
                    throw ParseError(offset: keyOffset, message: "duplicate key \"\(key)\"", repeatedKey: key)
                }
                skipWhitespace()
                try expect(UInt8(ascii: ":"), "':' after an object key")
                skipWhitespace()
                let value = try parseValue(depth: depth)
                members.append((key, value))
                skipWhitespace()
                guard position < bytes.count else { throw error("unterminated object (expected ',' or '}')") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                } else if bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return .object(members)
                } else {
                    throw error("expected ',' or '}' in an object, found \(describeCurrentByte())")
                }
            }
        }

        mutating func parseArray(depth: Int) throws(ParseError) -> Value {
            guard depth <= StrictJSON.maximumDepth else {
                throw error("nesting deeper than \(StrictJSON.maximumDepth) levels")
            }
            position += 1  // "["
            var elements: [Value] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth))
                skipWhitespace()
                guard position < bytes.count else { throw error("unterminated array (expected ',' or ']')") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                } else if bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array(elements)
                } else {
                    throw error("expected ',' or ']' in an array, found \(describeCurrentByte())")
                }
            }
        }

        /// Parses a string starting at its opening quote and returns its decoded contents.
        mutating func parseString() throws(ParseError) -> String {
            position += 1  // opening quote
            var utf8: [UInt8] = []
            while true {
                guard position < bytes.count else { throw error("unterminated string") }
                let byte = bytes[position]
                switch byte {
                case UInt8(ascii: "\""):
                    position += 1
                    return String(decoding: utf8, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    position += 1
                    try parseEscape(into: &utf8)
                case 0x00 ..< 0x20:
                    let hex = String(byte, radix: 16, uppercase: true)
                    throw error("unescaped control character (byte 0x\(hex)) in a string")
                default:
                    utf8.append(byte)
                    position += 1
                }
            }
        }

        /// Decodes one escape sequence (the backslash already consumed) and appends its UTF-8.
        mutating func parseEscape(into utf8: inout [UInt8]) throws(ParseError) {
            guard position < bytes.count else { throw error("unterminated escape sequence") }
            let escaped = bytes[position]
            position += 1
            switch escaped {
            case UInt8(ascii: "\""): utf8.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): utf8.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): utf8.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var codePoint = UInt32(try parseHexQuad())
                if (0xD800 ..< 0xDC00).contains(codePoint) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                        bytes[position + 1] == UInt8(ascii: "u")
                    else {
                        throw error("unpaired UTF-16 surrogate in a \\u escape")
                    }
                    position += 2
                    let low = UInt32(try parseHexQuad())
                    guard (0xDC00 ..< 0xE000).contains(low) else {
                        throw error("unpaired UTF-16 surrogate in a \\u escape")
                    }
                    codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00 ..< 0xE000).contains(codePoint) {
                    throw error("unpaired UTF-16 surrogate in a \\u escape")
                }
                guard let scalar = Unicode.Scalar(codePoint) else {
                    throw error("invalid code point in a \\u escape")
                }
                utf8.append(contentsOf: String(Character(scalar)).utf8)
            default:
                position -= 1
                throw error("invalid escape sequence: backslash followed by \(describeCurrentByte())")
            }
        }

        mutating func parseHexQuad() throws(ParseError) -> UInt16 {
            var value: UInt16 = 0
            for _ in 0 ..< 4 {
                guard position < bytes.count else { throw error("unterminated \\u escape") }
                let byte = bytes[position]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0") ... UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a") ... UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A") ... UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw error("expected a hexadecimal digit in a \\u escape, found \(describeCurrentByte())")
                }
                value = value << 4 | UInt16(digit)
                position += 1
            }
            return value
        }

        /// Checks the number grammar `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` and
        /// returns the literal text.
        mutating func parseNumber() throws(ParseError) -> String {
            let start = position
            func isDigit(_ index: Int) -> Bool {
                index < bytes.count && bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9")
            }
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard isDigit(position) else { throw error("expected a digit in a number") }
            if bytes[position] == UInt8(ascii: "0") {
                position += 1
                if isDigit(position) { throw ParseError(offset: start, message: "numbers must not have leading zeros") }
            } else {
                while isDigit(position) { position += 1 }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard isDigit(position) else { throw error("expected a digit after the decimal point") }
                while isDigit(position) { position += 1 }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                if position < bytes.count, [UInt8(ascii: "+"), UInt8(ascii: "-")].contains(bytes[position]) {
                    position += 1
                }
                guard isDigit(position) else { throw error("expected a digit in the exponent") }
                while isDigit(position) { position += 1 }
            }
            return String(decoding: bytes[start ..< position], as: UTF8.self)
        }
    }
}

extension StrictJSON.Value {
    /// The value as a non-negative integer that fits in `Int`, or `nil` if it is not a number
    /// written as plain digits (no sign, fraction or exponent) or is too large.
    var nonNegativeInt: Int? {
        guard case .number(let text) = self, !text.isEmpty else { return nil }
        var result = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            result = sum
        }
        return result
    }
}

extension StrictJSON {
    /// Appends `string` to `output` as a JSON string literal (quotes included), escaping quotes,
    /// backslashes and control characters and writing everything else as raw UTF-8.
    static func appendQuoted(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00 ..< 0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: Array("\\u00".utf8))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
