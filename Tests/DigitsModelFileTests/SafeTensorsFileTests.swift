import Testing
import DigitsKit
@testable import DigitsModelFile

@Suite struct SafeTensorsFileTests {
    typealias Bytes = SafeTensorsTestBytes

    static func sampleFile() throws -> SafeTensorsFile {
        try SafeTensorsFile(
            tensors: [
                "layer0.weight": SafeTensor(shape: [3, 2], floats: [1, -2, 0.5, .infinity, -0.0, 3.25]),
                "layer0.bias": SafeTensor(shape: [2], floats: [0.125, -7]),
                "scale": SafeTensor(shape: [], floats: [42]),
                "empty": SafeTensor(shape: [0, 5], floats: []),
                "steps": SafeTensor(dtype: .i64, shape: [1], bytes: Bytes.littleEndian(1234)),
            ],
            metadata: ["format": "digits-mlp", "note": "quotes \" backslash \\ newline \n tab \t ünïcödé"]
        )
    }

    // MARK: Round trips

    @Test func roundTripKeepsTensorsAndMetadata() throws {
        let original = try Self.sampleFile()
        let decoded = try SafeTensorsFile(decoding: original.encoded(), file: "sample")
        #expect(decoded == original)
        #expect(decoded.tensors["layer0.weight"]?.floats == [1, -2, 0.5, .infinity, -0.0, 3.25])
        #expect(decoded.tensors["layer0.weight"]?.shape == [3, 2])
        #expect(decoded.tensors["scale"]?.elementCount == 1)
        #expect(decoded.tensors["empty"]?.elementCount == 0)
        #expect(decoded.tensors["steps"]?.floats == nil)
    }

    @Test func roundTripKeepsNaNBitPatterns() throws {
        let payloadNaN = Float(bitPattern: 0x7FC0_1234)
        let original = SafeTensorsFile(tensors: ["x": try SafeTensor(shape: [1], floats: [payloadNaN])])
        let decoded = try SafeTensorsFile(decoding: original.encoded(), file: "nan")
        #expect(decoded.tensors["x"]?.floats?.first?.bitPattern == 0x7FC0_1234)
    }

    @Test func emptyMetadataIsLeftOutOfTheHeaderAndReadBackEmpty() throws {
        let original = SafeTensorsFile(tensors: ["x": try SafeTensor(shape: [2], floats: [1, 2])])
        let bytes = try original.encoded()
        #expect(!String(decoding: bytes, as: UTF8.self).contains("__metadata__"))
        let decoded = try SafeTensorsFile(decoding: bytes, file: "no-metadata")
        #expect(decoded.metadata.isEmpty)
        #expect(decoded == original)
    }

    @Test func fileWithNoTensorsRoundTrips() throws {
        let original = SafeTensorsFile(metadata: ["only": "metadata"])
        #expect(try SafeTensorsFile(decoding: original.encoded(), file: "empty") == original)
        #expect(try SafeTensorsFile(decoding: SafeTensorsFile().encoded(), file: "empty") == SafeTensorsFile())
    }

    @Test func encodingIsDeterministicAndHeaderIsPaddedToEightBytes() throws {
        let file = try Self.sampleFile()
        let first = try file.encoded()
        var rebuilt = SafeTensorsFile()
        for name in file.tensors.keys.sorted().reversed() { rebuilt.tensors[name] = file.tensors[name] }
        for key in file.metadata.keys.sorted().reversed() { rebuilt.metadata[key] = file.metadata[key] }
        #expect(try rebuilt.encoded() == first)

        let headerLength = first.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(headerLength % 8 == 0)
        let header = String(decoding: first[8 ..< 8 + headerLength], as: UTF8.self)
        #expect(header.hasPrefix("{\"__metadata__\":{\"format\":\"digits-mlp\","))
        let names = ["empty", "layer0.bias", "layer0.weight", "scale", "steps"]
        let positions = names.map { header.range(of: "\"\($0)\":")!.lowerBound }
        #expect(positions == positions.sorted(), "tensors are written in sorted order")
    }

    // MARK: The format, built by hand

