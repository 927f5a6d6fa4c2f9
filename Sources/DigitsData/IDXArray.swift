/// The element types an IDX file can hold, by their type code (the third byte of the file).
public enum IDXDataType: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    /// Unsigned byte, 0x08 (MNIST pixels and labels).
    case uint8 = 0x08
    /// Signed byte, 0x09.
    case int8 = 0x09
    /// Big-endian 16-bit signed integer, 0x0B.
    case int16 = 0x0B
    /// Big-endian 32-bit signed integer, 0x0C.
    case int32 = 0x0C
    /// Big-endian IEEE 754 single precision, 0x0D.
    case float32 = 0x0D
    /// Big-endian IEEE 754 double precision, 0x0E.
    case float64 = 0x0E

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .uint8, .int8: 1
        case .int16: 2
        case .int32, .float32: 4
        case .float64: 8
        }
    }

    /// The type's name and code, e.g. `UInt8 (0x08)`.
    public var description: String {
        let name =
            switch self {
            case .uint8: "UInt8"
            case .int8: "Int8"
            case .int16: "Int16"
            case .int32: "Int32"
            case .float32: "Float32"
            case .float64: "Float64"
            }
        return "\(name) (0x" + (rawValue < 16 ? "0" : "") + String(rawValue, radix: 16, uppercase: true) + ")"
    }
}

/// A Swift type that stores one IDX element: `UInt8`, `Int8`, `Int16`, `Int32`, `Float` or `Double`.
public protocol IDXElement: Sendable {
    /// The IDX type code for this element type.
    static var idxDataType: IDXDataType { get }
    /// Reads one element stored big-endian at byte `offset` of `bytes`.
    static func loadBigEndian(from bytes: UnsafeRawBufferPointer, at offset: Int) -> Self
    /// Writes this element big-endian at byte `offset` of `bytes`.
    func storeBigEndian(into bytes: UnsafeMutableRawBufferPointer, at offset: Int)
}

extension IDXElement where Self: FixedWidthInteger {
    /// Reads one big-endian integer at byte `offset`.
    public static func loadBigEndian(from bytes: UnsafeRawBufferPointer, at offset: Int) -> Self {
        Self(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Self.self))
    }

    /// Writes this integer big-endian at byte `offset`.
    public func storeBigEndian(into bytes: UnsafeMutableRawBufferPointer, at offset: Int) {
        bytes.storeBytes(of: bigEndian, toByteOffset: offset, as: Self.self)
    }
}

extension UInt8: IDXElement {
    /// 0x08.
    public static var idxDataType: IDXDataType { .uint8 }
}

extension Int8: IDXElement {
    /// 0x09.
    public static var idxDataType: IDXDataType { .int8 }
}

extension Int16: IDXElement {
    /// 0x0B.
    public static var idxDataType: IDXDataType { .int16 }
}

extension Int32: IDXElement {
    /// 0x0C.
    public static var idxDataType: IDXDataType { .int32 }
}

extension Float: IDXElement {
    /// 0x0D.
    public static var idxDataType: IDXDataType { .float32 }

    /// Reads one big-endian `Float` at byte `offset`.
    public static func loadBigEndian(from bytes: UnsafeRawBufferPointer, at offset: Int) -> Float {
        Float(bitPattern: UInt32.loadBigEndian(from: bytes, at: offset))
    }

    /// Writes this value big-endian at byte `offset`.
    public func storeBigEndian(into bytes: UnsafeMutableRawBufferPointer, at offset: Int) {
        bitPattern.storeBigEndian(into: bytes, at: offset)
    }
}

extension Double: IDXElement {
    /// 0x0E.
    public static var idxDataType: IDXDataType { .float64 }

    /// Reads one big-endian `Double` at byte `offset`.
    public static func loadBigEndian(from bytes: UnsafeRawBufferPointer, at offset: Int) -> Double {
        Double(bitPattern: UInt64.loadBigEndian(from: bytes, at: offset))
    }

    /// Writes this value big-endian at byte `offset`.
    public func storeBigEndian(into bytes: UnsafeMutableRawBufferPointer, at offset: Int) {
        bitPattern.storeBigEndian(into: bytes, at: offset)
    }
}

// Only for the float conversions above; not IDX element types themselves.
extension UInt32 {
    fileprivate static func loadBigEndian(from bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    fileprivate func storeBigEndian(into bytes: UnsafeMutableRawBufferPointer, at offset: Int) {
        bytes.storeBytes(of: bigEndian, toByteOffset: offset, as: UInt32.self)
    }
}

extension UInt64 {
    fileprivate static func loadBigEndian(from bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    fileprivate func storeBigEndian(into bytes: UnsafeMutableRawBufferPointer, at offset: Int) {
        bytes.storeBytes(of: bigEndian, toByteOffset: offset, as: UInt64.self)
    }
}

/// The content of one IDX file: an n-dimensional array of one element type.
///
/// The elements stay as the file stores them, big-endian, in `bytes` (the payload after the
/// header, last dimension varying fastest). For `.uint8` arrays, such as MNIST's images and
/// labels, `bytes` already is the element array and `uint8Values` hands it out without a copy.
public struct IDXArray: Equatable, Sendable {
    /// The element type.
    public let dataType: IDXDataType
    /// The size of each dimension, outermost first (MNIST images: `[count, 28, 28]`).
    public let dimensions: [Int]
    /// The payload: `count × dataType.byteWidth` bytes, each element big-endian.
    public let bytes: [UInt8]

