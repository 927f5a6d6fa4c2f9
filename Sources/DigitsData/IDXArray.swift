import DigitsTensor

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
            (1 ... Self.maximumDimensionCount).contains(dimensions.count),
            "an IDX array has 1...\(Self.maximumDimensionCount) dimensions, got \(dimensions.count)")
        precondition(
            dimensions.allSatisfy { (0 ... Int(UInt32.max)).contains($0) },
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
            [Result](uninitializedCount: count) { output in
                for index in 0 ..< count {
                    output.initializeElement(
                        at: index, to: transform(Element.loadBigEndian(from: raw, at: index * width)))
                }
            }
        }
    }
}