    /// The exact bytes the format prescribes for a small file, written out independently.
    static let handBuiltHeader =
        #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"#
        + #""b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#

    @Test func writerProducesTheBytesTheFormatPrescribes() throws {
        // 138 bytes of JSON, padded with spaces to 144 so that the data starts 8-byte aligned.
        let header = Self.handBuiltHeader + String(repeating: " ", count: 6)
        #expect(header.utf8.count == 144)
        let expected: [UInt8] =
            [144, 0, 0, 0, 0, 0, 0, 0] + Array(header.utf8)
            + [0x00, 0x00, 0x00, 0x3F]  // 0.5
            + [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0]  // 1, -2
        let file = SafeTensorsFile(
            tensors: [
                "b": try SafeTensor(shape: [2], floats: [1, -2]), "a": try SafeTensor(shape: [], floats: [0.5]),
            ],
            metadata: ["format": "pt"])
        #expect(try file.encoded() == expected)
        #expect(try SafeTensorsFile(decoding: expected, file: "hand-built") == file)
    }

    @Test func readerAcceptsAnyKeyOrderWhitespaceAndEntryOrder() throws {
        let header = """
            {
              "second" : { "shape" : [ 1 ] , "data_offsets" : [ 8 , 12 ], "dtype" : "F32" },
              "first": {"data_offsets": [0, 8], "dtype": "F32", "shape": [2, 1]},
              "__metadata__": {"k": "v\\u00e9\\ud83d\\ude00"}
            }\u{20}\u{20}\u{20}
            """
        let file = try SafeTensorsFile(
            decoding: Bytes.file(header: header, data: Bytes.floats([1, 2, 3])), file: "hand-built")
        #expect(file.tensors["first"]?.shape == [2, 1])
        #expect(file.tensors["first"]?.floats == [1, 2])
        #expect(file.tensors["second"]?.floats == [3])
        #expect(file.metadata == ["k": "vé😀"])
    }

    @Test func readerKeepsOtherWholeByteDTypesAsRawBytes() throws {
        let header =
            #"{"ids":{"dtype":"I32","shape":[2],"data_offsets":[0,8]},"#
            + #""mask":{"dtype":"BOOL","shape":[3],"data_offsets":[8,11]}}"#
        let data: [UInt8] = [7, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 1]
        let file = try SafeTensorsFile(decoding: Bytes.file(header: header, data: data), file: "ints")
        #expect(file.tensors["ids"]?.dtype == .i32)
        #expect(file.tensors["ids"]?.bytes == Array(data[0 ..< 8]))
        #expect(file.tensors["mask"]?.bytes == [1, 0, 1])
        #expect(file.tensors["ids"]?.floats == nil)
    }

    @Test func metadataNullMeansNoMetadata() throws {
        let file = try SafeTensorsFile(decoding: Bytes.file(header: #"{"__metadata__":null}"#), file: "null")
        #expect(file == SafeTensorsFile())
    }

    // MARK: Building tensors

    @Test func tensorRejectsValuesThatDoNotFillItsShape() {
        #expect(throws: SafeTensorsError.byteCountMismatch(shape: [2, 2], dtype: "F32", expected: 16, actual: 12)) {
            try SafeTensor(shape: [2, 2], floats: [1, 2, 3])
        }
        #expect(throws: SafeTensorsError.invalidShape(shape: [-1])) {
            try SafeTensor(dtype: .u8, shape: [-1], bytes: [])
        }
        #expect(throws: SafeTensorsError.invalidShape(shape: [Int.max, 2])) {
            try SafeTensor(dtype: .u8, shape: [Int.max, 2], bytes: [])
        }
    }

    @Test func writerRefusesATensorNamedLikeTheMetadata() throws {
        let file = SafeTensorsFile(tensors: ["__metadata__": try SafeTensor(shape: [1], floats: [1])])
        #expect(throws: SafeTensorsError.reservedTensorName("__metadata__")) { try file.encoded() }
    }

    @Test func descriptionOfTensorIsDTypeAndShape() throws {
        #expect(
            try SafeTensor(shape: [784, 128], floats: .init(repeating: 0, count: 784 * 128)).description
                == "F32[784, 128]")
    }
}
