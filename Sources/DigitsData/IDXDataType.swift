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