    /// The largest number of dimensions an IDX header can declare (it is stored in one byte).
    public static let maximumDimensionCount = 255

    /// An array over an existing payload.
    ///
    /// `dimensions` must hold 1…255 sizes, each 0…`UInt32.max`, and `bytes.count` must equal
    /// their product times `dataType.byteWidth`; violating that is a programming error (files
    /// are checked, with thrown errors, by the reading initialisers instead).
    public init(dataType: IDXDataType, dimensions: [Int], bytes: [UInt8]) {
        precondition(
            (1...Self.maximumDimensionCount).contains(dimensions.count),
            "an IDX array has 1...\(Self.maximumDimensionCount) dimensions, got \(dimensions.count)")
        precondition(
            dimensions.allSatisfy { (0...Int(UInt32.max)).contains($0) },
            "IDX dimension sizes must be 0...\(UInt32.max), got \(dimensions)")
        let expected = Self.payloadByteCount(dimensions: dimensions, dataType: dataType)
        precondition(
            expected == bytes.count,
            "dimensions \(dimensions) of \(dataType) need \(expected.map(String.init) ?? "too many") bytes, got \(bytes.count)"
        )
        self.init(validatedType: dataType, dimensions: dimensions, payload: bytes)
    }

    /// An array of `values`, laid out row-major over `dimensions`; `values.count` must equal
    /// the product of `dimensions`.
    public init<Element: IDXElement>(dimensions: [Int], values: [Element]) {
        let width = Element.idxDataType.byteWidth
        precondition(MemoryLayout<Element>.size == width, "\(Element.self) is not \(width) bytes wide")
        var payload = [UInt8](repeating: 0, count: values.count * width)
        payload.withUnsafeMutableBytes { raw in
            for (index, value) in values.enumerated() {
                value.storeBigEndian(into: raw, at: index * width)
            }
        }
        self.init(dataType: Element.idxDataType, dimensions: dimensions, bytes: payload)
    }

    /// Used once the caller has checked the shape against the payload.
    init(validatedType dataType: IDXDataType, dimensions: [Int], payload: [UInt8]) {
        self.dataType = dataType
        self.dimensions = dimensions
        self.bytes = payload
    }

    /// Number of elements: the product of `dimensions`.
    public var count: Int { bytes.count / dataType.byteWidth }

    /// `dimensions`' product times the element width, or nil if that overflows `Int`.
    static func payloadByteCount(dimensions: [Int], dataType: IDXDataType) -> Int? {
        var product = dataType.byteWidth
        for size in dimensions {
            let (next, overflow) = product.multipliedReportingOverflow(by: size)
            if overflow { return nil }
            product = next
        }
        return product
    }

    // MARK: Elements

    /// The elements as bytes when `dataType` is `.uint8`, otherwise nil.
    ///
    /// This is `bytes` itself: no copy is made.
    public var uint8Values: [UInt8]? {
        dataType == .uint8 ? bytes : nil
    }

    /// The elements as `Element` when that is exactly the array's type, otherwise nil.
    public func values<Element: IDXElement>(as _: Element.Type) -> [Element]? {
        guard Element.idxDataType == dataType else { return nil }
        return mapElements(Element.self) { $0 }
    }

    /// Every element converted to `Double`, whatever the type; exact for all IDX types.
    public func doubleValues() -> [Double] {
        switch dataType {
        case .uint8: bytes.map { Double($0) }
        case .int8: bytes.map { Double(Int8(bitPattern: $0)) }
        case .int16: mapElements(Int16.self) { Double($0) }
        case .int32: mapElements(Int32.self) { Double($0) }
        case .float32: mapElements(Float.self) { Double($0) }
        case .float64: mapElements(Double.self) { $0 }
        }
    }

    /// Every element converted to `Float`, whatever the type; `int32` values beyond ±2²⁴ and
    /// `float64` values are rounded to the nearest `Float`.
    public func floatValues() -> [Float] {
        switch dataType {
        case .uint8: bytes.map { Float($0) }
        case .int8: bytes.map { Float(Int8(bitPattern: $0)) }
        case .int16: mapElements(Int16.self) { Float($0) }
        case .int32: mapElements(Int32.self) { Float($0) }
        case .float32: mapElements(Float.self) { $0 }
        case .float64: mapElements(Double.self) { Float($0) }
        }
    }

    /// Decodes every element as `Element` (which must match `dataType`) and maps it, straight
    /// into the result's storage.
    private func mapElements<Element: IDXElement, Result>(
        _: Element.Type, _ transform: (Element) -> Result
    ) -> [Result] {
        let count = count
        let width = dataType.byteWidth
        return bytes.withUnsafeBytes { raw in
            [Result](unsafeUninitializedCapacity: count) { output, initialized in
                for index in 0..<count {
                    output.initializeElement(
                        at: index, to: transform(Element.loadBigEndian(from: raw, at: index * width)))
                }
                initialized = count
            }
        }
    }
}
