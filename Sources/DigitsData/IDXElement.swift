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
