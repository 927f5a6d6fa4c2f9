import Testing
import DigitsKit
import DigitsTestSupport

@Suite struct IDXArrayTests {
    /// An array of each type holding that type's extremes, and its elements as `Double`.
    static func sample(_ type: IDXDataType) -> (array: IDXArray, expected: [Double]) {
        func make<Element: IDXElement>(_ values: [Element], _ toDouble: (Element) -> Double) -> (IDXArray, [Double]) {
            (IDXArray(dimensions: [2, 3], values: values), values.map(toDouble))
        }
        switch type {
        case .uint8: return make([UInt8]([0, 1, 127, 128, 254, 255]), Double.init)
        case .int8: return make([Int8]([.min, -1, 0, 1, 100, .max]), Double.init)
        case .int16: return make([Int16]([.min, -258, 0, 1, 0x0102, .max]), Double.init)
        case .int32: return make([Int32]([.min, -70_000, 0, 1, 0x0102_0304, .max]), Double.init)
        case .float32:
            return make(
                [Float]([-.greatestFiniteMagnitude, -1.5, 0, .leastNonzeroMagnitude, 3.25, .infinity]), Double.init)
        case .float64: return make([Double]([-.greatestFiniteMagnitude, -1e-300, 0, .pi, 1e300, -.infinity]), { $0 })
        }
    }

    @Test(arguments: IDXDataType.allCases, [false, true])
    func everyTypeRoundTripsThroughBytes(type: IDXDataType, gzip: Bool) throws {
        let (array, expected) = Self.sample(type)
        let encoded = array.encoded(gzip: gzip)
        #expect(Gzip.isGzip(encoded) == gzip)
        let decoded = try IDXArray(decoding: encoded, source: "sample")
        #expect(decoded == array)
        #expect(decoded.dataType == type)
        #expect(decoded.dimensions == [2, 3])
        #expect(decoded.count == 6)
        #expect(decoded.doubleValues() == expected)
        #expect(decoded.floatValues() == expected.map { Float($0) })
    }

    @Test(arguments: IDXDataType.allCases, [false, true])
    func everyTypeRoundTripsThroughAFile(type: IDXDataType, gzip: Bool) throws {
        let array = Self.sample(type).array
        try DataTestSupport.withTemporaryDirectory { directory in
            // The name says nothing about compression: the reader goes by the content.
            let path = directory + "/array.idx"
            try array.write(toFile: path, gzip: gzip)
            #expect(try IDXArray(contentsOfFile: path) == array)
        }
    }

    @Test func typedValuesComeBackExactly() {
        let int16: [Int16] = [.min, -1, 0, 0x0102, .max]
        let int32: [Int32] = [.min, -1, 0, 0x0102_0304, .max]
        let floats: [Float] = [-0.0, .leastNormalMagnitude, 1 / 3, .greatestFiniteMagnitude]
        let doubles: [Double] = [-0.0, .leastNormalMagnitude, 1 / 3, .greatestFiniteMagnitude]
        #expect(IDXArray(dimensions: [5], values: int16).values(as: Int16.self) == int16)
        #expect(IDXArray(dimensions: [5], values: int32).values(as: Int32.self) == int32)
        #expect(
            IDXArray(dimensions: [4], values: floats).values(as: Float.self)?.map(\.bitPattern)
                == floats.map(\.bitPattern))
        #expect(
            IDXArray(dimensions: [4], values: doubles).values(as: Double.self)?.map(\.bitPattern)
                == doubles.map(\.bitPattern))
        #expect(IDXArray(dimensions: [5], values: int16).values(as: Int32.self) == nil, "wrong type gives nil")
    }

    @Test func encodingIsBigEndianWithTheStandardHeader() {
        let array = IDXArray(dimensions: [1, 2], values: [Int16(0x0102), Int16(-2)])
        #expect(array.encoded() == [0, 0, 0x0B, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0x01, 0x02, 0xFF, 0xFE])
        let float = IDXArray(dimensions: [1], values: [Float(1)])
        #expect(float.bytes == [0x3F, 0x80, 0, 0])
    }

    @Test func uint8ValuesAreThePayloadItselfNotACopy() throws {
        let array = try IDXArray(decoding: IDXArray(dimensions: [4], values: [UInt8]([9, 8, 7, 6])).encoded())
        let values = try #require(array.uint8Values)
        #expect(values == [9, 8, 7, 6])
        let payloadAddress = array.bytes.withUnsafeBufferPointer { $0.baseAddress }
        #expect(values.withUnsafeBufferPointer { $0.baseAddress } == payloadAddress)
        #expect(IDXArray(dimensions: [1], values: [Int8(1)]).uint8Values == nil)
    }

    @Test func manyDimensionsAndEmptyDimensionsAreValid() throws {
        let deep = IDXArray(dataType: .uint8, dimensions: [Int](repeating: 1, count: 255), bytes: [42])
        #expect(try IDXArray(decoding: deep.encoded()) == deep)
        let empty = IDXArray(dataType: .float64, dimensions: [3, 0, 2], bytes: [])
        let decoded = try IDXArray(decoding: empty.encoded(gzip: true))
        #expect(decoded.dimensions == [3, 0, 2])
        #expect(decoded.doubleValues().isEmpty)
    }

    @Test func dataTypeDescriptionsNameTheTypeAndCode() {
        #expect(IDXDataType.uint8.description == "UInt8 (0x08)")
        #expect(IDXDataType.int16.description == "Int16 (0x0B)")
        #expect(IDXDataType.allCases.map(\.byteWidth) == [1, 1, 2, 4, 4, 8])
    }
}
