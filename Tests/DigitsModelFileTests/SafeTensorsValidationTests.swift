import Testing
import DigitsKit
@testable import DigitsModelFile

@Suite struct SafeTensorsValidationTests {
    typealias Bytes = SafeTensorsTestBytes

    /// A malformed file and the error it must be rejected with.
    struct Malformed: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var error: SafeTensorsError
        var testDescription: String { name }

        init(_ name: String, _ bytes: [UInt8], _ error: SafeTensorsError) {
            (self.name, self.bytes, self.error) = (name, bytes, error)
        }

        init(_ name: String, header: String, data: [UInt8] = [], _ error: SafeTensorsError) {
            self.init(name, Bytes.file(header: header, data: data), error)
        }
    }

    static let f = "bad.safetensors"

    /// An entry for a float32 tensor, for building headers.
    static func entry(_ name: String, shape: String, offsets: String, dtype: String = "F32") -> String {
        #""\#(name)":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":\#(offsets)}"#
    }

    /// A header object holding `entries`.
    static func object(_ entries: String...) -> String {
        "{" + entries.joined(separator: ",") + "}"
    }

    /// The error for a malformed entry of the tensor `w`.
    static func invalidW(_ detail: String) -> SafeTensorsError {
        .invalidEntry(file: f, tensor: "w", detail: detail)
    }

    static let notAnInteger = "not a non-negative integer that fits in 64 bits"

    static let cases: [Malformed] = [
        // The 8-byte length and the header's bounds.
        Malformed("empty file", [], .fileTooShort(file: f, byteCount: 0)),
        Malformed("five bytes", [2, 0, 0, 0, 0], .fileTooShort(file: f, byteCount: 5)),
        Malformed(
            "header longer than file", Bytes.littleEndian(100) + Array("{}".utf8),
            .headerExceedsFile(file: f, headerLength: 100, available: 2)),
        Malformed(
            "header length of 2^64-1", Bytes.littleEndian(.max) + Array("{}".utf8),
            .headerExceedsFile(file: f, headerLength: .max, available: 2)),
        Malformed("empty header", Bytes.file(header: ""), .headerNotObject(file: f)),
        Malformed("header is an array", header: "[]", .headerNotObject(file: f)),
        Malformed("header starts with a space", header: " {}", .headerNotObject(file: f)),
        Malformed(
            "header is not UTF-8", Bytes.file(headerBytes: Array(#"{"a"#.utf8) + [0xFF] + Array(#"":null}"#.utf8)),
            .headerNotUTF8(file: f)),

        // The JSON itself.
        Malformed(
            "missing value", header: #"{"a":}"#,
            .headerNotJSON(file: f, detail: "at byte 5: expected a value, found character '}'")),
        Malformed(
            "unterminated object", header: #"{"a":{"#,
            .headerNotJSON(file: f, detail: "at byte 6: expected a string key, found end of text")),
        Malformed(
            "text after the object", header: "{} x",
            .headerNotJSON(file: f, detail: "at byte 3: unexpected character 'x' after the end of the JSON value")),
        Malformed(
            "padded with NUL instead of spaces", Bytes.file(headerBytes: Array("{}".utf8) + [0, 0]),
            .headerNotJSON(file: f, detail: "at byte 2: unexpected byte 0x0 after the end of the JSON value")),
        Malformed(
            "trailing comma", header: #"{"__metadata__":{},}"#,
            .headerNotJSON(file: f, detail: "at byte 19: expected a string key, found character '}'")),
        Malformed(
            "single-quoted key", header: "{'a':1}",
            .headerNotJSON(file: f, detail: "at byte 1: expected a string key, found character '''")),
        Malformed(
            "raw newline in a string", header: "{\"a\n\":1}",
            .headerNotJSON(file: f, detail: "at byte 3: unescaped control character (byte 0xA) in a string")),
        Malformed(
            "lone surrogate escape", header: #"{"\ud800":1}"#,
            .headerNotJSON(file: f, detail: "at byte 8: unpaired UTF-16 surrogate in a \\u escape")),
        Malformed(
            "leading zero", header: object(entry("w", shape: "[01]", offsets: "[0,4]")),
            .headerNotJSON(file: f, detail: "at byte 29: numbers must not have leading zeros")),
        Malformed(
            "nesting 10,000 levels deep",
            header: #"{"a":"# + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}",
            .headerNotJSON(file: f, detail: "at byte 68: nesting deeper than 64 levels")),
        Malformed(
            "duplicate tensor name",
            header: object(entry("w", shape: "[1]", offsets: "[0,4]"), entry("w", shape: "[1]", offsets: "[4,8]")),
            data: Bytes.floats([1, 2]), .duplicateKey(file: f, key: "w")),
        Malformed(
            "duplicate field in an entry", header: #"{"w":{"dtype":"F32","dtype":"F32"}}"#,
            .duplicateKey(file: f, key: "dtype")),

        // __metadata__.
        Malformed(
            "metadata value is a number", header: #"{"__metadata__":{"epochs":5}}"#,
            .invalidMetadata(file: f, detail: "value for \"epochs\" is a number, not a string")),
        Malformed(
            "metadata is an array", header: #"{"__metadata__":["a"]}"#,
            .invalidMetadata(file: f, detail: "is an array, not an object of strings")),

        // Entries.
        Malformed(
            "entry is a string", header: #"{"w":"F32"}"#,
            invalidW("expected an object with dtype, shape and data_offsets, found a string")),
        Malformed(
            "missing dtype", header: #"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, data: Bytes.floats([1]),
            invalidW("missing field \"dtype\"")),
        Malformed(
            "missing shape", header: #"{"w":{"dtype":"F32","data_offsets":[0,4]}}"#, data: Bytes.floats([1]),
            invalidW("missing field \"shape\"")),
        Malformed(
            "missing data_offsets", header: #"{"w":{"dtype":"F32","shape":[1]}}"#, data: Bytes.floats([1]),
            invalidW("missing field \"data_offsets\"")),
        Malformed(
            "unexpected field",
            header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"offsets":[0,4]}}"#,
            data: Bytes.floats([1]), invalidW("unexpected field \"offsets\"")),
        Malformed(
            "dtype is a number", header: #"{"w":{"dtype":32,"shape":[1],"data_offsets":[0,4]}}"#,
            invalidW("dtype is a number, not a string")),
        Malformed(
            "shape is a number", header: object(entry("w", shape: "4", offsets: "[0,16]")),
            data: Bytes.floats([1, 2, 3, 4]), invalidW("shape is a number, not an array of integers")),
        Malformed(
            "negative dimension", header: object(entry("w", shape: "[-1]", offsets: "[0,0]")),
            invalidW("shape holds -1, \(notAnInteger)")),
        Malformed(
            "fractional dimension", header: object(entry("w", shape: "[2.0]", offsets: "[0,8]")),
            data: Bytes.floats([1, 2]), invalidW("shape holds 2.0, \(notAnInteger)")),
        Malformed(
            "dimension beyond 64 bits", header: object(entry("w", shape: "[18446744073709551616]", offsets: "[0,0]")),
            invalidW("shape holds 18446744073709551616, \(notAnInteger)")),
        Malformed(
            "dimension is a string", header: object(entry("w", shape: #"["2"]"#, offsets: "[0,8]")),
            data: Bytes.floats([1, 2]), invalidW("shape holds a string, not an integer")),
        Malformed(
            "three offsets", header: object(entry("w", shape: "[1]", offsets: "[0,4,8]")),
            data: Bytes.floats([1, 2]), invalidW("data_offsets has 3 numbers, expected 2 (begin and end)")),
        Malformed(
            "offsets backwards", header: object(entry("w", shape: "[1]", offsets: "[4,0]")),
            data: Bytes.floats([1]), invalidW("data_offsets [4, 0] ends before it begins")),

        // dtypes and sizes.
        Malformed(
            "unknown dtype", header: object(entry("w", shape: "[1]", offsets: "[0,4]", dtype: "F33")),
            data: Bytes.floats([1]), .unknownDType(file: f, tensor: "w", dtype: "F33")),
        Malformed(
            "lowercase dtype", header: object(entry("w", shape: "[1]", offsets: "[0,4]", dtype: "f32")),
            data: Bytes.floats([1]), .unknownDType(file: f, tensor: "w", dtype: "f32")),
        Malformed(
            "sub-byte dtype", header: object(entry("w", shape: "[2]", offsets: "[0,1]", dtype: "F4")),
            data: [0], .unsupportedDType(file: f, tensor: "w", dtype: "F4")),
        Malformed(
            "element count overflows", header: object(entry("w", shape: "[4294967296,4294967296]", offsets: "[0,0]")),
            .shapeOverflow(file: f, tensor: "w", shape: [4_294_967_296, 4_294_967_296])),
        Malformed(
            "byte size overflows", header: object(entry("w", shape: "[4611686018427387904]", offsets: "[0,0]")),
            .shapeOverflow(file: f, tensor: "w", shape: [4_611_686_018_427_387_904])),
        Malformed(
            "offsets span too few bytes", header: object(entry("w", shape: "[2]", offsets: "[0,4]")),
            data: Bytes.floats([1]),
            .offsetsMismatchShape(file: f, tensor: "w", begin: 0, end: 4, expectedByteCount: 8)),

        // Layout of the data section.
        Malformed(
            "tensor past the end of the data", header: object(entry("w", shape: "[2]", offsets: "[0,8]")),
            data: Bytes.floats([1]), .offsetsOutOfBounds(file: f, tensor: "w", end: 8, dataLength: 4)),
        Malformed(
            "offsets near 2^63",
            header: object(entry("w", shape: "[0]", offsets: "[9223372036854775807,9223372036854775807]")),
            .offsetsOutOfBounds(file: f, tensor: "w", end: .max, dataLength: 0)),
        Malformed(
            "overlapping tensors",
            header: object(entry("a", shape: "[2]", offsets: "[0,8]"), entry("b", shape: "[2]", offsets: "[4,12]")),
            data: Bytes.floats([1, 2, 3]), .overlappingTensors(file: f, first: "a", second: "b")),
        Malformed(
            "two names for the same bytes",
            header: object(entry("a", shape: "[1]", offsets: "[0,4]"), entry("b", shape: "[1]", offsets: "[0,4]")),
            data: Bytes.floats([1]), .overlappingTensors(file: f, first: "a", second: "b")),
        Malformed(
            "hole between tensors",
            header: object(entry("a", shape: "[1]", offsets: "[0,4]"), entry("b", shape: "[1]", offsets: "[8,12]")),
            data: Bytes.floats([1, 2, 3]), .unclaimedBytes(file: f, begin: 4, end: 8)),
        Malformed(
            "data does not start at offset 0", header: object(entry("a", shape: "[1]", offsets: "[4,8]")),
            data: Bytes.floats([1, 2]), .unclaimedBytes(file: f, begin: 0, end: 4)),
        Malformed(
            "trailing bytes after the last tensor", header: object(entry("a", shape: "[1]", offsets: "[0,4]")),
            data: Bytes.floats([1, 2]), .dataLengthMismatch(file: f, expected: 4, actual: 8)),
        Malformed(
            "data but no tensors", header: "{}", data: [1, 2, 3],
            .dataLengthMismatch(file: f, expected: 0, actual: 3)),
    ]

    @Test(arguments: cases)
    func malformedFileIsRejectedWithItsError(_ malformed: Malformed) {
        #expect(throws: malformed.error) {
            try SafeTensorsFile(decoding: malformed.bytes, file: Self.f)
        }
    }

    @Test func headerBeyondTheLimitIsRejectedBeforeParsing() {
        let bytes = Bytes.file(header: "{}" + String(repeating: " ", count: 30))
        #expect(throws: SafeTensorsError.headerTooLarge(file: "big", headerLength: 32, limit: 16)) {
            try SafeTensorsFile(decoding: bytes, file: "big", maximumHeaderLength: 16)
        }
        #expect(SafeTensorsFile.maximumHeaderLength == 100 * 1024 * 1024)
    }

    @Test func everyMessageNamesTheFile() {
        for malformed in Self.cases {
            #expect(malformed.error.description.hasPrefix("'\(Self.f)' is not a valid safetensors file: "))
            #expect(malformed.error.file == Self.f)
        }
    }

    @Test func messagesSayWhatIsWrong() {
        #expect(
            SafeTensorsError.headerExceedsFile(file: "m.safetensors", headerLength: 100, available: 2).description
                == "'m.safetensors' is not a valid safetensors file: the header length 100 is larger than the 2 bytes "
                + "that follow it (truncated file?)")
        #expect(
            SafeTensorsError.unsupportedDType(file: "m", tensor: "w", dtype: "F4").description
                == "'m' is not a valid safetensors file: tensor \"w\" has unsupported dtype F4")
        let mismatch = SafeTensorsError.offsetsMismatchShape(
            file: "m", tensor: "w", begin: 0, end: 4, expectedByteCount: 8)
        #expect(
            mismatch.description == "'m' is not a valid safetensors file: tensor \"w\" has data_offsets [0, 4] "
                + "spanning 4 bytes, but its dtype and shape need 8")
    }

    /// Every prefix of a valid file is invalid, and is reported as such rather than crashing.
    @Test func everyTruncationOfAValidFileIsRejected() throws {
        let bytes = try SafeTensorsFileTests.sampleFile().encoded()
        for length in 0 ..< bytes.count {
            #expect(throws: SafeTensorsError.self) {
                try SafeTensorsFile(decoding: Array(bytes.prefix(length)), file: "cut")
            }
        }
    }

    /// Corrupting any single byte either still decodes or throws; it never crashes or hangs.
    @Test func corruptingAnyByteNeverCrashes() throws {
        let bytes = try SafeTensorsFileTests.sampleFile().encoded()
        var rejected = 0
        for index in bytes.indices {
            for replacement: UInt8 in [0x00, 0x22, 0x30, 0x5B, 0x7B, 0x7D, 0xFF] where replacement != bytes[index] {
                var corrupted = bytes
                corrupted[index] = replacement
                do {
                    _ = try SafeTensorsFile(decoding: corrupted, file: "corrupt")
                } catch {
                    rejected += 1
                }
            }
        }
        #expect(rejected > 0)
    }
}
